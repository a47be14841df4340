"""Notes on persons and companies: plain text, length-limited, private to the author or
visible to the team. Templates and cards escape them like everything else."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import Session

from mailmatrix.auth.principal import Principal
from mailmatrix.customers.audit import record_change
from mailmatrix.customers.db import Database, iso_utc
from mailmatrix.customers.errors import DecisionError, NotFound
from mailmatrix.customers.models import Company, Note, Person, User
from mailmatrix.customers.scoping import of_tenant, run_bound, tenant_bound

MAX_NOTE = 2000  # characters: a note, not a document
VISIBILITIES = ("team", "private")


@dataclass(frozen=True)
class NoteView:
    id: int
    text: str
    visibility: str
    author: str
    mine: bool
    created_at: str


def add_note(database: Database, principal: Principal, text: str, *, person_id: int | None = None,
             company_id: int | None = None, visibility: str = "team") -> int:
    """A note on exactly one person or company of the caller's tenant (who may note on a
    person under the owner policy is the panel's actions' check)."""
    cleaned = clean_note(text)
    if visibility not in VISIBILITIES:
        raise DecisionError(f"visibility must be one of {', '.join(VISIBILITIES)}")
    if (person_id is None) == (company_id is None):
        raise DecisionError("a note is about one person or one company")
    with database.session(principal.tenant_id) as session:
        # "is not None": id 0 is no row, but it is the person asked for
        kind, subject, subject_id = ("person", Person, person_id) if person_id is not None \
            else ("company", Company, company_id)
        row = session.get(subject, subject_id)
        if row is None or row.tenant_id != principal.tenant_id:
            raise NotFound(f"no {kind} {subject_id}")
        now = datetime.now(UTC)
        note = Note(person_id=person_id, company_id=company_id, author_user_id=principal.user_id,
                    visibility=visibility, text=cleaned, created_at=now, updated_at=now)
        session.add(note)
        session.flush()
        record_change(session, principal, "add-note", kind, subject_id, {},
                      {"note_id": note.id, "visibility": visibility, "text": cleaned})
        return note.id


def delete_note(database: Database, principal: Principal, note_id: int) -> None:
    """Only the author (or an admin) removes a note."""
    with database.session(principal.tenant_id) as session:
        note = session.get(Note, note_id)
        if note is None or note.tenant_id != principal.tenant_id or not _visible(note, principal):
            raise NotFound(f"no note {note_id}")
        if note.author_user_id != principal.user_id and principal.role != "admin":
            raise DecisionError("only its author or an admin can remove a note")
        kind, subject_id = ("person", note.person_id) if note.person_id else \
            ("company", note.company_id)
        record_change(session, principal, "delete-note", kind, subject_id or 0,
                      {"note_id": note.id, "visibility": note.visibility, "text": note.text}, {})
        session.delete(note)


def notes_about(session: Session, principal: Principal, person_id: int | None,
                company_id: int | None) -> tuple[NoteView, ...]:
    """The notes the caller may read on a person and its company, newest first."""
    if person_id is None and company_id is None:
        return ()
    found = run_bound(session, _NOTES_ABOUT, {"tenant": principal.tenant_id,
                                              "person": person_id, "company": company_id,
                                              "user": principal.user_id})
    return tuple(NoteView(id=note.id, text=note.text, visibility=note.visibility,
                          author=note.author_name or note.author_email,
                          mine=note.author_user_id == principal.user_id,
                          created_at=iso_utc(note.created_at) or "")
                 for note in found)


def clean_note(text: str) -> str:
    """Plain text: control characters out (tabs and line breaks stay), trimmed, limited."""
    kept = "".join(ch for ch in text if ch in "\n\t" or ch.isprintable())
    cleaned = kept.strip()
    if not cleaned:
        raise DecisionError("a note needs some text")
    if len(cleaned) > MAX_NOTE:
        raise DecisionError(f"a note holds at most {MAX_NOTE} characters")
    return cleaned


def _visible(note: Note, principal: Principal) -> bool:
    return note.visibility == "team" or note.author_user_id == principal.user_id


# Built once: building it per profile cost about as much as running it
_NOTES_ABOUT = tenant_bound(
    select(Note.__table__, User.display_name.label("author_name"),
           User.email.label("author_email"))
    .join(User, (User.id == Note.author_user_id) & of_tenant(User.tenant_id))
    .where(of_tenant(Note.tenant_id),
           or_(Note.person_id == bindparam("person"), Note.company_id == bindparam("company")),
           or_(Note.visibility == "team", Note.author_user_id == bindparam("user")))
    .order_by(Note.created_at.desc(), Note.id.desc()).limit(50))
