"""Speed of the tone hint: p50/p99 per message for 2 KB bodies, language detection included.

    python bench/tone.py [--count 10000] [--seed 3]

Messages are generated to look like an export rep's inbox: greetings, requests about samples,
prices, shipping and payment in eight languages, formal and casual, with a signature and a
quoted earlier message underneath, each body padded to about 2 KB. The first message pays the
one-time start-up (models, word lists) and is reported apart. Target: p99 under 5 ms.
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import time
from datetime import UTC, datetime

from mailmatrix.tone.hint import HistorySummary, MessageForTone, tone_hint

OPENINGS = {
    "en": ("Dear Ms Smith,", "Dear Sir or Madam,", "Hi Anna,", "Hey there!", "Hello Tom,"),
    "de": ("Sehr geehrte Frau Schmidt,", "Sehr geehrte Damen und Herren,", "Hallo Anna,",
           "Hi Tom,", "Guten Tag Herr Weber,"),
    "fr": ("Madame,", "Bonjour Monsieur Martin,", "Salut Pierre,", "Bonjour Anne,"),
    "es": ("Estimada Sra. García:", "Hola Ana,", "Buenos días,", "¡Hola!"),
    "it": ("Gentile Sig. Rossi,", "Ciao Marco,", "Buongiorno,"),
    "pt": ("Prezado Sr. Silva,", "Olá João,", "Bom dia,"),
    "zh": ("尊敬的王经理：", "王总好，", "你好，", "您好！"),
    "ja": ("田中様", "いつもお世話になっております。", "田中さん、こんにちは。"),
}
SENTENCES = {
    "en": ("Thank you for your inquiry regarding our stainless steel valves.",
           "Could you please send us your best price for 500 units, FOB Ningbo?",
           "We'd love to get some samples asap, thx!",
           "The shipment left the port yesterday and should arrive within 30 days.",
           "Please find attached the proforma invoice for your confirmation.",
           "lol that's awesome, can't wait to see the new catalogue!!"),
    "de": ("Vielen Dank für Ihre Anfrage bezüglich unserer Edelstahlventile.",
           "Könnten Sie uns bitte Ihr bestes Angebot für 500 Stück zusenden?",
           "Hast du die Muster schon bekommen? Sag mir einfach Bescheid.",
           "Die Lieferung hat gestern den Hafen verlassen.",
           "Anbei erhalten Sie die Proformarechnung zur Bestätigung."),
    "fr": ("Nous vous remercions de votre demande concernant nos vannes.",
           "Pourriez-vous nous envoyer votre meilleur prix pour 500 pièces ?",
           "Tu as reçu les échantillons ? Dis-moi vite !"),
    "es": ("Le agradecemos su consulta sobre nuestras válvulas de acero inoxidable.",
           "¿Podría enviarnos su mejor precio para 500 unidades?",
           "¿Ya recibiste las muestras? ¡Avísame!"),
    "it": ("La ringraziamo per la Sua richiesta riguardo alle nostre valvole.",
           "Potrebbe inviarci la Sua migliore offerta per 500 pezzi?"),
    "pt": ("Agradecemos o seu contato sobre as nossas válvulas.",
           "Poderia nos enviar o seu melhor preço para 500 unidades?"),
    "zh": ("感谢您对我们不锈钢阀门的询价。", "请您报一下500件的最优价格，FOB宁波。",
           "样品收到了吗？告诉我哈！", "货物昨天已经离港，预计30天内到达。"),
    "ja": ("弊社製品についてお問い合わせいただき、誠にありがとうございます。",
           "500個の見積書をお送りいただけますでしょうか。", "サンプル届いた？よろしくね！"),
}
CLOSINGS = {
    "en": ("Best regards,", "Yours sincerely,", "Cheers,", "Thanks!"),
    "de": ("Mit freundlichen Grüßen", "Viele Grüße", "LG"),
    "fr": ("Cordialement,", "Bien à vous,", "Bises,"),
    "es": ("Atentamente,", "Saludos,", "Un abrazo,"),
    "it": ("Cordiali saluti,", "Ciao,"),
    "pt": ("Atenciosamente,", "Abraços,"),
    "zh": ("此致\n敬礼", "顺祝商祺！", "谢谢！"),
    "ja": ("よろしくお願いいたします。", "敬具", "じゃあね"),
}
SIGNATURE = ("\n{name}\nPurchasing Manager\nAcme Trading GmbH\nTel: +49 89 1234567\n"
             "www.acme-gmbh.de\n")
QUOTE = "\n\nOn Mon, 23 Nov 2026 at 10:00, Rep <rep@example-export.com> wrote:\n" + \
        "> Dear customer, thank you for your interest in our products.\n" * 6


def generate_messages(count: int, seed: int) -> list[MessageForTone]:
    rng = random.Random(seed)
    messages = []
    for _ in range(count):
        language = rng.choice(list(OPENINGS))
        parts = [rng.choice(OPENINGS[language]), ""]
        while sum(len(part) for part in parts) < 1500:
            parts.append(" ".join(rng.choice(SENTENCES[language]) for _ in range(3)))
        parts += ["", rng.choice(CLOSINGS[language])]
        body = "\n".join(parts) + SIGNATURE.format(name=rng.choice(("Li Wei", "Anna Schmidt")))
        body = (body + QUOTE)[:2048]
        messages.append(MessageForTone(
            body=body, subject=rng.choice(("Inquiry", "RE: PI 2026-17", "Samples", "Hello")),
            from_name=rng.choice(("Li Wei", "Schmidt, Anna", "田中 太郎", "Ana García")),
            utc_offset_minutes=rng.choice((60, 480, 540, -300, None)),
            sender_kind=rng.choice(("corporate", "personal", "encrypted", "regional")),
            sender_country=rng.choice(("DE", "CN", "JP", "BR", "US", None)),
            primary_address="li.wei@acme-gmbh.de",
            history=HistorySummary(exchanges=rng.randint(0, 30)),
        ))
    return messages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    messages = generate_messages(args.count, args.seed)
    now = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)

    start = time.perf_counter()
    tone_hint(messages[0], now=now)
    first = time.perf_counter() - start
    timings = []
    for message in messages[1:]:
        start = time.perf_counter()
        tone_hint(message, now=now)
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    huge = MessageForTone(body=("Dear Ms Smith, please send the quotation. " * 25_000)[:1_000_000])
    start = time.perf_counter()
    tone_hint(huge, now=now)
    huge_ms = (time.perf_counter() - start) * 1000

    print(f"python {platform.python_version()} on {platform.machine()}; {len(timings):,} "
          f"messages of ~2 KB in 8 languages")
    print(f"first message (start-up included): {first * 1000:.0f} ms")
    print("| p50 ms | p90 ms | p99 ms | max ms | mean ms |")
    print("|---:|---:|---:|---:|---:|")
    print(f"| {timings[len(timings) // 2]:.2f} | {timings[int(len(timings) * 0.9)]:.2f} | "
          f"{timings[int(len(timings) * 0.99)]:.2f} | {timings[-1]:.2f} | "
          f"{statistics.fmean(timings):.2f} |")
    print(f"1 MB body: {huge_ms:.1f} ms (target p99 < 5 ms for 2 KB)")


if __name__ == "__main__":
    main()
