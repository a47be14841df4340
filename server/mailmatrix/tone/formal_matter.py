"""Formal matters: quotes, proforma invoices, purchase orders, contracts, invoices, payments, bank
details. A message about one of these must be answered formally and to the primary address.

Word lists cover the languages of export trade: English, Chinese, German, Spanish, French, plus
Italian, Portuguese, Dutch, Japanese, Russian and Turkish. The customer graph uses the same
detector to set the formal-matter flag of an observation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

QUOTE = "quote"
PROFORMA = "proforma invoice"
PURCHASE_ORDER = "purchase order"
CONTRACT = "contract"
INVOICE = "invoice"
PAYMENT = "payment"
BANK_DETAILS = "bank details"

# Phrases match case-insensitively on whole words; phrases in Chinese or Japanese anywhere.
PHRASES: dict[str, tuple[str, ...]] = {
    QUOTE: ("quotation", "quote", "price offer", "offer", "rfq", "request for quotation",
            "angebot", "kostenvoranschlag", "preisanfrage", "cotización", "cotizacion",
            "presupuesto", "devis", "offre de prix", "cotation", "preventivo", "offerta",
            "orçamento", "cotação", "offerte", "prijsopgave", "報價", "报价", "询价", "詢價",
            "報價單", "报价单", "見積", "見積書", "коммерческое предложение", "teklif"),
    PROFORMA: ("proforma", "pro forma", "pro-forma", "pi", "形式发票", "形式發票",
               "proformarechnung", "proforma-rechnung", "factura proforma", "facture proforma",
               "fattura proforma", "fatura proforma", "プロフォーマ", "проформа"),
    PURCHASE_ORDER: ("purchase order", "po", "p.o.", "order confirmation", "bestellung",
                     "auftrag", "auftragsbestätigung", "orden de compra", "pedido",
                     "bon de commande", "commande", "ordine", "ordem de compra",
                     "inkooporder", "bestelling", "采购订单", "採購訂單", "订单", "訂單", "注文書",
                     "発注", "заказ", "sipariş"),
    CONTRACT: ("contract", "agreement", "sales contract", "vertrag", "kaufvertrag", "contrato",
               "contrat", "contratto", "overeenkomst", "contract", "合同", "合約", "契約",
               "契約書", "договор", "sözleşme"),
    INVOICE: ("invoice", "commercial invoice", "rechnung", "factura", "facture", "fattura",
              "fatura", "factuur", "发票", "發票", "請求書", "инвойс", "счёт", "счет", "fatura"),
    PAYMENT: ("payment", "remittance", "wire transfer", "telegraphic transfer", "t/t", "tt",
              "deposit", "balance payment", "letter of credit", "l/c", "zahlung", "überweisung",
              "anzahlung", "pago", "transferencia", "paiement", "virement", "acompte",
              "pagamento", "bonifico", "betaling", "付款", "汇款", "匯款", "定金", "订金", "尾款",
              "信用证", "支払", "送金", "оплата", "платеж", "платёж", "ödeme", "havale"),
    BANK_DETAILS: ("bank details", "bank account", "account number", "iban", "swift",
                   "bic", "beneficiary", "new account", "changed account", "bankverbindung",
                   "kontonummer", "kontoverbindung", "datos bancarios", "cuenta bancaria",
                   "coordonnées bancaires", "rib", "coordinate bancarie", "dados bancários",
                   "bankgegevens", "rekeningnummer", "银行账户", "銀行賬戶", "银行信息", "收款账户",
                   "账号", "帳號", "振込先", "口座", "банковские реквизиты", "реквизиты",
                   "banka hesabı", "hesap numarası"),
}

# Short abbreviations only count in upper case ("PI 2024-17", "PO#4411"), never inside words.
_UPPERCASE_ONLY = frozenset({"pi", "po", "tt", "bic", "rib", "swift", "iban", "rfq"})
MAX_SCANNED = 20_000  # characters: formal matters are named early; caps work on huge bodies


@dataclass(frozen=True)
class FormalMatter:
    kind: str  # one of the constants above
    text: str  # the words as written
    start: int
    end: int


_TOKEN = re.compile(r"[^\W_]+")


def _is_cjk(character: str) -> bool:
    return "\u3040" <= character <= "\u9fff" or "\uac00" <= character <= "\ud7af"


def _index() -> tuple[dict[str, list[tuple[tuple[str, ...], str, bool]]], list[tuple[str, str]]]:
    """Word phrases by their first word (longest first), and the CJK phrases to search for.

    Matching words, not one big regular expression: the alternation of a few hundred phrases
    with boundaries cost over a millisecond per message.
    """
    by_first: dict[str, list[tuple[tuple[str, ...], str, bool]]] = {}
    cjk: list[tuple[str, str]] = []
    for kind, phrases in PHRASES.items():
        for phrase in phrases:
            if any(_is_cjk(character) for character in phrase):
                cjk.append((phrase, kind))
                continue
            words = tuple(_TOKEN.findall(phrase.casefold()))
            entry = (words, kind, phrase in _UPPERCASE_ONLY)
            by_first.setdefault(words[0], []).append(entry)
    for entries in by_first.values():
        entries.sort(key=lambda entry: len(entry[0]), reverse=True)
    return by_first, cjk


_BY_FIRST_WORD, _CJK_PHRASES = _index()


def find_formal_matters(text: str) -> tuple[FormalMatter, ...]:
    """Formal matters named in ``text``, the first mention of each kind, offsets into ``text``."""
    found: dict[str, FormalMatter] = {}
    scanned = text[:MAX_SCANNED]
    ascii_text = scanned.isascii()
    # Most text names no formal matter: its words, found in C, answer that before any Match
    # object is made (lower() is casefold() on ASCII).
    if ascii_text and _BY_FIRST_WORD.keys().isdisjoint(_TOKEN.findall(scanned.lower())):
        return ()
    tokens = list(_TOKEN.finditer(scanned))
    folded = [token.group().casefold() for token in tokens]
    for index, word in enumerate(folded):
        for words, kind, uppercase_only in _BY_FIRST_WORD.get(word, ()):
            if kind in found or tuple(folded[index:index + len(words)]) != words:
                continue
            first, last = tokens[index], tokens[index + len(words) - 1]
            if uppercase_only and not first.group().isupper():
                continue
            found[kind] = FormalMatter(kind, scanned[first.start():last.end()], first.start(),
                                       last.end())
    for phrase, kind in () if ascii_text else _CJK_PHRASES:
        position = scanned.find(phrase)
        if position >= 0 and (kind not in found or position < found[kind].start):
            found[kind] = FormalMatter(kind, phrase, position, position + len(phrase))
    order = list(PHRASES)
    return tuple(sorted(found.values(), key=lambda matter: order.index(matter.kind)))


def is_formal_matter(*texts: str) -> bool:
    """Whether any of the texts (subject, body) names a formal matter."""
    return any(find_formal_matters(text) for text in texts)
