"""Lookalike domains: does an unknown domain imitate a customer's domain or a big mail provider's?

``LookalikeIndex`` holds the tenant's known domains plus the well-known free-mail providers and
answers ``check(domain)`` without comparing against every known domain. Each known domain's owner
label (``acme-gmbh`` of ``acme-gmbh.de``) is filed under a few exact keys:

- its visual key (``lookalike_keys.visual_key``) and each one-deletion of it: deleting one
  character of the checked label and looking the results up finds every known label within one
  edit (the symmetric-deletion idea of SymSpell); deleting two neighbouring characters finds
  two-letter look-alikes of one letter (``nn`` for ``m``) in long labels;
- for labels of 6+ letters a coarse key merging similar letters (``m``/``n``), so two such swaps
  are found too;
- the key without hyphens (hyphenation, ``acme-sales``), and with the suffix appended (``acmede``
  for ``acme-de.com``, a TLD moved into the name).

Each candidate found is verified with a real distance (rapidfuzz) and the length rules: a name
of up to 3 letters matches only on identical looks or one replaced letter, one of 4 letters not
on a dropped letter, two edits need a long name. Posting lists hold small ints rather than
strings, to stay small at 100,000 domains.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache

from rapidfuzz.distance import OSA, Levenshtein

from mailmatrix.addresses.domains import ascii_domain, registrable_domain, unicode_domain
from mailmatrix.addresses.errors import InvalidAddress
from mailmatrix.addresses.lookalike_keys import (
    KEYBOARD_NEIGHBOURS,
    LURE_WORDS,
    MAJOR_PROVIDERS,
    SIMILAR_PAIRS,
    coarse_key,
    deletes,
    flat,
    free_mail_domains,
    glyph_reasons,
    pair_deletes,
    visual_key,
)

TECHNIQUES = (
    "homoglyph", "punycode", "typo", "transposition", "bitflip", "tld-swap", "hyphenation",
    "word-insertion", "subdomain",
)

# Length rules, on the visual key of the imitated label: one changed letter in "hp" makes another
# name, in "rwth-aachen" it is easy to miss.
SHORT = 3  # up to this: identical looks, or one letter replaced
NO_OMISSION = 4  # up to this: no dropped letter (atos -> ats is just another short name)
TWO_SIMILAR = 6  # from this: two substitutions of similar letters (m/n, c/e)
TWO_EDITS = 9  # from this: two edits next to each other
TOKEN_MIN = 4  # a known name as a hyphen-separated part: acme-sales.de
WORD_FREE = 10  # a known name this long may come with any added word, not only lure words
PROVIDER_MIN = 5  # shorter provider names (aol, live) only match similar-looking letters,
# and are never looked for inside longer names: mail, web and live are plain words
SUBDOMAIN_MIN = 5  # a known name as a subdomain label: acme-gmbh.secure-mail.net

# Tiers of protected domains: the tenant's own and the major providers get every rule; the long
# tail of the free-mail list (often near-duplicates of one another) only identical looks.
_TENANT, _MAJOR, _TAIL = 0, 1, 2

GLUED_LURE_SIZES = sorted({len(word) for word in LURE_WORDS if len(word) > 2})
_DIGITS = "0123456789"
_LDH_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")


@dataclass(frozen=True)
class LookalikeMatch:
    domain: str  # the checked domain as given (normalized lowercase U-label)
    lookalike_of: str  # the known domain it imitates
    technique: str  # one of TECHNIQUES
    score: float  # 0..1, higher = more convincing imitation
    reasons: tuple[str, ...]  # human-readable


@dataclass(frozen=True)
class DomainName:
    """A domain split the way lookalike detection needs it."""

    text: str  # U-label form of the whole name
    registrable: str
    label: str  # owner label: acme-gmbh of mail.acme-gmbh.de
    suffix: str  # public suffix (private section included): de, co.uk, com.de
    subdomains: tuple[str, ...]
    punycode: bool  # given as an A-label (xn--), as raw headers show it


def parse_domain(domain: object) -> DomainName:
    """Validate and split a domain; anything unusable raises InvalidAddress, nothing else."""
    if not isinstance(domain, str):
        raise InvalidAddress("a domain must be text", repr(domain))
    if "@" in domain:
        raise InvalidAddress("expected a domain, not an address: use the part after '@'", domain)
    try:
        ascii_form = ascii_domain(domain)
        if len(ascii_form) > 253:
            raise InvalidAddress("domain is longer than 253 characters", domain)
        for label in ascii_form.split("."):
            if not _LDH_LABEL.fullmatch(label):
                raise InvalidAddress(f"{label!r} is not a valid domain label", domain)
        text = unicode_domain(ascii_form)
        registrable = registrable_domain(text)
    except InvalidAddress:
        raise
    except (ValueError, UnicodeError) as error:  # idna and punycode codec errors
        raise InvalidAddress(f"not a valid domain: {error}", domain) from None
    if registrable is None or "." not in registrable:
        raise InvalidAddress("not a registrable domain (a public suffix or one label)", domain)
    label, suffix = registrable.split(".", 1)  # registrable = owner label + public suffix
    return DomainName(
        text=text,
        registrable=registrable,
        label=label,
        suffix=suffix,
        subdomains=tuple(text[: -len(registrable) - 1].split(".")) if text != registrable else (),
        punycode=domain.isascii() and "xn--" in ascii_form,
    )


def _near_variants(label: str, key: str) -> set[str]:
    """The keys a near name is posted under: one deletion from the visual key (two for long
    names), and the plain typos of a name that folding changed."""
    variants = deletes(key)
    if label != key and label.isascii():
        variants |= {label, *deletes(label)}
    if len(key) > TWO_EDITS:
        variants |= pair_deletes(key)
    return variants


@cache
def _default_well_known() -> LookalikeIndex:
    """The major providers and the free-mail list, indexed once per process."""
    layer = LookalikeIndex((), well_known=())
    for domain in MAJOR_PROVIDERS:
        layer._add(parse_domain(domain), _MAJOR)
    for domain in sorted(free_mail_domains()):
        try:
            layer._add(parse_domain(domain), _TAIL)
        except InvalidAddress:
            continue  # a malformed entry in the package list protects nothing
    layer._freeze()
    return layer


# Posting lists: one id is stored as a bare int; several as a list while building, a tuple after.
def _post(index: dict, key: str, id_: int) -> None:
    current = index.get(key)
    if current is None:
        index[key] = id_
    elif type(current) is int:
        index[key] = [current, id_]
    elif type(current) is tuple:  # frozen by the build; a later add() extends it
        index[key] = (*current, id_)
    else:
        current.append(id_)


def _freeze(index: dict) -> None:
    for key, ids in index.items():
        if type(ids) is list:
            index[key] = tuple(ids)


def _lookup(index: dict, key: str) -> tuple[int, ...]:
    hit = index.get(key)
    if hit is None:
        return ()
    return (hit,) if type(hit) is int else hit


def _is_bitflip(a: str, b: str) -> bool:
    flipped = ord(a) ^ ord(b)
    return flipped & (flipped - 1) == 0


def _edit_score(length: int, distance: int) -> float:
    # the same typo is easier to miss in a long name than in a short one
    return round(min(0.9, 0.5 + 0.05 * length) - 0.15 * (distance - 1), 2)


class LookalikeIndex:
    """Known domains, indexed to answer "which of them does this domain imitate, and how?"."""

    def __init__(
        self,
        known_domains: Iterable[str],
        *,
        same_company: Iterable[Iterable[str]] = (),
        well_known: Iterable[str] | None = None,
    ) -> None:
        self._domains: list[str] = []  # registrable domain by id
        self._suffixes: list[str] = []  # its public suffix (one shared string per suffix)
        self._keys: list[str] = []  # visual key of its owner label
        self._tier = bytearray()
        self._ids: dict[str, int] = {}
        self._near: dict = {}  # visual key and its one-deletions -> ids
        self._coarse: dict = {}  # coarse key of labels of TWO_SIMILAR+ letters -> ids
        self._flat: dict = {}  # visual key without hyphens -> ids
        self._flat_suffix: dict = {}  # the same with the suffix letters appended -> ids
        self._local = threading.local()
        # The default well-known domains (thousands) are one layer shared by every index of
        # the process: a tenant's index holds only its own domains.
        self._well_known: LookalikeIndex | None = None
        for domain in known_domains:
            self._add(_parse_known(domain), _TENANT)
        # Domains the tenant linked to one company are that company's own: protected like the
        # known ones, and never lookalikes of each other (an indexed domain never is).
        for group in same_company:
            for domain in group:
                self._add(_parse_known(domain), _TENANT)
        if well_known is None:
            self._well_known = _default_well_known()
        else:
            for domain in well_known:
                self._add(_parse_known(domain), _MAJOR)
        self._freeze()

    def _freeze(self) -> None:
        for index in (self._near, self._coarse, self._flat, self._flat_suffix):
            _freeze(index)

    def _add(self, name: DomainName, tier: int) -> None:
        existing = self._ids.get(name.registrable)
        if existing is not None:
            self._tier[existing] = min(self._tier[existing], tier)
            return
        id_ = len(self._domains)
        key = visual_key(name.label)
        self._ids[name.registrable] = id_
        self._domains.append(name.registrable)
        self._suffixes.append(_SUFFIXES.setdefault(name.suffix, name.suffix))
        self._keys.append(key)
        self._tier.append(tier)
        _post(self._near, key, id_)
        variants = deletes(key)
        if name.label != key and name.label.isascii():
            # plain typos of a name that folding changed (climate -> dimate): alimate
            variants |= {name.label, *deletes(name.label)} - {key}
        for variant in variants:
            _post(self._near, variant, id_)
        if len(key) >= TWO_SIMILAR:
            _post(self._coarse, coarse_key(key), id_)
        _post(self._flat, flat(key), id_)
        _post(self._flat_suffix, flat(key) + name.suffix.replace(".", ""), id_)

    def add(self, domain: str) -> None:
        """Protect one more customer domain, without rebuilding the index."""
        self._add(_parse_known(domain), _TENANT)

    def __len__(self) -> int:
        """How many registrable domains are protected (known, linked and well-known)."""
        shared = self._well_known
        if shared is None:
            return len(self._domains)
        return len(self._domains) + len(shared) - sum(domain in shared._ids
                                                      for domain in self._domains)

    def candidates_examined(self) -> int:
        """How many known domains the last ``check`` in this thread compared the domain with."""
        return getattr(self._local, "examined", 0)

    def check(self, domain: str) -> LookalikeMatch | None:
        """The known domain that ``domain`` imitates (the most convincing match), or None.

        A known or well-known domain, or a subdomain of one, belongs to its owner: None.
        Raises InvalidAddress for anything that is not a usable domain name.
        """
        self._local.examined = 0
        name = parse_domain(domain)
        layers = [self] if self._well_known is None else [self, self._well_known]
        if any(name.registrable in layer._ids for layer in layers):
            return None
        key = visual_key(name.label)
        variants = _near_variants(name.label, key)
        best: LookalikeMatch | None = None
        examined = 0
        for layer in layers:  # the tenant's own first: it wins a tie, as its tier does
            seen: set[int] = set()
            for match in layer._matches(name, key, variants, seen):
                if best is None or match.score > best.score:
                    best = match
            examined += len(seen)
        self._local.examined = examined
        return best

    def _matches(self, name: DomainName, key: str, variants: set[str],
                 examined: set[int]) -> Iterator[LookalikeMatch]:
        for id_ in self._near_candidates(key, variants):
            if id_ not in examined:
                examined.add(id_)
                match = self._compare(name, key, id_)
                if match is not None:
                    yield match
        yield from self._built_around(name, key, examined)
        if name.subdomains:
            yield from self._subdomain_tricks(name, examined)

    def _near_candidates(self, key: str, variants: set[str]) -> Iterator[int]:
        near = self._near
        yield from _lookup(near, key)
        for variant in variants:
            hit = near.get(variant)
            if hit is not None:
                yield from (hit,) if type(hit) is int else hit
        if len(key) >= TWO_SIMILAR:
            yield from _lookup(self._coarse, coarse_key(key))

    # -- one candidate: same name with other letters ---------------------------------------------

    def _label(self, id_: int) -> str:
        return self._domains[id_][: -len(self._suffixes[id_]) - 1]

    def _match(self, name: DomainName, id_: int, technique: str, score: float,
               reasons: list[str]) -> LookalikeMatch:
        if technique == "homoglyph" and name.punycode and not name.label.isascii():
            technique = "punycode"
            shown = f"{ascii_domain(name.text)} is shown as {name.text} by mail clients"
            reasons = [shown, *reasons]
        return LookalikeMatch(name.text, self._domains[id_], technique, round(score, 2),
                              tuple(reasons))

    def _glyphs(self, name: DomainName, id_: int) -> list[str]:
        known = self._domains[id_]
        return [f"{reason} in {known}" for reason in glyph_reasons(name.label, self._label(id_))]

    def _compare(self, name: DomainName, key: str, id_: int) -> LookalikeMatch | None:
        known_key, tier, known_suffix = self._keys[id_], self._tier[id_], self._suffixes[id_]
        length = len(known_key)
        if name.suffix != known_suffix:
            # under another suffix only an identical-looking name is an imitation
            if key != known_key or tier == _TAIL or (tier == _MAJOR and length < PROVIDER_MIN):
                return None
            known_label = self._label(id_)
            if name.label == known_label:
                reason = f"same name '{known_label}' under .{name.suffix} instead of " \
                         f".{known_suffix} ({self._domains[id_]})"
                return self._match(name, id_, "tld-swap", 0.85 if length > SHORT else 0.75,
                                   [reason])
            moved = f"under .{name.suffix} instead of .{known_suffix}"
            return self._match(name, id_, "homoglyph", 0.8, [*self._glyphs(name, id_), moved])
        if key == known_key:
            score = 0.95 if name.label.isascii() else 0.97
            reasons = self._glyphs(name, id_) or [f"looks the same as {self._domains[id_]}"]
            return self._match(name, id_, "homoglyph", score, reasons)
        if tier == _TAIL:
            return None
        known_label = self._label(id_)
        # compare the looks, or the spelling when folding made a plain typo look bigger
        a, b = key, known_key
        distance = OSA.distance(a, b, score_cutoff=2)
        if (name.label != key or known_label != known_key) and name.label.isascii():
            plain = OSA.distance(name.label, known_label, score_cutoff=2)
            if plain < distance:
                a, b, distance = name.label, known_label, plain
        if distance > 2:
            return None
        similar = len(a) == len(b) and coarse_key(a) == coarse_key(b)
        if tier == _MAJOR and length < PROVIDER_MIN:
            # every neighbour of aol, msn or live is some real company (mtn.com): only a
            # similar-looking letter counts
            if not (similar and distance == 1):
                return None
        elif not _close_enough(length, distance, a, b, similar):
            return None
        technique, edits = _classify(a, b, distance)
        if technique == "typo" and similar:
            technique = "homoglyph"
        score = 0.9 - 0.05 * distance if technique == "homoglyph" else _edit_score(length, distance)
        reasons = [*self._glyphs(name, id_), f"{edits} compared with {self._domains[id_]}"]
        return self._match(name, id_, technique, score, reasons)

    # -- names built around a known name -----------------------------------------------------

    def _embeddable(self, id_: int, run: str, extra: list[str]) -> bool:
        """May the known name ``run`` be found inside a longer name, with ``extra`` words added?"""
        tier = self._tier[id_]
        if tier == _TAIL or len(run) < (PROVIDER_MIN if tier == _MAJOR else TOKEN_MIN):
            return False
        if len(run) >= WORD_FREE:
            return True
        return all(word in LURE_WORDS or word.isdigit() for word in extra)

    def _built_around(self, name: DomainName, key: str,
                      examined: set[int]) -> Iterator[LookalikeMatch]:
        joined = flat(key)
        # the known suffix moved into the name: acmede.com, acme-de.com
        for id_ in _lookup(self._flat_suffix, joined):
            examined.add(id_)
            if self._tier[id_] != _TAIL:
                known = self._domains[id_]
                reason = f"'{name.label}' is {known} with its suffix moved into the name"
                yield self._match(name, id_, "tld-swap", 0.8, [reason])
        # only hyphens differ: ac-me.de, acmegmbh.de for acme-gmbh.de
        for id_ in _lookup(self._flat, joined):
            examined.add(id_)
            if self._tier[id_] != _TAIL and self._suffixes[id_] == name.suffix:
                reason = f"'{name.label}' is '{self._label(id_)}' with hyphens changed " \
                         f"({self._domains[id_]})"
                yield self._match(name, id_, "hyphenation", 0.85, [reason])
        # a known name as a run of hyphen-separated parts: acme-sales.de, acme-gmbh-de.com
        parts = key.split("-")
        runs = [(parts[start:end], parts[:start] + parts[end:])
                for start in range(len(parts)) for end in range(start + 1, len(parts) + 1)
                if end - start < len(parts)]
        # a known name glued to a lure word or a number: acmesales.de, acme2024.de (the plain
        # spelling too: folding turns the 0 of 2024 into an o)
        for glued in {joined, flat(name.label)} if name.label.isascii() else (joined,):
            for size in GLUED_LURE_SIZES:
                if len(glued) - size >= TOKEN_MIN:
                    if glued[-size:] in LURE_WORDS:
                        runs.append(([glued[:-size]], [glued[-size:]]))
                    if glued[:size] in LURE_WORDS:
                        runs.append(([glued[size:]], [glued[:size]]))
            for run in (glued.rstrip(_DIGITS), glued.lstrip(_DIGITS)):
                if TOKEN_MIN <= len(run) < len(glued):
                    runs.append(([run], [glued.replace(run, "", 1)]))
        for run_parts, extra in runs:
            run = "".join(run_parts)
            for id_ in _lookup(self._flat, run):
                examined.add(id_)
                if not self._embeddable(id_, run, extra):
                    continue
                known, suffix = self._domains[id_], self._suffixes[id_]
                if extra == suffix.split("."):
                    reason = f"'{name.label}' is {known} with its suffix moved into the name"
                    yield self._match(name, id_, "tld-swap", 0.8, [reason])
                    continue
                words = ", ".join(f"'{word}'" for word in extra)
                score = 0.75 if suffix == name.suffix else 0.65
                yield self._match(name, id_, "word-insertion", score,
                                  [f"{known} with {words} added"])

    def _subdomain_tricks(self, name: DomainName,
                          examined: set[int]) -> Iterator[LookalikeMatch]:
        subs = name.subdomains[-8:]  # a phishing name needs no more; bounds the work
        # a known domain spelled out in front of another: acme.de.secure-mail.net
        for start in range(len(subs)):
            for end in range(start + 2, len(subs) + 1):
                id_ = self._ids.get(".".join(subs[start:end]))
                if id_ is not None and self._tier[id_] != _TAIL:
                    examined.add(id_)
                    reason = f"{self._domains[id_]} is only a subdomain of {name.registrable}"
                    yield self._match(name, id_, "subdomain", 0.9, [reason])
        # a dot put inside the known name: ac.me.de for acme.de
        for count in (1, 2):
            joined = "".join(subs[-count:]) + name.label + "." + name.suffix
            id_ = self._ids.get(joined) if count <= len(subs) else None
            if id_ is not None and self._tier[id_] != _TAIL:
                examined.add(id_)
                reason = f"{name.text} splits {self._domains[id_]} with a dot"
                yield self._match(name, id_, "subdomain", 0.8, [reason])
        # the known name, or name plus suffix, as a subdomain label: acme-gmbh.secure-mail.net
        for sub in subs:
            sub_key = flat(visual_key(sub))
            for index in (self._flat, self._flat_suffix):
                for id_ in _lookup(index, sub_key):
                    examined.add(id_)
                    if self._tier[id_] == _TAIL or len(self._keys[id_]) < SUBDOMAIN_MIN:
                        continue
                    reason = f"'{sub}' names {self._domains[id_]} in a subdomain of " \
                             f"{name.registrable}"
                    yield self._match(name, id_, "subdomain", 0.7, [reason])


_SUFFIXES: dict[str, str] = {}  # one string object per public suffix, shared by all indexes


def _parse_known(domain: str) -> DomainName:
    try:
        return parse_domain(domain)
    except InvalidAddress as error:
        raise InvalidAddress(f"known domain {domain!r}: {error.reason}", str(domain)) from None


def _close_enough(length: int, distance: int, label: str, known: str, similar: bool) -> bool:
    """The length rules, on the imitated label: the shorter the name, the closer the match."""
    if distance == 2:
        return (similar and length >= TWO_SIMILAR) or length >= TWO_EDITS
    if length <= SHORT:
        # ibm: one letter replaced, and only by a look-alike, a neighbouring key or a flipped
        # bit. Every other neighbour of a three-letter name is some other real organisation
        # (uci.edu and ucf.edu).
        if len(label) != len(known):
            return False
        changed = [(x, y) for x, y in zip(known, label, strict=True) if x != y]
        return len(changed) == 1 and (
            similar or changed[0] in KEYBOARD_NEIGHBOURS or _is_bitflip(*changed[0]))
    if length <= NO_OMISSION:  # atos: one letter replaced, added or swapped, not dropped
        return len(label) >= len(known)
    return True


def _classify(label: str, known_label: str, distance: int) -> tuple[str, str]:
    """Name the edit that turns the known label into the checked one, and describe it."""
    ops = Levenshtein.editops(known_label, label)
    if distance == 1 and len(ops) == 2:
        i = ops[0].src_pos
        return "transposition", f"'{label[i:i + 2]}' swapped from '{known_label[i:i + 2]}'"
    if len(ops) == 1 and ops[0].tag == "replace":
        was, now = known_label[ops[0].src_pos], label[ops[0].dest_pos]
        if (was, now) in SIMILAR_PAIRS:
            return "homoglyph", f"'{now}' looks like '{was}'"
        if _is_bitflip(was, now):
            return "bitflip", f"'{now}' is '{was}' with one bit flipped"
    words = []
    for op in ops:
        if op.tag == "replace":
            words.append(f"'{label[op.dest_pos]}' instead of '{known_label[op.src_pos]}'")
        elif op.tag == "insert":
            words.append(f"extra '{label[op.dest_pos]}'")
        else:
            words.append(f"missing '{known_label[op.src_pos]}'")
    changed = {label[op.dest_pos] for op in ops if op.tag == "insert"}
    changed |= {known_label[op.src_pos] for op in ops if op.tag == "delete"}
    technique = "hyphenation" if changed == {"-"} and len(ops) == distance else "typo"
    return technique, ", ".join(words)
