"""Signature facts and quote stripping, on messages as export-trade buyers really write them."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mailmatrix.addresses.signature import Phone, SignatureFacts, signature_facts, strip_quoted

# --- strip_quoted -----------------------------------------------------------------------------

GMAIL_REPLY = """Hi Tom,

please find attached our PO 4711 for 2x40HQ. Kindly confirm the delivery date.

Best regards,
Li Wei

On Mon, Jun 3, 2024 at 10:00 AM Tom Becker <tom.becker@becker-export.co.uk>
wrote:
> Dear Li Wei,
> attached our offer.
> Best regards
> Tom
"""


def test_quoted_reply_below_on_wrote_line_is_removed() -> None:
    assert strip_quoted(GMAIL_REPLY) == (
        "Hi Tom,\n\nplease find attached our PO 4711 for 2x40HQ. Kindly confirm the delivery "
        "date.\n\nBest regards,\nLi Wei"
    )


def test_german_schrieb_header_starts_the_quote() -> None:
    body = (
        "Hallo Herr Becker,\n\nanbei die Bestellung.\n\nViele Grüße\nStefan Müller\n\n"
        "Am 03.06.2024 um 10:00 schrieb Tom Becker <tom@becker-export.co.uk>:\n\n"
        "> Sehr geehrter Herr Müller,\n> anbei unser Angebot.\n"
    )
    assert strip_quoted(body) == (
        "Hallo Herr Becker,\n\nanbei die Bestellung.\n\nViele Grüße\nStefan Müller"
    )


@pytest.mark.parametrize(
    "header",
    [
        "Le lun. 3 juin 2024 à 10:00, Tom Becker <tom@becker-export.co.uk> a écrit :",
        "El lun, 3 jun 2024 a las 10:00, Tom Becker (<tom@becker-export.co.uk>) escribió:",
        "Tom Becker <tom@becker-export.co.uk> 于2024年6月3日周一 上午10:00写道：",
        "在 2024年6月3日，上午10:00，Tom Becker <tom@becker-export.co.uk> 写道：",
        "2024年6月3日(月) 10:00 Tom Becker <tom@becker-export.co.uk>:",
        "On 3 Jun 2024, at 10:00, Tom Becker <tom@becker-export.co.uk> wrote:",
    ],
)
def test_reply_headers_in_other_languages_start_the_quote(header: str) -> None:
    body = f"Confirmed, thank you.\n\n{header}\n\n> Please confirm the order.\n"
    assert strip_quoted(body) == "Confirmed, thank you."


def test_outlook_original_message_block_is_removed() -> None:
    body = (
        "Dear Tom,\nwe accept the price.\n\nRegards\nCarlos\n\n"
        "-----Original Message-----\nFrom: Tom Becker [mailto:tom@becker-export.co.uk]\n"
        "Sent: Monday, June 3, 2024 10:00 AM\nTo: Carlos García\nSubject: Offer 2024-117\n\n"
        "Dear Carlos,\nour best price is USD 12.40/pc FOB Ningbo.\n"
    )
    assert strip_quoted(body) == "Dear Tom,\nwe accept the price.\n\nRegards\nCarlos"


@pytest.mark.parametrize(
    "header",
    [
        "From: Tom Becker <tom@becker-export.co.uk>\nSent: Monday, June 3, 2024 10:00 AM\n"
        "To: Li Wei <li.wei@acme-gmbh.de>\nSubject: RE: PO 4711",
        "Von: Tom Becker <tom@becker-export.co.uk>\nGesendet: Montag, 3. Juni 2024 10:00\n"
        "An: Stefan Müller\nBetreff: AW: Bestellung",
        "De : Tom Becker <tom@becker-export.co.uk>\nEnvoyé : lundi 3 juin 2024 10:00\n"
        "À : Pierre Martin\nObjet : RE: Commande",
        "De: Tom Becker <tom@becker-export.co.uk>\nEnviado: lunes, 3 de junio de 2024 10:00\n"
        "Para: Carlos García\nAsunto: RE: Pedido",
        "发件人: Tom Becker <tom@becker-export.co.uk>\n发送时间: 2024年6月3日 10:00\n"
        "收件人: 王丽\n主题: 回复: 订单",
        "差出人: Tom Becker <tom@becker-export.co.uk>\n送信日時: 2024年6月3日 10:00\n"
        "宛先: 山田 太郎\n件名: RE: 見積",
        "*From:* Tom Becker <tom@becker-export.co.uk> *Sent:* Monday, June 3, 2024 10:00 AM "
        "*To:* Li Wei *Subject:* RE: PO 4711",
    ],
)
def test_outlook_from_sent_header_block_is_removed(header: str) -> None:
    body = f"OK, noted.\n\n________________________________\n{header}\n\nOld message text\n"
    assert strip_quoted(body) == "OK, noted."


@pytest.mark.parametrize(
    "marker",
    [
        "---------- Forwarded message ---------",
        "---------- Weitergeleitete Nachricht ---------",
        "-------- Original Message --------",
        "------------------ 原始邮件 ------------------",
        "Begin forwarded message:",
        "Anfang der weitergeleiteten Nachricht:",
    ],
)
def test_forwarded_block_is_removed(marker: str) -> None:
    body = f"FYI, see the buyer's request below.\n\n{marker}\nFrom: Li Wei <li@acme.de>\n\nHi"
    assert strip_quoted(body) == "FYI, see the buyer's request below."


def test_interleaved_reply_keeps_the_senders_answers() -> None:
    body = (
        "On Mon, 3 Jun 2024, Tom Becker wrote:\n> Can you accept 30% deposit?\nYes.\n"
        "> Delivery in 45 days?\nWe need 60 days.\n\nLi Wei\n"
    )
    assert strip_quoted(body) == "Yes.\nWe need 60 days.\n\nLi Wei"


def test_sentence_starting_with_on_is_not_a_reply_header() -> None:
    body = "On the packing list we wrote the wrong HS code:\n8471.30 should be 8471.41\n"
    assert strip_quoted(body) == body.rstrip("\n")


def test_rtl_marks_do_not_hide_a_reply_header() -> None:
    body = "تم الاستلام\n\n\u200fOn Mon, Jun 3, 2024 at 10:00 Tom <tom@x.co.uk> wrote:\u200f\n> old"
    assert strip_quoted(body) == "تم الاستلام"


# --- the signature block ----------------------------------------------------------------------

ENGLISH = """Hi Tom,

please find attached our PO 4711. Kindly confirm the delivery date.

Best regards,
Li Wei
Purchasing Manager
Acme Trading GmbH
Tel: +49 89 1234560
Mobile: +49 171 1234567
www.acme-gmbh.de
"""


def test_signature_follows_the_closing_phrase() -> None:
    facts = signature_facts(ENGLISH)
    assert facts.block.splitlines()[0] == "Li Wei"
    assert facts.name == "Li Wei"
    assert facts.title == "Purchasing Manager"
    assert facts.company == "Acme Trading GmbH"


@pytest.mark.parametrize(
    "closing",
    [
        "Kind regards",
        "Thanks!",
        "Mit freundlichen Grüßen",
        "Cordialement,",
        "Atentamente",
        "此致 敬礼",
        "よろしくお願いいたします。",
        "BR,",
    ],
)
def test_closings_in_many_languages_start_the_signature(closing: str) -> None:
    body = f"Please send the PI.\n\n{closing}\nLi Wei\nAcme Trading GmbH\n"
    facts = signature_facts(body)
    assert facts.block == "Li Wei\nAcme Trading GmbH"
    assert facts.name == "Li Wei"


def test_thanks_opening_the_message_is_not_its_closing() -> None:
    body = "Hi Tom,\n\nThanks!\n\nWe need 500 pcs more. Can you ship them by the end of June?\n"
    assert signature_facts(body).block == ""


def test_dash_dash_delimiter_starts_the_signature() -> None:
    body = (
        "Thanks, will do.\n\n-- \nTom Becker | Sales Director | Becker Export Ltd.\n"
        "T +44 20 7946 0958 | M +44 7911 123456\n"
    )
    facts = signature_facts(body)
    assert (facts.name, facts.title, facts.company) == (
        "Tom Becker",
        "Sales Director",
        "Becker Export Ltd.",
    )
    assert "after the '-- ' delimiter" in facts.reasons[0]


def test_last_short_line_block_is_the_signature_without_closing() -> None:
    body = (
        "Please quote 500 pcs of item A-17 CIF Hamburg.\n\n"
        "Jan de Vries\nInkoper\nDe Vries Import B.V.\n+31 20 123 4567\n"
    )
    facts = signature_facts(body)
    assert facts.name == "Jan de Vries"
    assert facts.company == "De Vries Import B.V."
    assert [phone.e164 for phone in facts.phones] == ["+31201234567"]


def test_closing_and_name_on_one_line() -> None:
    facts = signature_facts("Noted, shipping tomorrow.\n\nBest regards, Tom Becker\n")
    assert facts.name == "Tom Becker"


def test_name_prefers_the_line_matching_the_sender_name_in_any_order() -> None:
    body = "See attached.\n\nRegards\nAcme Trading\nWei Li\nBuyer\n"
    facts = signature_facts(body, sender_name="Li, Wei")
    assert facts.name == "Wei Li"
    assert any("display name" in reason for reason in facts.reasons)


def test_sender_name_alone_under_the_text_is_the_signature() -> None:
    body = "Hi Tom,\n\nok, go ahead.\n\nLi Wei\nSent from my iPhone\n"
    assert signature_facts(body).block == ""
    assert signature_facts(body, sender_name="Li Wei").name == "Li Wei"


def test_company_display_name_is_not_taken_for_the_person() -> None:
    body = (
        "Please check the PI.\n\nBest regards,\nLily Wang\nNingbo Acme Trading\n"
        "Mob: 0086-13812345678\n"
    )
    facts = signature_facts(body, sender_name="Ningbo Acme Trading")
    assert facts.name == "Lily Wang"
    assert facts.company == "Ningbo Acme Trading"


def test_place_after_the_company_is_not_a_name() -> None:
    facts = signature_facts("Thanks\n\n-- \nAcme GmbH\nMünchen\nTel +49 89 1234560\n")
    assert facts.company == "Acme GmbH"
    assert facts.name is None


def test_long_spanish_name_with_particles_is_a_name() -> None:
    body = (
        "Estimado Tom:\n\nUn saludo,\nMaría José Fernández de la Torre\n"
        "Directora Comercial\nAceites del Sur, S.A.\n+34 954 123 456\n"
    )
    facts = signature_facts(body)
    assert facts.name == "María José Fernández de la Torre"
    assert facts.company == "Aceites del Sur, S.A."


def test_french_signature_yields_all_facts() -> None:
    body = (
        "Bonjour,\n\nVeuillez trouver ci-joint notre commande.\n\nCordialement,\n\n"
        "Pierre Martin\nResponsable Achats | Martin Distribution SAS\n"
        "Tél. : +33 1 42 68 53 00\nPortable : +33 6 12 34 56 78\n"
    )
    facts = signature_facts(body)
    assert (facts.name, facts.title, facts.company) == (
        "Pierre Martin",
        "Responsable Achats",
        "Martin Distribution SAS",
    )
    assert [p.kind for p in facts.phones] == ["fixed", "mobile"]


def test_body_that_is_only_a_quote_has_no_signature() -> None:
    body = (
        "On Mon, Jun 3, 2024 at 10:00 AM Tom Becker <tom@becker-export.co.uk> wrote:\n"
        "> Dear Li Wei,\n> Best regards\n> Tom Becker\n> Tel: +44 20 7946 0958\n"
    )
    assert signature_facts(body) == SignatureFacts("", None, None, None, (), (), (), ())


def test_signature_in_the_quoted_message_is_not_the_senders() -> None:
    facts = signature_facts(GMAIL_REPLY)
    assert facts.name == "Li Wei"
    assert facts.emails == ()
    assert "Tom" not in facts.block


def test_mobile_footer_is_not_a_signature() -> None:
    assert signature_facts("OK\n\nSent from my iPhone\n").block == ""


def test_prose_without_signature_has_no_facts() -> None:
    facts = signature_facts("Please send the PI today. We will pay the deposit on Monday.")
    assert facts.block == ""
    assert facts.phones == ()


# --- name, title, company ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "company"),
    [
        ("Müller Maschinenbau GmbH & Co. KG", "Müller Maschinenbau GmbH & Co. KG"),
        ("Ningbo Acme Imp. & Exp. Co., Ltd.", "Ningbo Acme Imp. & Exp. Co., Ltd."),
        ("Importaciones Ibéricas S.L.", "Importaciones Ibéricas S.L."),
        ("Gulf Star Trading LLC", "Gulf Star Trading LLC"),
        ("株式会社サクラ貿易", "株式会社サクラ貿易"),
    ],
)
def test_company_line_with_legal_form_is_the_company(line: str, company: str) -> None:
    facts = signature_facts(f"Please confirm.\n\nKind regards\nAnna Schmidt\n{line}\n")
    assert facts.company == company
    assert any(reason.startswith(f"company '{company}': legal form") for reason in facts.reasons)


def test_title_and_company_on_one_line_are_told_apart() -> None:
    body = "Please confirm.\n\nKind regards\nDavid Chen\nSales Manager, Ningbo Acme Co., Ltd.\n"
    facts = signature_facts(body)
    assert facts.title == "Sales Manager"
    assert facts.company == "Ningbo Acme Co., Ltd."


def test_company_without_legal_form_is_the_line_after_name_and_title() -> None:
    body = "Please confirm.\n\nThanks\nSarah Miller\nHead of Sourcing\nNorthwind Traders\n"
    facts = signature_facts(body)
    assert facts.company == "Northwind Traders"


def test_german_signature_yields_all_facts() -> None:
    body = """Sehr geehrter Herr Becker,

anbei unsere Bestellung Nr. 4500123.

Mit freundlichen Grüßen

Stefan Müller
Leiter Einkauf
Müller Maschinenbau GmbH & Co. KG
Industriestr. 12, 80331 München
Tel.: 089 1234560 | Fax: 089 1234561
Handy: 0171 1234567
E-Mail: S.Mueller@mueller-maschinenbau.de
https://www.mueller-maschinenbau.de/en/
USt-IdNr.: DE123456789
"""
    facts = signature_facts(body, default_region="DE")
    assert (facts.name, facts.title) == ("Stefan Müller", "Leiter Einkauf")
    assert facts.company == "Müller Maschinenbau GmbH & Co. KG"
    assert [(p.e164, p.kind) for p in facts.phones] == [
        ("+49891234560", "fixed"),
        ("+49891234561", "fixed"),
        ("+491711234567", "mobile"),
    ]
    assert facts.emails == ("s.mueller@mueller-maschinenbau.de",)
    assert facts.websites == ("mueller-maschinenbau.de/en",)


def test_chinese_signature_yields_name_title_company_phone() -> None:
    body = """Tom 你好，

请确认附件中的形式发票，谢谢。

此致
敬礼！
王丽 Lily Wang
采购经理 | 宁波艾克美进出口有限公司
手机：+86 138 1234 5678
电话：0574-8765 4321
邮箱：lily.wang@acme-nb.cn
地址：浙江省宁波市鄞州区天童路88号
"""
    facts = signature_facts(body, sender_name="Lily Wang", default_region="CN")
    assert facts.name == "王丽 Lily Wang"
    assert facts.title == "采购经理"
    assert facts.company == "宁波艾克美进出口有限公司"
    assert [(p.e164, p.kind) for p in facts.phones] == [
        ("+8613812345678", "mobile"),
        ("+8657487654321", "fixed"),
    ]


def test_japanese_signature_with_company_first_yields_all_facts() -> None:
    body = """ベッカー様

いつもお世話になっております。
見積書を送付いたします。

よろしくお願いいたします。

━━━━━━━━━━━━━━━━━━━━
株式会社サクラ貿易
海外営業部 部長
山田 太郎（Yamada Taro）
〒100-0001 東京都千代田区千代田1-1
TEL: 03-1234-5678 / FAX: 03-1234-5679
携帯: 090-1234-5678
E-mail: yamada@sakura-boeki.co.jp
URL: https://www.sakura-boeki.co.jp
━━━━━━━━━━━━━━━━━━━━
"""
    facts = signature_facts(body, sender_name="山田太郎", default_region="JP")
    assert facts.name == "山田 太郎（Yamada Taro）"
    assert facts.title == "海外営業部 部長"
    assert facts.company == "株式会社サクラ貿易"
    assert [p.e164 for p in facts.phones] == ["+81312345678", "+81312345679", "+819012345678"]
    assert facts.phones[2].kind == "mobile"
    assert facts.websites == ("sakura-boeki.co.jp",)


def test_spanish_signature_yields_all_facts() -> None:
    body = """Estimado Tom:

Le adjunto el pedido firmado.

Saludos cordiales,

Carlos García
Jefe de Compras
Importaciones Ibéricas S.L.
Móvil: +34 612 345 678
Tel: +34 91 123 45 67
www.importaciones-ibericas.es.
"""
    facts = signature_facts(body)
    assert (facts.name, facts.title) == ("Carlos García", "Jefe de Compras")
    assert facts.company == "Importaciones Ibéricas S.L."
    assert [(p.e164, p.kind) for p in facts.phones] == [
        ("+34612345678", "mobile"),
        ("+34911234567", "fixed"),
    ]
    assert facts.websites == ("importaciones-ibericas.es",)


# --- phones -----------------------------------------------------------------------------------


def test_phone_numbers_are_normalized_to_e164() -> None:
    body = "Thanks\n\n-- \nAnna Schmidt\nTel: +49 (0)89 123456-0\nWhatsApp: +86-138-1234-5678\n"
    facts = signature_facts(body)
    assert [p.e164 for p in facts.phones] == ["+49891234560", "+8613812345678"]
    assert facts.phones[0].text == "+49 (0)89 123456-0"


def test_mobile_and_fixed_lines_are_told_apart() -> None:
    facts = signature_facts(ENGLISH)
    assert facts.phones == (
        Phone("+49891234560", "fixed", "+49 89 1234560"),
        Phone("+491711234567", "mobile", "+49 171 1234567"),
    )


def test_label_decides_the_kind_when_the_numbering_plan_cannot() -> None:
    # North American numbers do not say whether they are mobile.
    body = "Thanks\n\n-- \nMike Ross\nMobile: +1 415 555 0132\nOffice: +1 212 736 5000\n"
    kinds = [(p.e164, p.kind) for p in signature_facts(body).phones]
    assert kinds == [("+14155550132", "mobile"), ("+12127365000", "fixed")]
    unlabelled = signature_facts("Thanks\n\n-- \nMike Ross\n+1 415 555 0132\n")
    assert unlabelled.phones[0].kind == "unknown"


def test_numbers_without_country_need_a_default_region() -> None:
    body = "Danke\n\n-- \nStefan Müller\nTel.: 089 1234560\nMobil: +49 171 1234567\n"
    assert [p.e164 for p in signature_facts(body).phones] == ["+491711234567"]
    with_region = signature_facts(body, default_region="de")
    assert [p.e164 for p in with_region.phones] == ["+49891234560", "+491711234567"]


def test_double_zero_prefix_counts_as_international_without_a_region() -> None:
    facts = signature_facts("Danke\n\n-- \nStefan Müller\nTel. 0049 89 1234560\n")
    assert [(p.e164, p.text) for p in facts.phones] == [("+49891234560", "0049 89 1234560")]


def test_unknown_default_region_is_treated_as_none() -> None:
    body = "Danke\n\n-- \nStefan Müller\nTel.: 089 1234560\n"
    assert signature_facts(body, default_region="XX").phones == ()


def test_same_number_written_twice_is_listed_once() -> None:
    body = "Thanks\n\n-- \nLi Wei\nTel: +49 89 1234560\nPhone: 0049 89 123 4560\n"
    assert [p.e164 for p in signature_facts(body).phones] == ["+49891234560"]


def test_registry_and_bank_numbers_are_not_phones() -> None:
    body = (
        "Danke\n\n-- \nStefan Müller\nMüller GmbH\nUSt-IdNr.: DE 0049891234560\n"
        "IBAN: DE89 3704 0044 0532 0130 00\n"
    )
    assert signature_facts(body, default_region="DE").phones == ()


def test_invalid_numbers_are_never_invented() -> None:
    body = "Thanks\n\n-- \nTom Becker\nMobile: +44 7700 900123\nOrder 4711-2024-06\n"
    assert signature_facts(body, default_region="GB").phones == ()


# --- websites and emails ----------------------------------------------------------------------


def test_websites_are_normalized_hosts_without_trailing_punctuation() -> None:
    body = (
        "Thanks\n\n-- \nTom Becker\nWeb: becker-export.co.uk\n"
        "Shop: https://Shop.Becker-Export.co.uk/en/catalog/?utm_source=signature.\n"
        "(www.becker-export.com)\n"
    )
    assert signature_facts(body).websites == (
        "becker-export.co.uk",
        "shop.becker-export.co.uk/en/catalog",
        "becker-export.com",
    )


def test_tracking_and_mail_links_are_ignored() -> None:
    body = (
        "Thanks\n\n-- \nTom Becker\nBecker Export Ltd.\n"
        "https://eur01.safelinks.protection.outlook.com/?url=https%3A%2F%2Fbecker.co.uk\n"
        "Get Outlook for Android<https://aka.ms/ghei36>\n"
        "https://click.mailer.example.com/track?id=123\n"
        "mailto:tom@becker-export.co.uk\n"
    )
    facts = signature_facts(body)
    assert facts.websites == ()
    assert facts.emails == ("tom@becker-export.co.uk",)


def test_email_domains_are_not_mistaken_for_websites() -> None:
    facts = signature_facts("Thanks\n\n-- \nTom Becker\nE: Tom.Becker@Becker-Export.co.uk\n")
    assert facts.emails == ("tom.becker@becker-export.co.uk",)
    assert facts.websites == ()


# --- hostile input ----------------------------------------------------------------------------


def test_one_megabyte_body_is_handled() -> None:
    filler = "We confirm the shipment schedule for the next quarter.\n" * 20_000
    body = filler + ENGLISH + "\nOn Mon, Jun 3, 2024 at 10:00 Tom <tom@x.co.uk> wrote:\n"
    body += "> quoted line\n" * 20_000
    assert len(body) > 1_000_000
    facts = signature_facts(body)
    assert facts.name == "Li Wei"
    assert facts.company == "Acme Trading GmbH"
    unquoted = strip_quoted(body)
    assert unquoted.endswith("www.acme-gmbh.de")
    assert "quoted line" not in unquoted


@pytest.mark.parametrize(
    "body",
    [
        "x" * 1_000_000,
        "\n" * 1_000_000,
        "> \n" * 300_000,
        "From: a\n" * 120_000,
        "On 1 <a@b.cd> wrote:\n" * 50_000,
        "+49 89 1234560 " * 70_000,
    ],
)
def test_degenerate_megabyte_bodies_are_handled(body: str) -> None:
    assert isinstance(strip_quoted(body), str)
    assert isinstance(signature_facts(body, default_region="DE"), SignatureFacts)


def test_control_characters_and_rtl_text_are_handled() -> None:
    body = (
        "تم استلام الطلب\x00\x07\n\nمع أطيب التحيات\n\u202bأحمد الخطيب\u202c\n"
        "مدير المشتريات\x1b\nGulf Star Trading LLC\nMobile: +971 50 123 4567\n"
    )
    facts = signature_facts(body)
    assert facts.name == "أحمد الخطيب"
    assert facts.company == "Gulf Star Trading LLC"
    assert [p.e164 for p in facts.phones] == ["+971501234567"]


def test_every_fact_has_a_reason() -> None:
    facts = signature_facts(ENGLISH)
    for fact in (facts.name, facts.title, facts.company, *[p.e164 for p in facts.phones]):
        assert any(fact in reason for reason in facts.reasons)


_FRAGMENTS = st.sampled_from(
    [
        "\n",
        "> ",
        "-- \n",
        "On Mon, 3 Jun 2024 Tom <a@b.de> wrote:\n",
        "Am 3.6. schrieb X:",
        "-----Original Message-----\n",
        "From: x\nSent: y\n",
        "Best regards\n",
        "此致\n敬礼\n",
        "Tel: +49 89 1234560\n",
        "0049 171 1234567",
        "www.acme-gmbh.de/",
        "https://",
        "GmbH",
        "Manager\n",
        "a@b.c",
        "\u202e",
        "\x00",
        "\r\n",
        "━━━\n",
        "（株）",
        "写道：",
        "\ud800",
    ]
)
_HOSTILE_TEXT = st.lists(st.one_of(_FRAGMENTS, st.text(max_size=40)), max_size=40).map("".join)


def _squashed(text: str) -> str:
    return re.sub(r"[\W_]", "", text)


@settings(max_examples=300, deadline=None)
@given(text=_HOSTILE_TEXT, sender=st.one_of(st.none(), st.text(max_size=30)))
def test_signature_facts_never_raise_on_arbitrary_text(text: str, sender: str | None) -> None:
    facts = signature_facts(text, sender_name=sender, default_region="DE")
    for phone in facts.phones:
        assert phone.e164.startswith("+") and phone.e164[1:].isdigit()
        assert _squashed(phone.text) in _squashed(text)  # never invented
    assert signature_facts(text, default_region=sender) is not None


@settings(max_examples=300, deadline=None)
@given(text=_HOSTILE_TEXT)
def test_strip_quoted_never_raises_and_keeps_no_quoted_line(text: str) -> None:
    for line in strip_quoted(text).splitlines():
        assert not line.lstrip(" \t\u00a0").startswith(">")
