"""Language identification: the language the reply hint answers in."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mailmatrix.tone.language import MAX_CHARS, SUPPORTED_LANGUAGES, Language, detect_language

# Short business sentences as buyers write them, three per language.
LABELLED: dict[str, tuple[str, ...]] = {
    "en": ("Please send us the updated price list for the next order.",
           "Could you confirm the delivery date for PO 4711?",
           "The goods arrived damaged, please advise."),
    "de": ("Bitte senden Sie uns die aktuelle Preisliste für die nächste Bestellung.",
           "Können Sie den Liefertermin für die Bestellung 4711 bestätigen?",
           "Die Ware ist beschädigt angekommen."),
    "fr": ("Merci de nous envoyer la liste de prix mise à jour pour la prochaine commande.",
           "Pouvez-vous confirmer la date de livraison de la commande 4711 ?",
           "La marchandise est arrivée endommagée."),
    "es": ("Por favor envíenos la lista de precios actualizada para el próximo pedido.",
           "¿Puede confirmar la fecha de entrega del pedido 4711?",
           "La mercancía llegó dañada."),
    "it": ("Vi preghiamo di inviarci il listino prezzi aggiornato per il prossimo ordine.",
           "Può confermare la data di consegna dell'ordine 4711?",
           "La merce è arrivata danneggiata."),
    "pt": ("Por favor, envie-nos a tabela de preços atualizada para o próximo pedido.",
           "Pode confirmar a data de entrega da encomenda 4711?",
           "A mercadoria chegou danificada."),
    "nl": ("Kunt u ons de bijgewerkte prijslijst voor de volgende bestelling sturen?",
           "Wij hebben uw factuur ontvangen en betalen deze week.",
           "De goederen zijn beschadigd aangekomen."),
    "ja": ("次回の注文のために最新の価格表をお送りください。",
           "注文4711の納期をご確認いただけますか。",
           "商品が破損した状態で届きました。"),
    "zh": ("请把最新的价格表发给我们，用于下一次订单。", "请确认订单4711的交货日期。",
           "货物到达时已经损坏。"),
    "ko": ("다음 주문을 위해 최신 가격표를 보내 주시기 바랍니다.",
           "주문 4711의 납기일을 확인해 주시겠습니까?",
           "상품이 파손된 상태로 도착했습니다."),
    "ru": ("Пожалуйста, пришлите нам обновлённый прайс-лист для следующего заказа.",
           "Можете подтвердить дату поставки по заказу 4711?", "Товар прибыл повреждённым."),
    "tr": ("Lütfen bir sonraki sipariş için güncel fiyat listesini bize gönderin.",
           "Faturanızı aldık ve bu hafta ödeyeceğiz.", "Mallar hasarlı olarak geldi."),
    "ar": ("يرجى إرسال قائمة الأسعار المحدثة للطلب القادم.",
           "هل يمكنكم تأكيد تاريخ التسليم للطلب 4711؟",
           "وصلت البضاعة تالفة."),
    "pl": ("Prosimy o przesłanie aktualnego cennika do następnego zamówienia.",
           "Towar dotarł uszkodzony.", "Dziękuję za szybką odpowiedź, do zobaczenia na targach."),
    "cs": ("Prosíme o zaslání aktualizovaného ceníku pro příští objednávku.",
           "Zboží dorazilo poškozené.", "Děkuji za rychlou odpověď, uvidíme se na veletrhu."),
    "sv": ("Vänligen skicka oss den uppdaterade prislistan för nästa beställning.",
           "Varorna kom fram skadade.", "Tack för det snabba svaret, vi ses på mässan."),
    "da": ("Send venligst den opdaterede prisliste til næste ordre.",
           "Vi har modtaget jeres faktura og betaler den i denne uge."),
    "no": ("Vennligst send oss den oppdaterte prislisten for neste bestilling.",
           "Vi har mottatt fakturaen deres og betaler den denne uken."),
    "fi": ("Lähettäkää meille päivitetty hinnasto seuraavaa tilausta varten.",
           "Tavarat saapuivat vaurioituneina."),
    "el": ("Παρακαλούμε στείλτε μας τον ενημερωμένο τιμοκατάλογο για την επόμενη παραγγελία.",),
    "he": ("אנא שלחו לנו את מחירון המעודכן להזמנה הבאה.",),
    "hi": ("कृपया अगले ऑर्डर के लिए अद्यतन मूल्य सूची भेजें।",),
    "vi": ("Vui lòng gửi cho chúng tôi bảng giá cập nhật cho đơn hàng tiếp theo.",),
    "th": ("กรุณาส่งรายการราคาล่าสุดสำหรับคำสั่งซื้อครั้งถัดไป",),
    "id": ("Mohon kirimkan daftar harga terbaru untuk pesanan berikutnya.",),
}


@pytest.mark.parametrize(("code", "sentence"), [
    (code, sentence) for code, sentences in LABELLED.items() for sentence in sentences])
def test_short_business_sentence_is_identified(code: str, sentence: str) -> None:
    detected = detect_language(sentence)
    assert detected.code == code, detected.reason
    assert code in SUPPORTED_LANGUAGES


def test_every_language_we_need_is_supported() -> None:
    assert set(LABELLED) <= set(SUPPORTED_LANGUAGES)


@pytest.mark.parametrize("text", ["", "   \n\t", "Hi", "OK", "Thx", "12345 / 678",
                                  "https://acme.example/po/4711", "li.wei@acme-gmbh.de", "🙂👍"])
def test_empty_or_very_short_text_has_no_language_and_says_why(text: str) -> None:
    detected = detect_language(text)
    assert detected.code is None
    assert detected.confidence == 0.0
    assert detected.reason


def test_an_unclear_short_line_is_not_guessed() -> None:
    detected = detect_language("Danke")  # German, Danish and Dutch alike
    assert detected.code is None
    assert "best guess" in detected.reason


def test_two_cjk_characters_are_enough() -> None:
    assert detect_language("谢谢").code == "zh"
    assert detect_language("了解しました").code == "ja"
    assert detect_language("감사합니다").code == "ko"


def test_mixed_language_mail_reports_the_dominant_language() -> None:
    german_with_english_close = (
        "Sehr geehrter Herr Li, vielen Dank für Ihre Bestellung. Wir liefern die Ware nächste "
        "Woche aus und senden Ihnen die Rechnung per E-Mail. Best regards")
    english_with_german_close = (
        "Dear Mr. Schmidt, thank you for the samples. We will test them next week and come back "
        "to you with our feedback. Mit freundlichen Grüßen")
    chinese_with_english_terms = "王经理您好，附件是PO 4711的invoice，请确认delivery date。谢谢！"
    assert detect_language(german_with_english_close).code == "de"
    assert detect_language(english_with_german_close).code == "en"
    assert detect_language(chinese_with_english_terms).code == "zh"


def test_only_the_opening_of_a_long_text_is_read() -> None:
    english = "Please confirm the delivery date for our order. " * 40
    german = "Bitte bestätigen Sie den Liefertermin für unsere Bestellung. " * 200
    assert len(english) > MAX_CHARS
    assert detect_language(english + german).code == "en"


def test_addresses_and_links_do_not_decide_the_language() -> None:
    text = "请联系 li.wei@acme-gmbh.de 或访问 https://www.acme-gmbh.de/de/kontakt 谢谢"
    assert detect_language(text).code == "zh"


def test_result_names_the_language_and_its_confidence() -> None:
    detected = detect_language("Wir haben Ihre Rechnung erhalten und zahlen diese Woche.")
    assert detected == Language("de", detected.confidence, detected.reason)
    assert 0.9 <= detected.confidence <= 1.0
    assert "German" in detected.reason


def test_the_model_ships_with_the_package_and_loads_without_network() -> None:
    probe = (
        "import socket\n"
        "def refuse(*args, **kwargs):\n"
        "    raise OSError('network used')\n"
        "socket.socket.connect = refuse\n"
        "socket.create_connection = refuse\n"
        "from mailmatrix.tone.language import detect_language\n"
        "print(detect_language('Bitte senden Sie uns die Rechnung.').code)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            check=True, timeout=120)
    assert result.stdout.strip() == "de"
    assert socket.socket.connect is not None  # this process is untouched


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_detect_language_never_raises(text: str) -> None:
    detected = detect_language(text)
    assert detected.code is None or detected.code in SUPPORTED_LANGUAGES
    assert 0.0 <= detected.confidence <= 1.0
    assert detected.reason
