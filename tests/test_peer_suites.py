"""Agreement with the isemail and email-validator suites: every disagreement is a decision."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from tests.conftest import REPOSITORY


def _load_bench():  # noqa: ANN202
    spec = importlib.util.spec_from_file_location(
        "address_syntax", REPOSITORY / "bench" / "address_syntax.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["address_syntax"] = module  # dataclasses look their module up while defining
    spec.loader.exec_module(module)
    return module


def test_every_disagreement_with_the_peer_suites_is_one_we_accepted_on_purpose(
    shared_data: Path,
) -> None:
    bench = _load_bench()
    results = bench.run_suites(shared_data / "address-syntax")
    unexplained = [d for result in results for d in result.disagreements if d.cause is None]
    assert unexplained == []
    assert {r.suite: r.cases for r in results} == {"isemail": 443, "email-validator": 286}


def test_peer_suite_valid_addresses_that_real_mail_uses_are_accepted(shared_data: Path) -> None:
    bench = _load_bench()
    results = bench.run_suites(shared_data / "address-syntax")
    wrongly_rejected = [d for r in results for d in r.disagreements
                        if d.expected_valid and d.cause not in bench.ACCEPTED_DISAGREEMENTS]
    assert wrongly_rejected == []
