"""User decisions are final and reversible: rules never override them; undo restores exactly."""

from __future__ import annotations

import warnings
from datetime import UTC, datetime

import pytest
from sqlalchemy import select, update

from mailmatrix.auth.principal import Principal
from mailmatrix.customers.db import Database
from mailmatrix.customers.decisions import (
    DecisionError,
    confirm_link,
    join_company_domain,
    label_address,
    pin_primary,
    reject_link,
    set_formal_channel,
    undo,
)
from mailmatrix.customers.errors import NotFound
from mailmatrix.customers.facts import MessageFacts
from mailmatrix.customers.models import (
    Address,
    AuditEvent,
    Company,
    LinkDecision,
    Person,
    Suggestion,
)
from mailmatrix.customers.notes import add_note
from mailmatrix.customers.observe import observe
from mailmatrix.customers.profile import profile
from mailmatrix.customers.tenants import ensure_tenant, ensure_user

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


@pytest.fixture
def rep(database: Database) -> Principal:
    tenant = ensure_tenant(database, "local", "example-export.com")
    return ensure_user(database, tenant, "rep@example-export.com",
                       email="rep@example-export.com")


def seen(database: Database, rep: Principal, number: int, from_: str, subject: str = "") -> None:
    observe(database, rep, MessageFacts(from_=from_, to="rep@example-export.com",
                                        message_id=f"<d{number}@test>", subject=subject,
                                        date="Thu, 26 Nov 2026 08:15:00 +0100"), now=NOW)


def state(database: Database, rep: Principal, canonical: str) -> tuple:
    with database.session(rep.tenant_id) as session:
        row = session.scalars(select(Address).where(Address.canonical == canonical)).one()
        suggestions = sorted((s.person_id, s.state) for s in session.scalars(
            select(Suggestion).where(Suggestion.address_id == row.id)))
        return row.person_id, row.link_state, row.link_rule, suggestions


def corporate_person(database: Database, rep: Principal) -> int:
    with database.session(rep.tenant_id) as session:
        return session.scalars(select(Address.person_id).where(
            Address.canonical == "li.wei@acme-gmbh.de")).one()


@pytest.fixture
def two_identities(database: Database, rep: Principal) -> int:
    seen(database, rep, 1, "Li Wei <li.wei@acme-gmbh.de>", "PO 4411")
    seen(database, rep, 2, "Li Wei <liwei.private@gmail.com>")
    return corporate_person(database, rep)


def test_confirmed_link_joins_the_person_and_survives_reingest(database, rep, two_identities
                                                               ) -> None:  # noqa: ANN001
    confirm_link(database, rep, "liwei.private@gmail.com", two_identities, "same mobile")
    seen(database, rep, 3, "Someone Else <liwei.private@gmail.com>")
    person_id, link_state, _, suggestions = state(database, rep, "liweiprivate@gmail.com")
    assert (person_id, link_state) == (two_identities, "confirmed")
    assert suggestions == [(two_identities, "accepted")]


def test_the_person_an_address_leaves_keeps_no_primary_pointing_at_it(
        database, rep, two_identities) -> None:  # noqa: ANN001
    with database.session(rep.tenant_id) as session:
        left = session.scalars(select(Address.person_id).where(
            Address.canonical == "liweiprivate@gmail.com")).one()
    pin_primary(database, rep, left, "liwei.private@gmail.com")  # even a pin lets go
    confirm_link(database, rep, "liwei.private@gmail.com", two_identities)
    with database.session(rep.tenant_id) as session:
        emptied = session.get(Person, left)
        assert (emptied.primary_address_id, emptied.primary_raw, emptied.primary_pinned) == (
            None, None, False)


def test_rejected_suggestion_is_never_made_again(database, rep, two_identities) -> None:  # noqa: ANN001
    reject_link(database, rep, "liwei.private@gmail.com", two_identities, "different person")
    seen(database, rep, 4, "Li Wei <liwei.private@gmail.com>")
    *_, suggestions = state(database, rep, "liweiprivate@gmail.com")
    assert suggestions == [(two_identities, "rejected")]


def test_undo_restores_the_previous_state_exactly(database, rep, two_identities) -> None:  # noqa: ANN001
    before = state(database, rep, "liweiprivate@gmail.com")
    decision = confirm_link(database, rep, "liwei.private@gmail.com", two_identities)
    assert state(database, rep, "liweiprivate@gmail.com") != before
    undone = undo(database, rep, decision)
    assert state(database, rep, "liweiprivate@gmail.com") == before
    with database.session(rep.tenant_id) as session:
        log = session.scalars(select(LinkDecision).order_by(LinkDecision.id)).all()
    assert [(d.decision, d.undoes_id) for d in log] == [("must-link", None), ("undo", decision)]
    assert log[-1].id == undone


def test_a_pinned_primary_wins_over_the_rules(database, rep, two_identities) -> None:  # noqa: ANN001
    confirm_link(database, rep, "liwei.private@gmail.com", two_identities)
    pin_primary(database, rep, two_identities, "liwei.private@gmail.com")
    seen(database, rep, 5, "Li Wei <li.wei@acme-gmbh.de>", "Contract")
    primary = profile(database, rep, "li.wei@acme-gmbh.de").primary
    assert (primary["address"], primary["reason"], primary["pinned"]) == (
        "liwei.private@gmail.com", "pinned by you", True)
    pin_primary(database, rep, two_identities, None)
    with database.session(rep.tenant_id) as session:
        assert session.get(Person, two_identities).primary_raw == "li.wei@acme-gmbh.de"


def test_every_user_edit_is_an_audit_event(database, rep, two_identities) -> None:  # noqa: ANN001
    label_address(database, rep, "li.wei@acme-gmbh.de", "office, for POs")
    decision = confirm_link(database, rep, "liwei.private@gmail.com", two_identities)
    undo(database, rep, decision)
    with database.session(rep.tenant_id) as session:
        actions = [e.action for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert actions == ["label", "must-link", "undo"]


def test_decisions_on_unknown_addresses_are_clear_errors(database, rep) -> None:  # noqa: ANN001
    with pytest.raises(DecisionError, match="not a known address"):
        confirm_link(database, rep, "nobody@acme-gmbh.de", 1)
    with pytest.raises(DecisionError, match="not an address"):
        label_address(database, rep, "not an address", "x")


def test_a_company_names_its_formal_channels_by_purpose(database, rep) -> None:  # noqa: ANN001
    seen(database, rep, 90, "Li Wei <li.wei@acme-gmbh.de>")
    seen(database, rep, 91, "purchasing@acme-gmbh.de")
    set_formal_channel(database, rep, "purchase order", "Purchasing@ACME-GmbH.de",
                       "li.wei@acme-gmbh.de")
    with database.session(rep.tenant_id) as session:
        (company,) = session.scalars(select(Company)).all()
        assert company.formal_channels == {"purchase order": "purchasing@acme-gmbh.de"}
    with pytest.raises(DecisionError, match="unknown purpose"):
        set_formal_channel(database, rep, "lunch", None, "li.wei@acme-gmbh.de")


def test_a_second_domain_joins_the_company_by_decision(database, rep) -> None:  # noqa: ANN001
    seen(database, rep, 92, "Li Wei <li.wei@acme-gmbh.de>")
    seen(database, rep, 93, "Tom <tom@acme-group.com>")
    join_company_domain(database, rep, "acme-group.com", "li.wei@acme-gmbh.de")
    with database.session(rep.tenant_id) as session:
        companies = {row.canonical: row.company_id for row in session.scalars(select(Address))}
    assert companies["tom@acme-group.com"] == companies["li.wei@acme-gmbh.de"]


def primary_of(database: Database, rep: Principal, person_id: int) -> str | None:
    with database.session(rep.tenant_id) as session:
        return session.get(Person, person_id).primary_raw


def test_the_primary_moves_to_the_address_used_more_for_formal_matters(
        database, rep, two_identities) -> None:  # noqa: ANN001
    confirm_link(database, rep, "liwei.private@gmail.com", two_identities, "same mobile")
    seen(database, rep, 20, "Li Wei <liwei.private@gmail.com>", "Invoice 2026-17")
    assert primary_of(database, rep, two_identities) == "li.wei@acme-gmbh.de"  # corporate
    with database.session(rep.tenant_id) as session:  # the company mailbox is given up
        session.execute(update(Address).where(Address.canonical == "li.wei@acme-gmbh.de")
                        .values(kind="personal"))
    for number in range(21, 24):
        seen(database, rep, number, "Li Wei <liwei.private@gmail.com>", "Invoice 2026-17")
    assert primary_of(database, rep, two_identities) == "liwei.private@gmail.com"
    for number in range(24, 30):  # its own use keeps the primary where it is
        seen(database, rep, number, "Li Wei <liwei.private@gmail.com>", "PO 4411")
    assert primary_of(database, rep, two_identities) == "liwei.private@gmail.com"


def test_the_primary_names_the_raw_form_the_customer_uses_most(database, rep) -> None:  # noqa: ANN001
    seen(database, rep, 30, "Li Wei <Li.Wei@acme-gmbh.de>", "PO 4411")
    (person_id,) = {state(database, rep, "li.wei@acme-gmbh.de")[0]}
    assert primary_of(database, rep, person_id) == "Li.Wei@acme-gmbh.de"
    seen(database, rep, 31, "Li Wei <li.wei@acme-gmbh.de>", "PO 4411")
    seen(database, rep, 32, "Li Wei <li.wei@acme-gmbh.de>", "PO 4411")
    assert primary_of(database, rep, person_id) == "li.wei@acme-gmbh.de"


def test_a_note_on_person_0_is_about_that_person_and_not_found(
        database: Database, rep: Principal) -> None:
    """Id 0 names no row, yet it is the person asked for (not "company None")."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # SQLAlchemy warns when asked for a row by no id
        with pytest.raises(NotFound, match="no person 0"):
            add_note(database, rep, "hello", person_id=0)
        with pytest.raises(NotFound, match="no company 0"):
            add_note(database, rep, "hello", company_id=0)
