"""Linking accuracy on real identity clusters (git and NumPy .mailmap files).

    python bench/identity_eval.py [--data PATH] [--seed 11]

Each (name, address) of a cluster becomes a message whose only evidence is the From header
(display name and address; no signature). For one person in ten a confuser is added: a
different person with the same name at another company. After ingesting into a fresh SQLite
graph, pairs of addresses are scored against the clusters: precision and recall of auto-links
(same person in the graph) and of auto + suggested links, and the precision of suggestions.
The data stays in ../shared/data; no address is printed.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import tempfile
from collections import defaultdict
from itertools import combinations
from pathlib import Path

from sqlalchemy import select

from mailmatrix.addresses import InvalidAddress, canonical_address
from mailmatrix.customers.db import Database
from mailmatrix.customers.facts import MessageFacts
from mailmatrix.customers.local import local_principal
from mailmatrix.customers.models import Address, Suggestion
from mailmatrix.customers.observe import observe

DEFAULT_DATA = (Path(__file__).resolve().parents[2] / "shared" / "data" / "identity"
                / "mailmap_dev_clusters.jsonl")


def load_clusters(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def messages(clusters: list[dict], seed: int) -> tuple[list[MessageFacts], dict[str, int]]:
    """The messages, and the true cluster of every canonical address."""
    rng = random.Random(seed)
    truth: dict[str, int] = {}
    facts: list[MessageFacts] = []
    for number, cluster in enumerate(clusters):
        names = cluster["names"] or ([cluster["canonical_name"]]
                                     if cluster.get("canonical_name") else [])
        for index, email in enumerate(cluster["emails"]):
            name = names[index % len(names)] if names else ""
            facts.append(_message(len(facts), name, email))
            _remember(truth, email, number)
        if names and rng.random() < 0.1:  # a confuser: same name, another person and company
            email = f"{rng.choice(('info', 'j.doe', 'contact', 'sales2'))}" \
                    f"@confuser-{number}-company.com"
            facts.append(_message(len(facts), names[0], email))
            _remember(truth, email, -1 - number)
    rng.shuffle(facts)
    return facts, truth


def _message(number: int, name: str, email: str) -> MessageFacts:
    quoted = name.replace("\\", "").replace('"', "")
    sender = f'"{quoted}" <{email}>' if quoted else email
    return MessageFacts(from_=sender, to="rep@example-export.com",
                        message_id=f"<eval-{number}@mailmatrix.test>",
                        date="Thu, 26 Nov 2026 08:15:00 +0000")


def _remember(truth: dict[str, int], email: str, cluster: int) -> None:
    with contextlib.suppress(InvalidAddress):
        truth.setdefault(canonical_address(email).address, cluster)


def evaluate(database: Database, tenant_id: int, truth: dict[str, int]) -> dict[str, object]:
    with database.session(tenant_id) as session:
        person_of = {row.canonical: row.person_id for row in session.scalars(select(Address))}
        id_of = {row.id: row.canonical for row in session.scalars(select(Address))}
        suggested = {(id_of[s.address_id], s.person_id) for s in session.scalars(
            select(Suggestion).where(Suggestion.state == "open"))}
    members: dict[int, set[str]] = defaultdict(set)
    for canonical, person in person_of.items():
        members[person].add(canonical)
    known = sorted(address for address in person_of if address in truth)
    auto_pairs, suggested_pairs, true_pairs = set(), set(), set()
    for a, b in combinations(known, 2):
        same_truth = truth[a] == truth[b]
        if same_truth:
            true_pairs.add((a, b))
        if person_of[a] is not None and person_of[a] == person_of[b]:
            auto_pairs.add((a, b))
    for address, person in suggested:
        for other in members.get(person, ()):
            if address in truth and other in truth and address != other:
                suggested_pairs.add(tuple(sorted((address, other))))
    both = auto_pairs | suggested_pairs
    false_merges = [(a, b) for a, b in auto_pairs if truth[a] != truth[b]]
    return {
        "addresses": len(known), "true pairs": len(true_pairs),
        "auto precision": _ratio(len(auto_pairs & true_pairs), len(auto_pairs)),
        "auto recall": _ratio(len(auto_pairs & true_pairs), len(true_pairs)),
        "auto+suggested precision": _ratio(len(both & true_pairs), len(both)),
        "auto+suggested recall": _ratio(len(both & true_pairs), len(true_pairs)),
        "suggestion precision": _ratio(len(suggested_pairs & true_pairs), len(suggested_pairs)),
        "suggested pairs": len(suggested_pairs), "auto pairs": len(auto_pairs),
        "false merges": len(false_merges),
        "missed pairs": len(true_pairs - both),
        "worst false merges": [f"{a} + {b}" for a, b in false_merges[:5]],
    }


def _ratio(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 1.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    facts, truth = messages(load_clusters(args.data), args.seed)
    with tempfile.TemporaryDirectory() as folder:
        database = Database(f"sqlite:///{folder}/eval.sqlite3")
        database.upgrade()
        principal = local_principal(database, "rep@example-export.com")
        for item in facts:
            observe(database, principal, item)
        result = evaluate(database, principal.tenant_id, truth)
        database.dispose()
    print(f"{len(facts)} messages from {len(set(truth.values()))} identities (confusers "
          "included)")
    print("| measure | value |")
    print("|---|---:|")
    for key, value in result.items():
        print(f"| {key} | {value} |")


if __name__ == "__main__":
    main()
