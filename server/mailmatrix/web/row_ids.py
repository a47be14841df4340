"""``<id:...>`` in routes: a row id as the database can hold it (1 to 2**31 - 1, PostgreSQL's
integer), so a huge number in a path is a 404, not a database error."""

from __future__ import annotations

from typing import Any

from werkzeug.routing import IntegerConverter

from mailmatrix.customers.models import MAX_ROW_ID


class RowId(IntegerConverter):
    def __init__(self, url_map: Any) -> None:
        super().__init__(url_map, min=1, max=MAX_ROW_ID)
