"""The greeting and sign-off to suggest, in the customer's language and the chosen register.

The rule that shapes every form here: never guess gender. Many formal greetings are gendered
("Sehr geehrte/r", "Estimado/a", "Уважаемый/ая", "Prezado/a", "السيد/ة"); we use them only when
a gendered title was written for this person (Frau, Mr, Sra., 女士, ...). Otherwise we use the full
name with the language's neutral form ("Guten Tag Anna Schmidt,", "Bonjour Anne Dubois,",
"Здравствуйте, Анна Иванова!"), or its neutral opening for an unknown reader. Unknown languages
get English.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from mailmatrix.tone.cues import FORMAL, NEUTRAL, RELAXED
from mailmatrix.tone.greetings_titles import Title, read_title
from mailmatrix.tone.names import PersonName


@dataclass(frozen=True)
class _Addressee:
    """What a greeting may use: the parts of the name and what its title tells."""

    full: str  # "" when no name is known
    given: str  # given name, else the full name
    family: str  # family name, else ""
    title: Title
    given_only: str  # the given name, "" when not known apart from the full name
    japanese: bool  # written in kanji/kana, where the family name alone is the usual address

    def titled(self, honorific: str) -> str:
        """'Frau Schmidt', 'Herr Dr. Schmidt'; '' without a family name."""
        if not self.family:
            return ""
        academic = f"{self.title.academic} " if self.title.academic else ""
        return f"{honorific} {academic}{self.family}".strip()


def _addressee(name: PersonName) -> _Addressee:
    full = " ".join((name.full or "").split())
    family = name.family or ""
    given = name.given or ("" if family else full)
    if name.script in ("han", "kana", "hangul"):
        given = full  # "Hi 伟" is far too intimate: East Asian names are used whole
    return _Addressee(full, given, family, read_title(name.title), name.given or "",
                      name.script in ("han", "kana"))


def _en(register: str, who: _Addressee) -> str:
    honorific = who.title.english
    if register == FORMAL:
        if honorific and who.family:
            return f"Dear {honorific} {who.family},"
        return f"Dear {who.full}," if who.full else "Dear Sir or Madam,"
    word = "Hello" if register == NEUTRAL else "Hi"
    target = who.given or (f"{honorific} {who.family}" if honorific and who.family else "")
    return f"{word} {target}," if target else f"{word},"


def _de(register: str, who: _Addressee) -> str:
    gendered = {"f": "Frau", "m": "Herr"}.get(who.title.gender or "")
    if register == RELAXED:
        target = who.given or (who.titled(gendered) if gendered else "")
        return f"Hallo {target}," if target else "Hallo,"
    if gendered and who.family:
        if register == FORMAL:
            adjective = "Sehr geehrte" if gendered == "Frau" else "Sehr geehrter"
            return f"{adjective} {who.titled(gendered)},"
        return f"Guten Tag {who.titled(gendered)},"
    if who.title.academic and who.family:
        return f"Guten Tag {who.title.academic} {who.full or who.family},"
    if who.full:
        return f"Guten Tag {who.full},"
    return "Sehr geehrte Damen und Herren," if register == FORMAL else "Guten Tag,"


def _fr(register: str, who: _Addressee) -> str:
    gendered = {"f": "Madame", "m": "Monsieur"}.get(who.title.gender or "")
    if register == FORMAL and gendered:
        return f"{gendered},"  # French formal letters name the title alone
    if register == NEUTRAL and gendered and who.family:
        return f"Bonjour {gendered} {who.family},"
    target = who.given if register == RELAXED else who.full
    if target:
        return f"Bonjour {target},"
    return "Madame, Monsieur," if register == FORMAL else "Bonjour,"


def _latin_with_title(opening_f: str, opening_m: str, neutral_word: str, relaxed_word: str,
                      honorifics: dict[str, str], punctuation: str, separator: str,
                      no_name: str) -> Callable[[str, _Addressee], str]:
    """Spanish, Italian, Portuguese: gendered formal opening only with a gendered title."""

    def greet(register: str, who: _Addressee) -> str:
        gender = who.title.gender
        honorific = honorifics.get(gender or "")
        if register == RELAXED:
            return (f"{relaxed_word}{separator}{who.given}{punctuation}" if who.given
                    else f"{relaxed_word}{punctuation}")
        if honorific and who.family:
            if register == FORMAL:
                opening = opening_f if gender == "f" else opening_m
                return f"{opening} {honorific} {who.family}{punctuation}"
            return f"{neutral_word}{separator}{honorific} {who.family}{punctuation}"
        if who.full:
            return f"{neutral_word}{separator}{who.full}{punctuation}"
        return f"{no_name}{punctuation}"

    return greet


_es = _latin_with_title("Estimada", "Estimado", "Buenos días", "Hola",
                        {"f": "Sra.", "m": "Sr."}, ":", ", ", "Buenos días")
_pt = _latin_with_title("Prezada", "Prezado", "Bom dia", "Olá",
                        {"f": "Sra.", "m": "Sr."}, ",", ", ", "Bom dia")


def _it(register: str, who: _Addressee) -> str:
    honorific = {"f": "Sig.ra", "m": "Sig."}.get(who.title.gender or "")
    if register == RELAXED:
        return f"Ciao {who.given}," if who.given else "Buongiorno,"
    target = f"{honorific} {who.family}" if honorific and who.family else who.full
    if not target:
        return "Buongiorno,"
    # "Gentile" is the same for everyone, so the formal form needs no gender.
    return f"Gentile {target}," if register == FORMAL else f"Buongiorno {target},"


def _nl(register: str, who: _Addressee) -> str:
    honorific = {"f": "mevrouw", "m": "heer"}.get(who.title.gender or "")
    # A Dutch particle is capitalized when no given name precedes it: "heer De Vries".
    family = who.family[:1].upper() + who.family[1:]
    if register == RELAXED:
        return f"Hallo {who.given}," if who.given else "Hallo,"
    opening = "Geachte" if register == FORMAL else "Beste"
    if honorific and family:
        return f"{opening} {honorific} {family},"
    if who.full:
        return f"{opening} {who.full},"
    return "Geachte heer, mevrouw," if register == FORMAL else "Goedendag,"


def _ja(register: str, who: _Addressee) -> str:
    # Japanese names take 様/さん after the family name; other names keep it whole ("王伟様":
    # "王様" alone would read "king").
    family = who.family if who.japanese and len(who.family) >= 2 else who.full
    if register == FORMAL:
        return f"{family or 'ご担当者'}様\nいつもお世話になっております。"
    return f"{family}さん" if family else "ご担当者様"


def _zh(register: str, who: _Addressee) -> str:
    title = who.title.chinese
    if title and who.family:
        if register == FORMAL:
            return f"尊敬的{who.family}{title}："
        return f"{who.family}{title}，您好：" if register == NEUTRAL else f"{who.family}{title}好！"
    if register == RELAXED:
        return f"{who.full}，你好！" if who.full else "你好！"
    return f"{who.full} 您好：" if who.full else "您好："


def _ko(register: str, who: _Addressee) -> str:
    honorific = who.title.korean or "님"
    if register == FORMAL:
        return f"{who.full} {honorific}께" if who.full else "담당자님께"
    target = who.full if register == NEUTRAL else who.given
    ending = "안녕하세요." if register == NEUTRAL else "안녕하세요!"
    return f"{target} {honorific}, {ending}" if target else ending


def _ru(register: str, who: _Addressee) -> str:
    if register == FORMAL:
        if who.title.gender and who.family:
            if who.title.gender == "f":
                return f"Уважаемая госпожа {who.family}!"
            return f"Уважаемый господин {who.family}!"
        return f"Здравствуйте, {who.full}!" if who.full else "Здравствуйте!"
    target = who.full if register == NEUTRAL else who.given
    return f"Добрый день, {target}!" if target else "Добрый день!"


def _tr(register: str, who: _Addressee) -> str:
    honorific = who.title.turkish  # follows the given name: "Sayın Ahmet Bey"
    target = f"{who.given_only} {honorific}" if honorific and who.given_only else who.full
    if register == FORMAL:
        return f"Sayın {target}," if target else "Sayın Yetkili,"
    if register == RELAXED:
        target = who.given or target
    return f"Merhaba {target}," if target else "Merhaba,"


def _ar(register: str, who: _Addressee) -> str:
    if register == FORMAL:
        if who.title.gender == "f" and who.family:
            return f"السيدة {who.family} المحترمة،"
        if who.title.gender == "m" and who.family:
            return f"السيد {who.family} المحترم،"
        return "تحية طيبة،"
    target = who.full if register == NEUTRAL else who.given
    return f"مرحباً {target}،" if target else "مرحباً،"


# Languages whose greetings need no title: (formal, neutral, relaxed); {name} is the full name
# in formal and neutral, the given name in relaxed.
_PLAIN: dict[str, tuple[str, str, str]] = {
    "pl": ("Dzień dobry,", "Dzień dobry,", "Cześć {name},"),
    "cs": ("Dobrý den,", "Dobrý den,", "Ahoj {name},"),
    "sv": ("Hej {name},", "Hej {name},", "Hej {name},"),
    "da": ("Kære {name},", "Hej {name},", "Hej {name},"),
    "no": ("Hei {name},", "Hei {name},", "Hei {name},"),
    "fi": ("Hyvä {name},", "Hei {name},", "Hei {name},"),
}
_PLAIN_NO_NAME = {"pl": "Dzień dobry,", "cs": "Dobrý den,", "sv": "Hej,", "da": "Hej,",
                  "no": "Hei,", "fi": "Hei,"}

_GREETERS: dict[str, Callable[[str, _Addressee], str]] = {
    "en": _en, "de": _de, "fr": _fr, "es": _es, "it": _it, "pt": _pt, "nl": _nl, "ja": _ja,
    "zh": _zh, "ko": _ko, "ru": _ru, "tr": _tr, "ar": _ar,
}

SIGN_OFFS: dict[str, tuple[str, str, str]] = {  # formal, neutral, relaxed
    "en": ("Kind regards,", "Best regards,", "Best,"),
    "de": ("Mit freundlichen Grüßen", "Freundliche Grüße", "Viele Grüße"),  # no comma (DIN 5008)
    "fr": ("Salutations distinguées,", "Cordialement,", "Bonne journée,"),
    "es": ("Atentamente,", "Saludos cordiales,", "Un saludo,"),
    "it": ("Distinti saluti,", "Cordiali saluti,", "Un saluto,"),
    "pt": ("Atenciosamente,", "Cumprimentos,", "Abraço,"),
    "nl": ("Met vriendelijke groet,", "Vriendelijke groet,", "Groeten,"),
    "ja": ("何卒よろしくお願い申し上げます。", "よろしくお願いいたします。",
           "よろしくお願いします。"),
    "zh": ("此致\n敬礼！", "顺祝商祺！", "祝好！"),
    "ko": ("감사합니다.", "감사합니다.", "감사해요!"),
    "ru": ("С уважением,", "С уважением,", "Всего доброго,"),
    "tr": ("Saygılarımla,", "İyi çalışmalar,", "Görüşmek üzere,"),
    "ar": ("مع خالص التحية،", "مع أطيب التحيات،", "تحياتي،"),
    "pl": ("Z poważaniem", "Pozdrawiam", "Pozdrawiam"),
    "cs": ("S pozdravem", "S pozdravem", "Zdravím"),
    "sv": ("Med vänliga hälsningar", "Vänliga hälsningar", "Hälsningar"),
    "da": ("Med venlig hilsen", "Venlig hilsen", "Hilsen"),
    "no": ("Med vennlig hilsen", "Vennlig hilsen", "Hilsen"),
    "fi": ("Ystävällisin terveisin", "Terveisin", "Terveisin"),
}


def _language(language: str | None) -> str:
    """'zh-CN' -> 'zh', 'nb' -> 'no'; languages we have no forms for -> 'en'."""
    code = str(language or "").strip().lower().replace("_", "-").split("-")[0]
    code = {"nb": "no", "nn": "no"}.get(code, code)
    return code if code in SIGN_OFFS else "en"


def _register(register: str) -> str:
    return register if register in (FORMAL, NEUTRAL, RELAXED) else NEUTRAL


def greeting_for(language: str | None, register: str, name: PersonName) -> str:
    """The opening line to suggest, e.g. "Sehr geehrte Frau Schmidt," or "王伟 您好："."""
    code, register = _language(language), _register(register)
    who = _addressee(name if isinstance(name, PersonName) else PersonName(None, None, None, "",
                                                                          None))
    if code in _PLAIN:
        template = _PLAIN[code][(FORMAL, NEUTRAL, RELAXED).index(register)]
        target = who.given if register == RELAXED else who.full
        return template.format(name=target) if target else _PLAIN_NO_NAME[code]
    return _GREETERS[code](register, who)


def sign_off_for(language: str | None, register: str) -> str:
    """The closing line to suggest, e.g. "Mit freundlichen Grüßen" or "Best regards,"."""
    forms = SIGN_OFFS[_language(language)]
    return forms[(FORMAL, NEUTRAL, RELAXED).index(_register(register))]
