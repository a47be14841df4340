"""Agreement of ``parse_address`` with two peer address-syntax suites.

    python bench/address_syntax.py [--data DIR] [--write docs/address-syntax.md]

The suites (isemail v3.05 and python-email-validator's syntax tests) are read from
../shared/data/address-syntax at run time and never copied into the project. Every disagreement
must fall into one of the classes below, each a decision we made on purpose; the test suite
fails on any disagreement that does not.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from mailmatrix.addresses import InvalidAddress, parse_address

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "address-syntax"
# isemail's default threshold: these categories count as valid, all others as invalid.
ISEMAIL_VALID = {"ISEMAIL_VALID_CATEGORY", "ISEMAIL_DNSWARN", "ISEMAIL_RFC5321"}

# Why we differ, keyed by the cause; "we accept" / "we reject" is the direction of our verdict.
ACCEPTED_DISAGREEMENTS: dict[str, str] = {
    "header-form": "We accept: addresses come from mail headers, where display names, angle "
    "brackets, comments around the address and folded lines are ordinary RFC 5322 syntax. The "
    "suites validate bare addr-specs. Comments or whitespace inside the addr-spec are refused.",
    "quoted-local": "We accept quoted local parts (\"john smith\"@x.com): valid RFC 5321 and "
    "seen in real mail; email-validator refuses them only by default.",
    "utf8-local": "We accept internationalized local parts (RFC 6531), including a quoted-pair "
    "of a non-ASCII character: buyers in China and Japan use them.",
    "long-local": "We accept local parts over 64 octets, as email-validator does outside its "
    "strict mode: bulk and bounce senders use them and rejecting would drop real messages.",
    "address-literal": "We reject domain literals (user@[192.0.2.1]): no organization, no "
    "provider, no lookalike check can apply, and no business correspondent uses them.",
    "dotless-domain": "We reject domains without a dot (user@com, user@io): not deliverable on "
    "the public internet (email-validator agrees).",
    "numeric-tld": "We reject numeric top-level labels and bare IPs as domains (email-validator "
    "agrees).",
    "empty-local": "We reject an empty quoted local part (\"\"@x.com): it names no mailbox.",
    "bad-domain": "We reject domains that fail IDNA or length rules (xn--example, labels over "
    "63 or names over 253 octets), as email-validator does; isemail only warns about DNS.",
}

_ISEMAIL_CAUSES = {
    "ISEMAIL_CFWS_COMMENT": "header-form", "ISEMAIL_CFWS_FWS": "header-form",
    "ISEMAIL_DEPREC_FWS": "header-form", "ISEMAIL_ERR_EXPECTING_QTEXT": "header-form",
    "ISEMAIL_ERR_EXPECTING_QPAIR": "utf8-local",
    "ISEMAIL_RFC5321_QUOTEDSTRING": "quoted-local", "ISEMAIL_RFC5322_LOCAL_TOOLONG": "long-local",
    "ISEMAIL_RFC5321_ADDRESSLITERAL": "address-literal",
    "ISEMAIL_RFC5321_IPV6DEPRECATED": "address-literal",
    "ISEMAIL_RFC5321_TLD": "dotless-domain", "ISEMAIL_VALID": "dotless-domain",
    "ISEMAIL_RFC5321_TLDNUMERIC": "numeric-tld", "ISEMAIL_DNSWARN_NO_RECORD": "bad-domain",
}
_EMAIL_VALIDATOR_CAUSES = {
    "test_email_invalid_syntax": "header-form",
    "test_email_invalid_syntax_strict": "long-local",
    "test_email_invalid_character_smtputf8_off": "utf8-local",
}


@dataclass(frozen=True)
class Disagreement:
    suite: str
    address: str
    expected_valid: bool
    code: str  # the suite's diagnosis or test name
    cause: str | None  # a key of ACCEPTED_DISAGREEMENTS, or None when unexplained


@dataclass(frozen=True)
class SuiteResult:
    suite: str
    cases: int
    agreed: int
    disagreements: tuple[Disagreement, ...]

    @property
    def rate(self) -> float:
        return self.agreed / self.cases if self.cases else 0.0


def is_valid(address: str) -> bool:
    try:
        parse_address(address)
    except InvalidAddress:
        return False
    return True


def _cause(suite: str, code: str, address: str) -> str | None:
    causes = _ISEMAIL_CAUSES if suite == "isemail" else _EMAIL_VALIDATOR_CAUSES
    cause = causes.get(code)
    if cause == "quoted-local" and address.startswith('""'):
        return "empty-local"
    return cause


def run_suites(data: Path) -> list[SuiteResult]:
    results = []
    for suite, filename in (("isemail", "isemail_tests.jsonl"),
                            ("email-validator", "email_validator_cases.jsonl")):
        with (data / filename).open(encoding="utf-8") as lines:
            rows = [json.loads(line) for line in lines if line.strip()]
        agreed, disagreements = 0, []
        for row in rows:
            if suite == "isemail":
                expected, code = row["category"] in ISEMAIL_VALID, row["diagnosis"]
                cause_suite, cause_code = suite, code
            else:
                expected, code = bool(row["valid"]), row["test"]
                # email-validator's copy of the isemail cases carries the isemail diagnosis.
                pyisemail = code == "test_pyisemail_tests"
                cause_suite = "isemail" if pyisemail else suite
                cause_code = str(row["expected"]) if pyisemail else code
            if is_valid(row["address"]) == expected:
                agreed += 1
                continue
            cause = _cause(cause_suite, cause_code, row["address"])
            disagreements.append(Disagreement(suite, row["address"], expected, code, cause))
        results.append(SuiteResult(suite, len(rows), agreed, tuple(disagreements)))
    return results


def report(results: list[SuiteResult]) -> str:
    lines = ["# Address syntax: agreement with peer suites", "",
             "Measured with `python bench/address_syntax.py --write docs/address-syntax.md` "
             "(the suites are read from ../shared/data/address-syntax).", "",
             "| suite | cases | agree | rate | disagreements |", "|---|---:|---:|---:|---:|"]
    for result in results:
        lines.append(f"| {result.suite} | {result.cases} | {result.agreed} | "
                     f"{result.rate:.1%} | {len(result.disagreements)} |")
    lines += ["", "## Every disagreement, by cause", "",
              "| cause | isemail | email-validator | decision |", "|---|---:|---:|---|"]
    counts = {r.suite: Counter(d.cause for d in r.disagreements) for r in results}
    for cause, reason in ACCEPTED_DISAGREEMENTS.items():
        lines.append(f"| {cause} | {counts['isemail'][cause]} | "
                     f"{counts['email-validator'][cause]} | {reason} |")
    unexplained = [d for r in results for d in r.disagreements if d.cause is None]
    lines += ["", f"Unexplained disagreements: {len(unexplained)}."]
    for item in unexplained:
        lines.append(f"- {item.suite} {item.code}: {json.dumps(item.address)}")
    lines += ["", "## The cases", "",
              "| suite | address (JSON-escaped) | code | suite says | cause |",
              "|---|---|---|---|---|"]
    for result in results:
        for item in result.disagreements:
            shown = json.dumps(item.address)[1:-1].replace("|", "\\|")
            shown = shown if len(shown) <= 70 else shown[:67] + "..."
            verdict = "valid" if item.expected_valid else "invalid"
            lines.append(
                f"| {result.suite} | `{shown}` | {item.code} | {verdict} | {item.cause} |"
            )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--write", type=Path, help="write the markdown report to this file")
    args = parser.parse_args()
    results = run_suites(args.data)
    text = report(results)
    if args.write:
        args.write.write_text(text)
    for result in results:
        explained = sum(d.cause is not None for d in result.disagreements)
        print(f"{result.suite}: {result.agreed}/{result.cases} agree ({result.rate:.1%}); "
              f"{explained}/{len(result.disagreements)} disagreements explained")


if __name__ == "__main__":
    main()
