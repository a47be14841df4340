"""Greeting and sign-off in the customer's language, and the names they are built from.

The rule over all of it: never guess gender. A gendered form appears only when a gendered title
was written for the person.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mailmatrix.tone.cues import FORMAL, NEUTRAL, RELAXED
from mailmatrix.tone.greetings import SIGN_OFFS, greeting_for, sign_off_for
from mailmatrix.tone.names import PersonName, parse_person_name

LANGUAGES = ["en", "de", "fr", "es", "it", "pt", "nl", "ja", "zh", "ko", "ru", "tr", "ar", "pl",
             "cs", "sv", "da", "no", "fi"]
REGISTERS = [FORMAL, NEUTRAL, RELAXED]


def name(display: str, salutation: str | None = None, language: str | None = None) -> PersonName:
    return parse_person_name(display, salutation, language)


# --- names ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("display", "given", "family", "title", "full"), [
    ("Hans Schmidt", "Hans", "Schmidt", None, "Hans Schmidt"),
    ("Schmidt, Hans", "Hans", "Schmidt", None, "Hans Schmidt"),
    ("Dr. Hans Schmidt", "Hans", "Schmidt", "Dr.", "Hans Schmidt"),
    ("Herr Dr. Hans Schmidt", "Hans", "Schmidt", "Herr Dr.", "Hans Schmidt"),
    ("SCHMIDT Hans", "Hans", "Schmidt", None, "Hans Schmidt"),
    ("Hans SCHMIDT", "Hans", "Schmidt", None, "Hans Schmidt"),
    ("Frau Anna Schmidt", "Anna", "Schmidt", "Frau", "Anna Schmidt"),
    ("Ms Anna Smith", "Anna", "Smith", "Ms", "Anna Smith"),
    ("Mme Anne Dubois", "Anne", "Dubois", "Mme", "Anne Dubois"),
    ("Sra. Ana García López", "Ana", "García López", "Sra.", "Ana García López"),
    ("Ludwig van Beethoven", "Ludwig", "van Beethoven", None, "Ludwig van Beethoven"),
    ("Li Wei (Acme GmbH)", "Wei", "Li", None, "Li Wei"),
    ("Li Wei (Mr.)", "Wei", "Li", "Mr.", "Li Wei"),
    ("Hans Schmidt | Acme GmbH", "Hans", "Schmidt", None, "Hans Schmidt"),
    ("Hans Schmidt, Acme GmbH", "Hans", "Schmidt", None, "Hans Schmidt"),
    ("Hans Schmidt via LinkedIn", "Hans", "Schmidt", None, "Hans Schmidt"),
    ('"Schmidt, Hans (Acme)" <h.schmidt@acme.de>', "Hans", "Schmidt", None, "Hans Schmidt"),
    ("li.wei@acme.de", "Wei", "Li", None, "Li Wei"),
    ("hans.schmidt@acme-gmbh.de", "Hans", "Schmidt", None, "Hans Schmidt"),
    ("Tanaka Taro", "Taro", "Tanaka", None, "Tanaka Taro"),
    ("Taro Tanaka", "Taro", "Tanaka", None, "Taro Tanaka"),
    ("Анна Иванова", "Анна", "Иванова", None, "Анна Иванова"),
    ("Ahmet Bey", "Ahmet", None, "Bey", "Ahmet"),
])
def test_display_names_are_parsed(display: str, given: str | None, family: str | None,
                                  title: str | None, full: str) -> None:
    parsed = name(display)
    assert (parsed.given, parsed.family, parsed.title, parsed.full) == (given, family, title,
                                                                          full)


@pytest.mark.parametrize(("display", "given", "family", "title", "script"), [
    ("王伟", "伟", "王", None, "han"),
    ("欧阳娜娜", "娜娜", "欧阳", None, "han"),  # compound family name
    ("田中 太郎", "太郎", "田中", None, "han"),
    ("田中太郎", "太郎", "田中", None, "han"),
    ("王经理", None, "王", "经理", "han"),
    ("田中様", None, "田中", "様", "han"),
    ("김민준", "민준", "김", None, "hangul"),
    ("김민준 님", "민준", "김", "님", "hangul"),
    ("株式会社ABC 田中太郎", "太郎", "田中", None, "han"),
])
def test_cjk_names_put_the_family_name_first(display: str, given: str | None, family: str,
                                             title: str | None, script: str) -> None:
    parsed = name(display)
    assert (parsed.given, parsed.family, parsed.title, parsed.script) == (given, family, title,
                                                                          script)


@pytest.mark.parametrize("display", ["", "   ", "sales@acme.de", "info@acme-gmbh.de", "anna@x.de",
                                     "<>", "()", "12345"])
def test_no_name_gives_an_empty_name(display: str) -> None:
    parsed = name(display)
    assert (parsed.given, parsed.family, parsed.full) == (None, None, "")


def test_a_single_word_is_kept_whole_without_guessing_its_part() -> None:
    assert name("Anna") == PersonName(None, None, None, "Anna", "latin")


def test_title_comes_from_how_they_were_addressed() -> None:
    assert name("Anna Schmidt", "Sehr geehrte Frau Schmidt").title == "Frau"
    assert name("王伟", "王经理您好").title == "经理"
    assert name("田中 太郎", "田中様").title == "様"
    assert name("Ahmet Yılmaz", "Merhaba Ahmet Bey").title == "Bey"


def test_addressed_name_settles_which_part_is_the_family_name() -> None:
    parsed = name("Li Wei", "Dear Mr. Wei,")
    assert (parsed.family, parsed.given, parsed.title) == ("Wei", "Li", "Mr.")


def test_a_greeting_to_someone_else_lends_no_title() -> None:
    assert name("Anna Schmidt", "Dear Mr. Müller").title is None
    assert name("王伟", "李经理您好").title is None


def test_no_title_is_ever_made_up_from_a_name() -> None:
    for display in ("Anna Schmidt", "Hans Müller", "Maria García", "Giulia Rossi", "王芳",
                    "Мария Петрова", "Fatima Ali", "Ayşe Kaya"):
        assert name(display).title is None


# --- greetings per language ----------------------------------------------------------------

@pytest.mark.parametrize(("language", "register", "display", "expected"), [
    ("en", FORMAL, "Ms Anna Smith", "Dear Ms Smith,"),
    ("en", FORMAL, "Anna Smith", "Dear Anna Smith,"),
    ("en", FORMAL, "Dr. Hans Schmidt", "Dear Dr Schmidt,"),
    ("en", FORMAL, "", "Dear Sir or Madam,"),
    ("en", NEUTRAL, "Anna Smith", "Hello Anna,"),
    ("en", RELAXED, "Anna Smith", "Hi Anna,"),
    ("de", FORMAL, "Frau Anna Schmidt", "Sehr geehrte Frau Schmidt,"),
    ("de", FORMAL, "Herr Dr. Hans Schmidt", "Sehr geehrter Herr Dr. Schmidt,"),
    ("de", FORMAL, "Anna Schmidt", "Guten Tag Anna Schmidt,"),
    ("de", FORMAL, "", "Sehr geehrte Damen und Herren,"),
    ("de", NEUTRAL, "Frau Anna Schmidt", "Guten Tag Frau Schmidt,"),
    ("de", RELAXED, "Anna Schmidt", "Hallo Anna,"),
    ("fr", FORMAL, "Mme Anne Dubois", "Madame,"),
    ("fr", FORMAL, "Anne Dubois", "Bonjour Anne Dubois,"),
    ("fr", FORMAL, "", "Madame, Monsieur,"),
    ("fr", NEUTRAL, "M. Jean Martin", "Bonjour Monsieur Martin,"),
    ("en", FORMAL, "M. Jean Martin", "Dear M. Jean Martin,"),  # outside French "M." is an initial
    ("fr", RELAXED, "Anne Dubois", "Bonjour Anne,"),
    ("es", FORMAL, "Sra. Ana García", "Estimada Sra. García:"),
    ("es", FORMAL, "Ana García", "Buenos días, Ana García:"),
    ("es", RELAXED, "Ana García", "Hola, Ana:"),
    ("it", FORMAL, "Giulia Rossi", "Gentile Giulia Rossi,"),  # "Gentile" is not gendered
    ("it", RELAXED, "Giulia Rossi", "Ciao Giulia,"),
    ("pt", FORMAL, "Sr. João Santos", "Prezado Sr. Santos,"),
    ("pt", FORMAL, "João Santos", "Bom dia, João Santos,"),
    ("nl", FORMAL, "Mevr. Anna de Vries", "Geachte mevrouw De Vries,"),
    ("nl", FORMAL, "Anna de Vries", "Geachte Anna de Vries,"),
    ("nl", RELAXED, "Anna de Vries", "Hallo Anna,"),
    ("ja", FORMAL, "田中 太郎", "田中様\nいつもお世話になっております。"),
    ("ja", NEUTRAL, "田中太郎", "田中さん"),
    ("ja", FORMAL, "王伟", "王伟様\nいつもお世話になっております。"),
    ("ja", FORMAL, "", "ご担当者様\nいつもお世話になっております。"),
    ("zh", FORMAL, "王伟", "王伟 您好："),
    ("zh", FORMAL, "", "您好："),
    ("zh", RELAXED, "王伟", "王伟，你好！"),
    ("ko", FORMAL, "김민준", "김민준 님께"),
    ("ko", FORMAL, "", "담당자님께"),
    ("ko", NEUTRAL, "김민준", "김민준 님, 안녕하세요."),
    ("ru", FORMAL, "Анна Иванова", "Здравствуйте, Анна Иванова!"),
    ("ru", FORMAL, "", "Здравствуйте!"),
    ("ru", RELAXED, "Анна Иванова", "Добрый день, Анна!"),
    ("tr", FORMAL, "Ahmet Yılmaz", "Sayın Ahmet Yılmaz,"),
    ("tr", FORMAL, "", "Sayın Yetkili,"),
    ("tr", RELAXED, "Ahmet Yılmaz", "Merhaba Ahmet,"),
    ("ar", FORMAL, "أحمد علي", "تحية طيبة،"),
    ("ar", RELAXED, "أحمد علي", "مرحباً أحمد،"),
    ("pl", FORMAL, "Anna Nowak", "Dzień dobry,"),
    ("sv", RELAXED, "Anna Berg", "Hej Anna,"),
])
def test_greeting_follows_local_convention(language: str, register: str, display: str,
                                           expected: str) -> None:
    assert greeting_for(language, register, name(display, language=language)) == expected


@pytest.mark.parametrize(("salutation", "expected"), [
    ("尊敬的王经理", "尊敬的王经理："),
    ("王总您好", "尊敬的王总："),
])
def test_chinese_formal_greeting_uses_a_known_title(salutation: str, expected: str) -> None:
    assert greeting_for("zh", FORMAL, name("王伟", salutation, "zh")) == expected


def test_chinese_relaxed_greeting_by_title_only_when_a_title_is_known() -> None:
    assert greeting_for("zh", RELAXED, name("王伟", "王总您好", "zh")) == "王总好！"
    assert "总" not in greeting_for("zh", RELAXED, name("王伟"))


def test_turkish_titles_follow_the_given_name() -> None:
    assert greeting_for("tr", FORMAL, name("Ahmet Yılmaz", "Merhaba Ahmet Bey")) == \
        "Sayın Ahmet Bey,"


def test_east_asian_names_are_not_shortened_to_the_given_name() -> None:
    assert greeting_for("en", RELAXED, name("王伟")) == "Hi 王伟,"
    assert greeting_for("en", RELAXED, name("Li Wei")) == "Hi Wei,"


@pytest.mark.parametrize("language", [None, "", "xx", "sw", "en-GB"])
def test_unknown_language_falls_back_to_english(language: str | None) -> None:
    assert greeting_for(language, FORMAL, name("Anna Smith")) == "Dear Anna Smith,"
    assert sign_off_for(language, FORMAL) == "Kind regards,"


def test_regional_language_tags_use_the_language() -> None:
    assert greeting_for("de-AT", RELAXED, name("Anna Huber")) == "Hallo Anna,"
    assert sign_off_for("zh_CN", NEUTRAL) == "顺祝商祺！"
    assert sign_off_for("nb", FORMAL) == "Med vennlig hilsen"


def test_unknown_register_is_treated_as_neutral() -> None:
    assert greeting_for("en", "whatever", name("Anna Smith")) == "Hello Anna,"
    assert sign_off_for("de", "whatever") == "Freundliche Grüße"


# --- never guess gender ----------------------------------------------------------------------

# Words that would state or imply a gender the user never saw written.
GENDERED = re.compile(
    r"\b(?:Frau|Herr|Herrn|geehrter|Mr|Mrs|Ms|Miss|Madame|Monsieur|Mme|Sr|Sra|Srta|Sig|Sig\.ra|"
    r"Estimada|Estimado|Prezada|Prezado|mevrouw|heer|Bey|Hanım)\b\.?"
    r"|Уважаемый|Уважаемая|господин|госпожа|السيد|السيدة|المحترم|先生|女士|小姐",
)
NAMES_WITHOUT_TITLE = ["Anna Schmidt", "Hans Müller", "Maria García", "João Santos",
                       "Giulia Rossi", "Marie Dubois", "Pierre Martin", "Мария Петрова",
                       "Иван Петров", "Ayşe Kaya", "Mehmet Demir", "王芳", "李强", "田中 花子",
                       "김지은", "فاطمة علي", "Anna", "li.wei@acme.de"]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("display", NAMES_WITHOUT_TITLE)
def test_a_name_without_title_never_gets_a_gendered_greeting(language: str, display: str) -> None:
    for register in REGISTERS:
        greeting = greeting_for(language, register, name(display, language=language))
        assert not GENDERED.search(greeting), greeting


def test_gendered_forms_appear_only_with_a_written_title() -> None:
    assert greeting_for("de", FORMAL, name("Anna Schmidt")) == "Guten Tag Anna Schmidt,"
    assert greeting_for("de", FORMAL, name("Anna Schmidt", "Sehr geehrte Frau Schmidt")) == \
        "Sehr geehrte Frau Schmidt,"
    assert greeting_for("ru", FORMAL, name("Иван Петров", "Mr Петров")) == \
        "Уважаемый господин Петров!"


def test_an_academic_title_alone_does_not_imply_a_gender() -> None:
    for language in LANGUAGES:
        greeting = greeting_for(language, FORMAL, name("Dr. Anna Schmidt"))
        assert not GENDERED.search(greeting), greeting


# --- sign-offs -------------------------------------------------------------------------------

@pytest.mark.parametrize(("language", "formal", "neutral", "relaxed"), [
    ("en", "Kind regards,", "Best regards,", "Best,"),
    ("de", "Mit freundlichen Grüßen", "Freundliche Grüße", "Viele Grüße"),
    ("fr", "Salutations distinguées,", "Cordialement,", "Bonne journée,"),
    ("ja", "何卒よろしくお願い申し上げます。", "よろしくお願いいたします。",
     "よろしくお願いします。"),
    ("zh", "此致\n敬礼！", "顺祝商祺！", "祝好！"),
    ("ru", "С уважением,", "С уважением,", "Всего доброго,"),
])
def test_sign_off_matches_register(language: str, formal: str, neutral: str,
                                   relaxed: str) -> None:
    assert [sign_off_for(language, register) for register in REGISTERS] == [formal, neutral,
                                                                            relaxed]


def test_every_language_with_greetings_has_three_sign_offs() -> None:
    assert set(LANGUAGES) <= set(SIGN_OFFS)
    assert all(len(forms) == 3 and all(forms) for forms in SIGN_OFFS.values())


# --- never raises ----------------------------------------------------------------------------

PROPERTY_SETTINGS = settings(max_examples=300, deadline=None,
                             suppress_health_check=[HealthCheck.too_slow])
ANY_LANGUAGE = st.one_of(st.none(), st.sampled_from([*LANGUAGES, "xx", "zh-TW"]),
                         st.text(max_size=8))
NAMEISH = st.one_of(st.text(max_size=60), st.lists(st.sampled_from(
    ["Dr.", "Frau", "Mr", "王", "伟", "经理", "様", "님", "Bey", ",", "(", ")", "@", " ", "Anna",
     "SCHMIDT", "van", "de", "<", ">", ".", "欧阳", "김"]), max_size=10).map("".join))


@PROPERTY_SETTINGS
@given(NAMEISH, st.one_of(st.none(), NAMEISH), ANY_LANGUAGE)
def test_parse_person_name_never_raises(display: str, salutation: str | None,
                                        language: str | None) -> None:
    parsed = parse_person_name(display, salutation, language)
    assert isinstance(parsed.full, str)


@PROPERTY_SETTINGS
@given(NAMEISH, ANY_LANGUAGE, st.one_of(st.sampled_from(REGISTERS), st.text(max_size=8)))
def test_greeting_and_sign_off_never_raise(display: str, language: str | None,
                                           register: str) -> None:
    assert greeting_for(language, register, parse_person_name(display, None, language))
    assert sign_off_for(language, register)
