"""as_plain: dataclasses to plain dicts and lists, leaves shared, shapes kept."""

from __future__ import annotations

from collections import OrderedDict, namedtuple
from dataclasses import asdict, dataclass, field

from mailmatrix.plain_data import as_plain


@dataclass(frozen=True)
class Inner:
    name: str
    score: float | None = None


@dataclass(frozen=True)
class Outer:
    items: tuple[Inner, ...]
    tags: list[str] = field(default_factory=list)
    params: dict[str, object] = field(default_factory=dict)
    flag: bool = False


def test_nested_dataclasses_become_what_asdict_makes() -> None:
    value = Outer((Inner("Li Wei", 0.5), Inner("王伟")), ["a"], {"inner": Inner("x"), "n": 3},
                  True)
    assert as_plain(value) == asdict(value)
    assert isinstance(as_plain(value)["items"], tuple)
    assert isinstance(as_plain(value)["tags"], list)


def test_subclasses_of_containers_become_plain_ones() -> None:
    Pair = namedtuple("Pair", "left right")
    assert as_plain(Pair(Inner("a"), 2)) == ({"name": "a", "score": None}, 2)
    assert as_plain(OrderedDict(one=Inner("b"))) == {"one": {"name": "b", "score": None}}
