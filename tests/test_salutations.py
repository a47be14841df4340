"""Greetings, sign-offs and the formal/familiar "you": the cues a register scorer must not ignore.

The labelled sets below are the stated requirement: every formal and familiar greeting and
sign-off listed, in every language, is found and classified correctly.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mailmatrix.tone.cues import FORMAL, RELAXED, Cue
from mailmatrix.tone.salutations import salutation_cues

F, R = FORMAL, RELAXED

# language -> (a body line in that language, greetings, sign-offs); each form with its register.
LABELLED: dict[str, tuple[str, tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]] = {
    "en": ("please find our offer attached.",
           (("Dear Ms Smith,", F), ("Dear Sir or Madam,", F), ("To whom it may concern,", F),
            ("Dear Mr. Li,", F), ("Hello Mr. Wang,", F), ("Good morning Dr. Jones,", F),
            ("Hi Anna,", R), ("Hey,", R), ("Hey Tom!", R), ("Hello Anna,", R), ("Hiya!", R)),
           (("Yours sincerely,", F), ("Yours faithfully,", F), ("Best regards,", F),
            ("Kind regards,", F), ("Regards,", F), ("With best regards,", F),
            ("Cheers,", R), ("Thx", R), ("Cheers, Tom", R), ("Thanks!", R), ("Talk soon", R),
            ("Take care,", R))),
    "de": ("anbei erhalten Sie das Angebot.",
           (("Sehr geehrte Frau Schmidt,", F), ("Sehr geehrter Herr Müller,", F),
            ("Sehr geehrte Damen und Herren,", F), ("Guten Tag Herr Li,", F),
            ("Hallo Herr Schmidt,", F), ("Liebe Frau Weber,", F),
            ("Hallo Anna,", R), ("Hi,", R), ("Hey Jan,", R), ("Moin,", R), ("Servus Sepp,", R),
            ("Liebe Anna,", R)),
           (("Mit freundlichen Grüßen", F), ("Mit freundlichen Grüssen", F),
            ("Freundliche Grüße", F), ("Mit besten Grüßen", F), ("Hochachtungsvoll", F),
            ("MfG", F),
            ("Viele Grüße", R), ("LG", R), ("Liebe Grüße", R), ("VG Hans", R), ("Gruß", R),
            ("Viele Grüße aus Hamburg", R), ("Bis bald!", R), ("Tschüss", R))),
    "fr": ("veuillez trouver ci-joint notre offre.",
           (("Madame,", F), ("Monsieur,", F), ("Madame, Monsieur,", F), ("Chère Madame,", F),
            ("Bonjour Madame Dubois,", F), ("Bonjour M. Martin,", F),
            ("Bonjour Anne,", R), ("Salut,", R), ("Salut Paul !", R), ("Coucou,", R),
            ("Cher Paul,", R)),
           (("Cordialement,", F), ("Bien cordialement,", F),
            ("Veuillez agréer, Madame, l'expression de mes salutations distinguées.", F),
            ("Je vous prie d'agréer, Monsieur, mes sincères salutations.", F),
            ("Salutations distinguées", F), ("Respectueusement,", F),
            ("Bises", R), ("À+", R), ("A+", R), ("Bisous", R), ("Amicalement,", R),
            ("À bientôt !", R))),
    "es": ("le adjunto nuestra oferta.",
           (("Estimada Sra. García:", F), ("Estimado señor:", F), ("Distinguidos señores:", F),
            ("Muy señor mío:", F), ("Buenos días, Sr. López:", F),
            ("Hola Ana,", R), ("¡Hola!", R), ("Buenas,", R), ("Querido Juan:", R),
            ("Buenos días, Ana:", R)),
           (("Atentamente,", F), ("Saludos cordiales,", F), ("Un cordial saludo,", F),
            ("Reciba un cordial saludo,", F), ("Le saluda atentamente,", F),
            ("Un abrazo", R), ("Besos", R), ("Un saludo,", R), ("Saludos", R), ("Chao", R),
            ("Nos vemos", R))),
    "it": ("in allegato la nostra offerta.",
           (("Gentile Sig.ra Rossi,", F), ("Gentile Dott. Bianchi,", F), ("Egregio Signore,", F),
            ("Spett.le Ditta,", F), ("Gentilissima Dott.ssa Verdi,", F),
            ("Buongiorno Sig. Rossi,", F),
            ("Ciao Marco,", R), ("Ciao!", R), ("Salve,", R), ("Caro Luca,", R),
            ("Buongiorno Giulia,", R)),
           (("Cordiali saluti", F), ("Distinti saluti", F), ("Porgo distinti saluti", F),
            ("Con i migliori saluti,", F),
            ("Un saluto", R), ("A presto", R), ("Ciao", R), ("Un abbraccio", R),
            ("Saluti", R), ("Baci", R))),
    "pt": ("segue em anexo a nossa proposta.",
           (("Prezado Sr. Santos,", F), ("Prezada Senhora,", F), ("Exmo. Sr. Costa,", F),
            ("Estimado cliente,", F), ("Bom dia, Sr. Silva,", F),
            ("Olá Ana,", R), ("Oi João,", R), ("Oi!", R), ("Bom dia, Ana,", R),
            ("Caro João,", R)),
           (("Atenciosamente,", F), ("Cordialmente,", F), ("Com os melhores cumprimentos,", F),
            ("Cumprimentos,", F), ("Respeitosamente,", F),
            ("Abraços", R), ("Um abraço,", R), ("Abs", R), ("Beijos", R), ("Bjs", R),
            ("Até mais!", R))),
    "nl": ("in de bijlage vindt u onze offerte.",
           (("Geachte heer De Vries,", F), ("Geachte mevrouw Jansen,", F),
            ("Geachte heer, mevrouw,", F), ("Beste mevrouw Bakker,", F),
            ("Hoi Anna,", R), ("Hallo Jan,", R), ("Hey!", R), ("Beste Pieter,", R)),
           (("Met vriendelijke groet,", F), ("Met vriendelijke groeten,", F),
            ("Hoogachtend,", F), ("Vriendelijke groet,", F), ("Mvg", F),
            ("Groetjes", R), ("Groeten,", R), ("Doei!", R), ("Liefs", R), ("Tot snel!", R))),
    "ja": ("見積書を添付いたします。",
           (("田中様", F), ("株式会社ABC 営業部 田中様", F), ("いつもお世話になっております。", F),
            ("拝啓", F), ("お世話になります。", F), ("ご担当者様", F),
            ("田中さん", R), ("こんにちは！", R), ("やあ", R), ("おはよう！", R)),
           (("敬具", F), ("よろしくお願いいたします。", F),
            ("引き続きよろしくお願いいたします。", F),
            ("何卒よろしくお願い申し上げます。", F), ("宜しくお願い致します。", F),
            ("じゃあね", R), ("またね！", R), ("よろしくね", R), ("ではでは", R))),
    "zh": ("附件是报价单，请查收。",
           (("尊敬的王经理：", F), ("王总好，", F), ("王经理您好！", F), ("您好！", F),
            ("张先生，您好：", F), ("敬启者：", F), ("王伟您好，", F),
            ("嗨，", R), ("哈喽，小王", R), ("Hi 小王，", R), ("你好，", R), ("亲，", R)),
           (("此致\n敬礼！", F), ("顺祝商祺！", F), ("顺颂商祺", F), ("祝工作顺利！", F),
            ("拜拜", R), ("回聊", R), ("祝好！", R), ("再见！", R))),
    "ko": ("견적서를 첨부합니다.",
           (("김민준 님께", F), ("안녕하십니까.", F), ("안녕하세요.", F),
            ("존경하는 김 사장님,", F), ("이영희 귀하", F),
            ("안녕!", R), ("민준아 안녕", R), ("하이~", R)),
           (("감사합니다.", F), ("이영희 드림", F), ("이영희 올림", F), ("감사드립니다.", F),
            ("고마워", R), ("안녕~", R), ("바이", R))),
    "ru": ("во вложении наше предложение.",
           (("Уважаемый Иван Петрович!", F), ("Уважаемая Анна Сергеевна,", F),
            ("Здравствуйте!", F), ("Добрый день, Иван!", F), ("Уважаемые коллеги,", F),
            ("Привет, Саша!", R), ("Привет!", R), ("Здравствуй, Саша!", R), ("Хай", R)),
           (("С уважением,", F), ("С уважением, Анна", F), ("С наилучшими пожеланиями,", F),
            ("Всего доброго!", F),
            ("Пока!", R), ("До связи", R), ("Обнимаю", R))),
    "tr": ("teklifimiz ektedir.",
           (("Sayın Ahmet Yılmaz,", F), ("Sayın Yetkili,", F), ("Değerli iş ortağımız,", F),
            ("Merhaba Ahmet Bey,", F), ("İyi günler Ayşe Hanım,", F),
            ("Selam Ahmet,", R), ("Selamlar,", R), ("Merhaba Ahmet,", R), ("Slm", R)),
           (("Saygılarımla,", F), ("Saygılarımızla,", F), ("İyi çalışmalar,", F),
            ("Saygılar", F),
            ("Görüşürüz", R), ("Sevgiler", R), ("Kolay gelsin", R), ("Hoşça kal", R))),
    "ar": ("نرفق لكم عرض السعر.",
           (("السيد أحمد المحترم،", F), ("حضرة السيد أحمد،", F), ("تحية طيبة وبعد،", F),
            ("السلام عليكم،", F), ("الأستاذة فاطمة المحترمة،", F),
            ("مرحبا أحمد،", R), ("مرحباً،", R), ("هلا أحمد", R), ("أهلاً", R)),
           (("مع خالص التحية،", F), ("تحياتي،", F), ("وتفضلوا بقبول فائق الاحترام", F),
            ("مع أطيب التحيات", F), ("مع الشكر والتقدير", F),
            ("سلام", R), ("مع السلامة", R), ("باي", R))),
}

GREETINGS = [(language, form, register) for language, (_, greetings, _) in LABELLED.items()
             for form, register in greetings]
SIGN_OFFS = [(language, form, register) for language, (_, _, sign_offs) in LABELLED.items()
             for form, register in sign_offs]


def _only(cues: tuple[Cue, ...], kind: str) -> Cue:
    found = [cue for cue in cues if cue.kind == kind]
    assert len(found) == 1, (kind, cues)
    return found[0]


def _assert_exact(text: str, cue: Cue) -> None:
    assert cue.start is not None and cue.end is not None
    assert text[cue.start:cue.end] == cue.text


@pytest.mark.parametrize(("language", "greeting", "register"), GREETINGS)
def test_every_labelled_greeting_is_classified_correctly(language: str, greeting: str,
                                                         register: str) -> None:
    text = f"{greeting}\n\n{LABELLED[language][0]}\n"
    cue = _only(salutation_cues(text, language), "salutation")
    assert cue.register == register, cue.note
    assert (cue.effect > 0) == (register == FORMAL)
    assert greeting.startswith(cue.text) or cue.text in greeting
    _assert_exact(text, cue)


@pytest.mark.parametrize(("language", "sign_off", "register"), SIGN_OFFS)
def test_every_labelled_sign_off_is_classified_correctly(language: str, sign_off: str,
                                                         register: str) -> None:
    text = f"{LABELLED[language][0]}\n\n{sign_off}\n"
    cue = _only(salutation_cues(text, language), "closing")
    assert cue.register == register, cue.note
    assert (cue.effect > 0) == (register == FORMAL)
    _assert_exact(text, cue)


@pytest.mark.parametrize(("language", "greeting", "register"), GREETINGS[::3])
def test_greetings_are_found_without_knowing_the_language(language: str, greeting: str,
                                                          register: str) -> None:
    text = f"{greeting}\n\n{LABELLED[language][0]}\n"
    assert _only(salutation_cues(text, None), "salutation").register == register


def test_sign_off_followed_by_name_and_company_lines_is_found() -> None:
    text = ("Sehr geehrter Herr Li,\n\nanbei die Auftragsbestätigung.\n\n"
            "Mit freundlichen Grüßen\n\nHans Schmidt\nVertrieb Export\nAcme GmbH\n")
    closing = _only(salutation_cues(text, "de"), "closing")
    assert closing.text == "Mit freundlichen Grüßen"
    assert closing.note == "'Mit freundlichen Grüßen' is the standard formal German close"


def test_a_sentence_that_starts_like_a_sign_off_is_not_one() -> None:
    text = "Hi Anna,\nthe goods left today.\nThanks for the order and the quick payment\n"
    assert [cue.kind for cue in salutation_cues(text, "en")] == ["salutation"]


def test_a_greeting_word_later_in_the_mail_is_not_the_opening() -> None:
    long_line = "We reviewed the samples and the quality matches the specification we agreed."
    text = f"{long_line} {long_line}\nHi res images follow.\n"
    assert salutation_cues(text, "en") == ()


def test_note_explains_the_cue_in_plain_words() -> None:
    cue = _only(salutation_cues("Sehr geehrte Frau Schmidt,\n\nanbei.", "de"), "salutation")
    assert cue.text == "Sehr geehrte"
    assert cue.note == "'Sehr geehrte' opens a formal letter"


# --- T-V forms -------------------------------------------------------------------------------

PRONOUNS: list[tuple[str, str, str, str]] = [
    ("de", "können Sie mir die Rechnung schicken?", "Sie", F),
    ("de", "wir danken Ihnen für den Auftrag.", "Ihnen", F),
    ("de", "kannst du mir die Rechnung schicken?", "du", R),
    ("de", "ich schicke dir die Rechnung.", "dir", R),
    ("fr", "pouvez-vous confirmer la commande ?", "vous", F),
    ("fr", "est-ce que tu peux confirmer ?", "tu", R),
    ("es", "¿podría usted confirmar el pedido?", "usted", F),
    ("es", "¿tú puedes confirmar el pedido?", "tú", R),
    ("it", "la ringrazio, Le invio la fattura.", "Le", F),
    ("it", "ti mando la fattura domani.", "ti", R),
    ("pt", "o senhor pode confirmar o pedido?", "o senhor", F),
    ("pt", "tu podes confirmar o pedido?", "tu", R),
    ("nl", "kunt u de bestelling bevestigen?", "u", F),
    ("nl", "kun jij de bestelling bevestigen?", "jij", R),
    ("ru", "прошу Вас подтвердить заказ.", "Вас", F),
    ("ru", "ты получил счёт?", "ты", R),
    ("tr", "size faturayı gönderdik.", "size", F),
    ("tr", "sana faturayı gönderdim.", "sana", R),
    ("ja", "ご確認いただけ", "いただ", F),
    ("ja", "ございます。", "ございま", F),
    ("ja", "明日行くんだよ。", "だよ", R),
    ("zh", "请您确认订单。", "您", F),
    ("zh", "你看一下订单。", "你", R),
    ("ko", "견적서를 보내드립니다.", "니다", F),
    ("ko", "내일 보내 줄게요.", "요", F),
    ("ko", "내일 봐.", "봐", R),
]


@pytest.mark.parametrize(("language", "text", "form", "register"), PRONOUNS)
def test_formal_and_familiar_you_are_cues(language: str, text: str, form: str,
                                          register: str) -> None:
    pronouns = [cue for cue in salutation_cues(text, language) if cue.kind == "pronoun"]
    assert [(cue.text, cue.register) for cue in pronouns] == [(form, register)]
    for cue in pronouns:
        _assert_exact(text, cue)
        assert (cue.effect > 0) == (register == FORMAL)


def test_sentence_initial_sie_is_ambiguous_and_skipped() -> None:
    text = "Frau Weber war gestern hier. Sie hat die Rechnung mitgenommen."
    assert [cue for cue in salutation_cues(text, "de") if cue.kind == "pronoun"] == []


def test_capitalized_sie_inside_a_sentence_is_formal_even_after_a_line_wrap() -> None:
    text = "Sehr geehrter Herr Li,\nwir bitten\nSie um Bestätigung.\nSie erhalten morgen Post."
    pronouns = [cue for cue in salutation_cues(text, "de") if cue.kind == "pronoun"]
    assert [(cue.text, cue.start) for cue in pronouns] == [("Sie", text.index("Sie"))]


def test_repeated_form_is_one_cue_with_the_count() -> None:
    text = "könnten Sie prüfen, ob Sie die Ware haben, und Sie uns Bescheid geben?"
    pronouns = [cue for cue in salutation_cues(text, "de") if cue.kind == "pronoun"]
    assert len(pronouns) == 1
    assert pronouns[0].note == "'Sie' is the formal 'you' (3 times)"


def test_without_a_language_no_pronoun_is_read() -> None:
    assert [cue for cue in salutation_cues("tu te ti", None) if cue.kind == "pronoun"] == []


def test_words_of_a_sign_off_are_not_counted_twice_as_pronouns() -> None:
    text = "見積書を送ります\nよろしくお願いいたします。"
    cues = salutation_cues(text, "ja")
    closing = _only(cues, "closing")
    assert all(not (closing.start <= (cue.start or 0) < closing.end)  # type: ignore[operator]
               for cue in cues if cue.kind == "pronoun")


def test_a_whole_formal_german_mail() -> None:
    text = ("Sehr geehrte Frau Schmidt,\n\nkönnen Sie mir bitte die Rechnung schicken?\n\n"
            "Mit freundlichen Grüßen\nHans Müller")
    cues = salutation_cues(text, "de")
    assert [(cue.kind, cue.register) for cue in cues] == [
        ("salutation", F), ("pronoun", F), ("closing", F)]
    assert [cue.start for cue in cues] == sorted(cue.start or 0 for cue in cues)


def test_a_whole_familiar_german_mail() -> None:
    cues = salutation_cues("Hallo Anna,\nkannst du mir das schicken?\nLG\nHans", "de")
    assert [(cue.kind, cue.register) for cue in cues] == [
        ("salutation", R), ("pronoun", R), ("closing", R)]


LANGUAGES = st.sampled_from([None, *LABELLED, "pl", "xx"])
MAILISH = st.lists(st.sampled_from(
    [*"Hi Dear Sie du,.!?\n\r 様님您你LG é", "Sehr geehrte", "Mit freundlichen Grüßen", "此致",
     "敬礼", "Cheers", "Bonjour", "\n\n", "Hallo Herr", "¡Hola", "Ahmet Bey"]),
    max_size=40).map("".join)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=300), MAILISH), LANGUAGES)
def test_salutation_cues_never_raise_and_offsets_are_exact(text: str,
                                                           language: str | None) -> None:
    for cue in salutation_cues(text, language):
        _assert_exact(text, cue)
        assert cue.kind in ("salutation", "closing", "pronoun")
        assert cue.register in (FORMAL, RELAXED)
        assert (cue.effect > 0) == (cue.register == FORMAL)
        assert cue.note
