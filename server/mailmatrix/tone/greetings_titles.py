"""What a written title tells a greeting: gender (only because the title says so), an academic
degree, and the matching honorific in English, Chinese, Korean and Turkish.

"Frau" and "Mr" are gendered words someone chose to write; reading them is not guessing. A name
with no title has gender None, and every greeting then takes its neutral form.
"""

from __future__ import annotations

from dataclasses import dataclass

_FEMININE = frozenset({
    "mrs", "ms", "miss", "dame", "frau", "fr", "mme", "mlle", "madame", "mademoiselle", "sra",
    "srta", "señora", "señorita", "dra", "signora", "sig.ra", "sig.na", "dott.ssa", "senhora",
    "mevr", "mevrouw", "госпожа", "г-жа", "السيدة", "الدكتورة", "الأستاذة", "hanım", "hanim",
    "女士", "小姐",
})
_MASCULINE = frozenset({
    "mr", "sir", "herr", "herrn", "hr", "monsieur", "m", "sr", "señor", "signor", "sig",
    "senhor", "dhr", "heer", "господин", "г-н", "السيد", "الدكتور", "الأستاذ", "bey", "先生",
})
_ENGLISH_WRITTEN = frozenset({"mr", "mrs", "ms", "miss", "mx"})
_DOCTOR = frozenset({"dr", "dra", "dott", "dott.ssa", "الدكتور", "الدكتورة", "博士"})
_PROFESSOR = frozenset({"prof", "教授"})
_CHINESE = frozenset({
    "先生", "女士", "小姐", "总经理", "總經理", "经理", "經理", "副总", "总", "總", "总监", "總監",
    "主任", "老师", "老師", "博士", "教授", "律师", "律師", "董事长", "董事長", "部长", "部長",
})
_KOREAN = frozenset({"선생님", "사장님", "부장님", "과장님", "대리님", "이사님", "팀장님", "실장님",
                     "차장님", "대표님"})


@dataclass(frozen=True)
class Title:
    gender: str | None = None  # "f" / "m" only when a gendered title was written
    academic: str | None = None  # "Dr.", "Prof.", "Prof. Dr." (German-style, as in letters)
    english: str = ""  # "Ms", "Mr.", "Dr", "Prof" or ""
    chinese: str = ""  # 经理, 总, 先生, 博士 ... or ""
    korean: str = ""  # 부장님 ... or "" (then the plain 님)
    turkish: str = ""  # Bey / Hanım or ""


def read_title(title: str | None) -> Title:
    if not title or not isinstance(title, str):
        return Title()
    words = title.split()
    keys = [word.lower().rstrip(".") for word in words]
    gender = next(("f" if key in _FEMININE else "m" for key in keys
                   if key in _FEMININE or key in _MASCULINE), None)
    professor = any(key in _PROFESSOR for key in keys)
    doctor = any(key in _DOCTOR for key in keys)
    academic = " ".join(part for part, present in (("Prof.", professor), ("Dr.", doctor))
                        if present) or None
    written = next((word for word, key in zip(words, keys, strict=True)
                    if key in _ENGLISH_WRITTEN), "")
    english = ("Prof" if professor else "Dr" if doctor else written
               or {"f": "Ms", "m": "Mr"}.get(gender or "", ""))
    chinese = next((word for word in words if word in _CHINESE), "") or (
        "教授" if professor else "博士" if doctor
        else {"f": "女士", "m": "先生"}.get(gender or "", ""))
    korean = next((word for word in words if word in _KOREAN), "")
    turkish = next((word for word, key in zip(words, keys, strict=True)
                    if key in ("bey", "hanım", "hanim")), "") or (
        {"f": "Hanım", "m": "Bey"}.get(gender or "", ""))
    return Title(gender, academic, english, chinese, korean, turkish)
