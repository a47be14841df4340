"""The words that open and close a business mail, per language, and the register each signals.

Each form is a regular expression matched case-insensitively where a line starts (closings in
Japanese, Chinese and Korean may follow a short lead-in such as 引き続き). The register is
binary, formal or relaxed; the size of the effect says how strongly: "Yours faithfully" +1.0,
"Best regards" +0.4, "Viele Grüße" -0.3, "LG" -0.8. Greetings marked ``by_address`` (Hello,
Hallo, Bonjour, Hola, Merhaba, ...) take their register from what follows: a title and surname
keeps them formal ("Hallo Herr Schmidt"), a first name makes them familiar ("Hallo Anna").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mailmatrix.tone.cues import FORMAL, RELAXED

# Languages written without spaces between words: no word boundary after a form.
UNSPACED = frozenset({"ja", "zh"})
# Titles whose presence right after a by-address greeting makes it formal.
ADDRESS_TITLE = re.compile(
    r"(?<!\w)(?:m(?=\.)|herrn?|frau|dr|dra|prof|mr|mrs|ms|miss|sir|madam|monsieur|madame|mme|mlle|"
    r"sr|sra|srta|señor|señora|señorita|dott|dott\.ssa|sig|sig\.ra|signor|signora|ing|avv|"
    r"senhor|senhora|heer|mevrouw|mevr|dhr|bey|hanım|господин|госпожа)(?!\w)\.?",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Form:
    """One way to open or close a mail."""

    pattern: str
    register: str
    effect: float  # strength; the sign follows the register
    note: str  # completes "'<words>' ..."
    by_address: bool = False


def _formal(pattern: str, effect: float, note: str) -> Form:
    return Form(pattern, FORMAL, effect, note)


def _relaxed(pattern: str, effect: float, note: str) -> Form:
    return Form(pattern, RELAXED, -effect, note)


def _by_address(pattern: str, effect: float) -> Form:
    return Form(pattern, RELAXED, effect, "", by_address=True)


_UNKNOWN_READER = "is the formal opening for a reader whose name is not known"
_OPENS_FORMAL = "opens a formal letter"
_BY_TITLE = "addresses them formally, by title"
_CASUAL_OPEN = "is a casual opening"
_FRIENDLY_OPEN = "is a friendly, informal opening"
_CLOSES_FORMAL = "closes a formal letter"
_POLITE_CLOSE = "is a polite business sign-off"
_FRIENDLY_CLOSE = "is a friendly, everyday sign-off"
_CASUAL_CLOSE = "is a casual sign-off, between friends"
_GRUESSE = r"gr(?:ü|ue)(?:ß|ss)e"

OPENINGS: dict[str, tuple[Form, ...]] = {
    "en": (
        _formal(r"dear\s+sirs?(?:\s*(?:or|and|/)\s*madam)?|dear\s+madam(?:\s*(?:or|/)\s*sir)?|"
                r"to\s+whom\s+it\s+may\s+concern", 1.0, _UNKNOWN_READER),
        _formal(r"dear", 0.6, _OPENS_FORMAL),
        _formal(r"greetings", 0.2, "is a polite, impersonal opening"),
        _by_address(r"hello|good\s+(?:morning|afternoon|evening|day)", 0.2),
        _relaxed(r"hi", 0.5, _FRIENDLY_OPEN),
        _relaxed(r"hey|hiya|howdy|yo|morning", 0.8, _CASUAL_OPEN),
    ),
    "de": (
        _formal(r"sehr\s+geehrte[rn]?\s+damen\s+und\s+herren", 1.0, _UNKNOWN_READER),
        _formal(r"sehr\s+geehrte[rns]?", 0.9, _OPENS_FORMAL),
        _formal(r"guten\s+tag", 0.4, "is a polite, businesslike opening"),
        _formal(r"grüß\s+gott|grüss\s+gott|grüezi", 0.3, "is a polite regional greeting"),
        _by_address(r"hallo|guten\s+(?:morgen|abend)|liebe[rs]?", 0.3),
        _relaxed(r"hi|hey|moin(?:\s+moin)?|servus|huhu", 0.7, _CASUAL_OPEN),
    ),
    "fr": (
        _formal(r"madame,?\s*(?:ou\s+)?monsieur|monsieur,?\s*(?:ou\s+)?madame|messieurs|"
                r"mesdames(?:,?\s*messieurs)?", 1.0, _UNKNOWN_READER),
        _formal(r"(?:ch[eè]re\s+)?madame|(?:cher\s+)?monsieur", 0.8, _BY_TITLE),
        _by_address(r"bonjour|bonsoir|ch[eè]re?", 0.3),
        _relaxed(r"salut|coucou|hello|hey", 0.7, _CASUAL_OPEN),
    ),
    "es": (
        _formal(r"muy\s+se[ñn]or(?:a|es)?\s+m[íi]o(?:s|a)?|a\s+quien\s+corresponda|"
                r"distinguid[oa]s?", 1.0, _OPENS_FORMAL),
        _formal(r"estimad[oa]s?|apreciad[oa]s?", 0.8, _OPENS_FORMAL),
        _by_address(r"hola|buen(?:os|as)\s+(?:d[íi]as|tardes|noches)", 0.3),
        _relaxed(r"querid[oa]s?", 0.4, "is warm and personal"),
        _relaxed(r"buenas|qu[ée]\s+tal|hey", 0.6, _CASUAL_OPEN),
    ),
    "it": (
        _formal(r"spett(?:abile|\.le)|egregi[oa]|gentilissim[oa]|gentili\s+signori", 0.9,
                _OPENS_FORMAL),
        _formal(r"gentile", 0.7, _OPENS_FORMAL),
        _by_address(r"buongiorno|buonasera|salve|car[oa]|carissim[oa]", 0.3),
        _relaxed(r"ciao|hey", 0.7, _CASUAL_OPEN),
    ),
    "pt": (
        _formal(r"exm[oa]s?\.?(?:\s+sr[ae]?s?\.?)?|ilustr[íi]ssim[oa]s?|ilm[oa]s?\.?", 1.0,
                _OPENS_FORMAL),
        _formal(r"prezad[oa]s?|estimad[oa]s?", 0.8, _OPENS_FORMAL),
        _by_address(r"ol[áa]|bom\s+dia|boa\s+(?:tarde|noite)|car[oa]s?", 0.3),
        _relaxed(r"oi|e\s+a[íi]", 0.7, _CASUAL_OPEN),
    ),
    "nl": (
        _formal(r"geachte", 0.9, _OPENS_FORMAL),
        _by_address(r"beste|hallo|goede(?:morgen|middag|navond)", 0.3),
        _relaxed(r"hoi|hey|hi|hee", 0.6, _CASUAL_OPEN),
    ),
    "ja": (
        _formal(r"拝啓|謹啓", 1.0, _OPENS_FORMAL),
        _formal(r"(?:いつも)?(?:大変)?お世話になっております|お世話になります", 0.8,
                "is the formal business opening"),
        _formal(r"[^\n]{0,30}?(?<!疲れ)(?<!苦労)(?:様|さま|殿|御中|各位)(?=[\s、。,，:：]|$)", 0.7,
                "addresses them with the honorific 様"),
        _formal(r"お疲れ様です|お疲れさまです", 0.2, "is the polite greeting among colleagues"),
        _relaxed(r"[^\n]{1,20}?さん(?=[\s、。,，:：]|$)", 0.2,
                 "addresses them with the everyday さん"),
        _relaxed(r"こんにちは|こんばんは", 0.3, "is a casual opening for a business mail"),
        _relaxed(r"おはよう(?!ござ)|やあ|どうも|ども", 0.6, _CASUAL_OPEN),
    ),
    "zh": (
        _formal(r"尊敬的|敬启者|敬啟者", 1.0, _OPENS_FORMAL),
        _formal(r"[\u4e00-\u9fff]{1,3}(?:总经理|總經理|副总|经理|經理|总监|總監|主任|老师|老師|先生|"
                r"女士|小姐|董事长|董事長|总|總|工|博士|教授|律师|律師)"
                r"(?=[，,：:！!\s]|您好|你好|好|$)", 0.6, "addresses them by title"),
        _formal(r"(?:[\u4e00-\u9fff·]{1,4}[，, ]?)?您好", 0.5, "uses the respectful 您好"),
        _relaxed(r"(?:[\u4e00-\u9fff·]{1,4}[，, ]?)?你好", 0.2, "uses the everyday 你好"),
        _relaxed(r"嗨|哈喽|哈啰|hi|hello|hey|亲爱的|亲(?=[，,！!\s]|$)", 0.6, _CASUAL_OPEN),
    ),
    "ko": (
        _formal(r"존경하는|[가-힣]{1,10}\s?귀하", 0.9, _OPENS_FORMAL),
        _formal(r"안녕하십니까", 0.8, "is the deferential formal greeting"),
        _formal(r"안녕하세요", 0.3, "is the polite standard greeting"),
        _formal(r"[가-힣A-Za-z ]{1,15}?\s?님(?:께)?(?=[\s,，.!]|$)", 0.5,
                "addresses them with the honorific 님"),
        _relaxed(r"(?:[가-힣]{1,5}[아야][,\s]+)?안녕(?![하히])|하이|헬로", 0.6, _CASUAL_OPEN),
    ),
    "ru": (
        _formal(r"уважаем(?:ый|ая|ые|ой)|многоуважаем\w*", 1.0, _OPENS_FORMAL),
        _formal(r"здравствуйте", 0.6, "is the polite formal greeting"),
        _formal(r"добр(?:ый|ое|ого)\s+(?:день|утро|вечер|времени\s+суток)|приветствую", 0.3,
                "is a polite, neutral opening"),
        _relaxed(r"здравствуй", 0.4, "greets with the familiar ты-form"),
        _relaxed(r"привет|хай|салют|хелло", 0.7, _CASUAL_OPEN),
    ),
    "tr": (
        _formal(r"sayın", 1.0, _OPENS_FORMAL),
        _formal(r"değerli|kıymetli", 0.6, _OPENS_FORMAL),
        _by_address(r"merhaba|iyi\s+günler|günaydın", 0.3),
        _relaxed(r"selam(?:lar)?|slm|hey|naber", 0.6, _CASUAL_OPEN),
    ),
    "ar": (
        _formal(r"(?:إلى\s+)?(?:حضرة|السيد(?:ة)?|السادة|الأستاذ(?:ة)?|الاستاذ(?:ة)?|الدكتور(?:ة)?|"
                r"سعادة)", 0.9, _BY_TITLE),
        _formal(r"تحية\s+طيبة(?:\s+وبعد)?", 0.6, "is the formal written greeting"),
        _formal(r"السلام\s+عليكم(?:\s+ورحمة\s+الله(?:\s+وبركاته)?)?", 0.4,
                "is the respectful traditional greeting"),
        _formal(r"عزيز(?:ي|تي)", 0.3, "is a courteous 'dear'"),
        _relaxed(r"مرحب(?:اً|ًا|ا)?", 0.3, _FRIENDLY_OPEN),
        _relaxed(r"أهل(?:اً|ًا|ا)|اهل(?:اً|ًا|ا)|هلا|هاي|هلو", 0.7, _CASUAL_OPEN),
    ),
}

CLOSINGS: dict[str, tuple[Form, ...]] = {
    "en": (
        _formal(r"yours\s+(?:faithfully|sincerely|truly)|sincerely(?:\s+yours)?|"
                r"respectfully(?:\s+yours)?", 0.9, _CLOSES_FORMAL),
        _formal(r"(?:with\s+)?(?:kind|best|warm|warmest|kindest|many)\s+regards|regards|"
                r"(?:with\s+)?best\s+wishes|thanks\s*(?:&|and)\s*(?:best\s+|kind\s+)?regards",
                0.4, _POLITE_CLOSE),
        _relaxed(r"best|thanks|many\s+thanks", 0.2, _FRIENDLY_CLOSE),
        _relaxed(r"br|rgds|kr|brgds", 0.2, "is an abbreviated sign-off, quick and informal"),
        _relaxed(r"cheers|thx|tks|tx|talk\s+soon|take\s+care|see\s+(?:you|ya)|later|ttyl|"
                 r"xoxo|xx|love|bye|hugs", 0.7, _CASUAL_CLOSE),
    ),
    "de": (
        _formal(r"hochachtungsvoll", 1.0, "is the most formal German close"),
        _formal(rf"mit\s+freundlichen\s+{_GRUESSE}n|mit\s+freundlichem\s+gru(?:ß|ss)", 0.8,
                "is the standard formal German close"),
        _formal(rf"(?:mit\s+)?(?:freundliche|besten|beste)\s+{_GRUESSE}n?", 0.4, _POLITE_CLOSE),
        _formal(r"mfg", 0.3, "abbreviates the formal close: curt, but formal"),
        _relaxed(rf"(?:viele|schöne|herzliche|mit\s+herzlichen)\s+{_GRUESSE}n?|{_GRUESSE}|"
                 r"gru(?:ß|ss)|vg", 0.3, _FRIENDLY_CLOSE),
        _relaxed(rf"liebe\s+{_GRUESSE}|lg|bis\s+bald|bis\s+dann|tschüss?|ciao", 0.8,
                 _CASUAL_CLOSE),
    ),
    "fr": (
        _formal(r"(?:veuillez|je\s+vous\s+prie\s+d['’])\s*agr[ée]er.*|(?:recevez|agr[ée]ez),?\s.*|"
                r"(?:mes\s+)?salutations\s+distingu[ée]es",
                1.0, _CLOSES_FORMAL),
        _formal(r"sinc[èe]res\s+salutations|cordiales\s+salutations|respectueusement|"
                r"bien\s+[àa]\s+vous", 0.7, _POLITE_CLOSE),
        _formal(r"(?:bien\s+|tr[èe]s\s+)?cordialement|cdlt", 0.5,
                "is the standard polite French close"),
        _relaxed(r"amicalement|bonne\s+(?:journ[ée]e|soir[ée]e)|belle\s+journ[ée]e|"
                 r"[àa]\s+bient[ôo]t", 0.3, _FRIENDLY_CLOSE),
        _relaxed(r"bises|bisous|biz|[àa]\+|@\+|ciao|la\s+bise", 0.9, _CASUAL_CLOSE),
    ),
    "es": (
        _formal(r"(?:le\s+saluda\s+)?(?:muy\s+)?atentamente", 0.9, _CLOSES_FORMAL),
        _formal(r"(?:reciba\s+)?un\s+(?:cordial|atento)\s+saludo|saludos\s+cordiales|cordialmente",
                0.6, _POLITE_CLOSE),
        _relaxed(r"(?:un\s+|muchos\s+)?saludos?", 0.2, _FRIENDLY_CLOSE),
        _relaxed(r"un\s+abrazo|abrazos|besos|besitos|chao|chau|hasta\s+luego|nos\s+vemos|"
                 r"cu[íi]date", 0.8, _CASUAL_CLOSE),
    ),
    "it": (
        _formal(r"(?:porgo\s+)?distinti\s+saluti|con\s+osservanza", 0.9, _CLOSES_FORMAL),
        _formal(r"cordiali\s+saluti|cordialmente|(?:con\s+i\s+)?migliori\s+saluti", 0.6,
                _POLITE_CLOSE),
        _relaxed(r"(?:un\s+)?(?:caro\s+)?salut[oi]|a\s+presto", 0.3, _FRIENDLY_CLOSE),
        _relaxed(r"ciao|un\s+abbraccio|baci|bacioni", 0.9, _CASUAL_CLOSE),
    ),
    "pt": (
        _formal(r"atenciosamente|respeitosamente", 0.9, _CLOSES_FORMAL),
        _formal(r"cordialmente|com\s+os\s+(?:melhores\s+)?cumprimentos|"
                r"(?:melhores\s+)?cumprimentos|sauda[çc][õo]es", 0.5, _POLITE_CLOSE),
        _relaxed(r"(?:um\s+)?abra[çc]os?|abs|beijos?|bjs|beijinhos|tchau|"
                 r"at[ée]\s+(?:mais|logo|breve)", 0.7, _CASUAL_CLOSE),
    ),
    "nl": (
        _formal(r"hoogachtend", 1.0, _CLOSES_FORMAL),
        _formal(r"met\s+vriendelijke\s+groet(?:en)?", 0.7, "is the standard formal Dutch close"),
        _formal(r"(?:met\s+)?(?:vriendelijke|hartelijke)\s+groet(?:en)?|mvg", 0.3, _POLITE_CLOSE),
        _relaxed(r"groeten|gr\.?|tot\s+(?:snel|ziens|gauw)", 0.3, _FRIENDLY_CLOSE),
        _relaxed(r"groetjes|doei|liefs|later", 0.8, _CASUAL_CLOSE),
    ),
    "ja": (
        _formal(r"敬具|謹白|草々", 1.0, _CLOSES_FORMAL),
        _formal(r"よろしくお願い(?:いた|致)します|宜しくお願い(?:いた|致)します|"
                r"(?:よろしく|宜しく)お願い申し上げます", 0.7, "is the formal business close"),
        _formal(r"(?:よろしく|宜しく)お願いします", 0.3, "is a polite close"),
        _relaxed(r"じゃあね|じゃね|またね|よろしくね|ではでは|ありがとね|バイバイ", 0.7,
                 _CASUAL_CLOSE),
    ),
    "zh": (
        _formal(r"此致[\s，,]*敬礼|此致|顺祝商祺|順祝商祺|顺颂商祺|順頌商祺|祝商祺|顺颂时祺", 0.9,
                _CLOSES_FORMAL),
        _formal(r"祝(?:您)?工作顺利|祝(?:您)?工作順利", 0.3, _POLITE_CLOSE),
        _relaxed(r"祝好|谢谢|謝謝|多谢", 0.2, _FRIENDLY_CLOSE),
        _relaxed(r"拜拜|再见|再見|回聊|bye|88", 0.8, _CASUAL_CLOSE),
    ),
    "ko": (
        _formal(r"[가-힣]{1,10}\s?(?:올림|배상)", 0.9, _CLOSES_FORMAL),
        _formal(r"[가-힣]{1,10}\s?드림", 0.6, "signs off with the humble 드림"),
        _formal(r"감사합니다|감사드립니다|고맙습니다", 0.4, _POLITE_CLOSE),
        _formal(r"수고하십시오|수고하세요", 0.2, "is a polite parting phrase"),
        _relaxed(r"고마워(?!요)|안녕(?![하히])|바이|또\s?봐|ㅂㅂ", 0.7, _CASUAL_CLOSE),
    ),
    "ru": (
        _formal(r"с\s+уважением|с\s+наилучшими\s+пожеланиями|искренне\s+ваш\w*", 0.8,
                _CLOSES_FORMAL),
        _formal(r"всего\s+(?:доброго|хорошего|наилучшего)|с\s+благодарностью", 0.3,
                _POLITE_CLOSE),
        _relaxed(r"пока|до\s+связи|обнимаю|целую|удачи|давай", 0.7, _CASUAL_CLOSE),
    ),
    "tr": (
        _formal(r"saygılarımla|saygılarımızla|hürmetlerimle|saygılar", 0.8, _CLOSES_FORMAL),
        _formal(r"iyi\s+çalışmalar", 0.3, _POLITE_CLOSE),
        _relaxed(r"görüşürüz|sevgiler|hoşça\s+kal|kolay\s+gelsin|bay\s+bay|öptüm", 0.6,
                 _CASUAL_CLOSE),
    ),
    "ar": (
        _formal(r"و?تفضلوا\s+بقبول\s+(?:فائق|وافر)\s+الاحترام(?:\s+والتقدير)?", 1.0,
                _CLOSES_FORMAL),
        _formal(r"مع\s+(?:خالص|أطيب|اطيب|أجمل|فائق|وافر)\s+(?:التحية|التحيات|الاحترام|التقدير)"
                r"(?:\s+والتقدير)?|مع\s+التحية|مع\s+الشكر\s+والتقدير|و?تقبلوا\s+تحياتي", 0.8,
                _CLOSES_FORMAL),
        _formal(r"و?تحياتي", 0.4, _POLITE_CLOSE),
        _relaxed(r"سلام|مع\s+السلامة|باي|يعطيك\s+العافية", 0.6, _CASUAL_CLOSE),
    ),
}
