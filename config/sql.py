"""``Constant``: a value written into a statement's text instead of bound as a parameter.

Statements are prepared by the server (``prepare_threshold``), and PostgreSQL keeps one plan for a
prepared statement (a generic plan) only when that plan costs no more than the plans it makes for
the values of each execution. A partial index (``… WHERE status = 'open'``) can serve a generic
plan only if its condition's constant is in the statement's text: with the status bound as a
parameter, the claim lists' query was planned again at every request (2.3 ms of the database's
CPU each time, more than running it). ``filter(status=Constant(Status.OPEN))`` writes
``status = 'open'``.

Only plain constants of the code (a choice's value, a small integer): letters, digits and
``_ . -`` for text, so nothing written into the SQL can need quoting.
"""

from __future__ import annotations

import re

from django.db.models import BooleanField, CharField, Expression, IntegerField

_PLAIN_TEXT = re.compile(r"[A-Za-z0-9_.\-]*")


class Constant(Expression):
    """A text, integer or boolean constant written into the SQL."""

    def __init__(self, value, output_field=None):
        if isinstance(value, bool):
            sql, field = ("true" if value else "false"), BooleanField()
        elif isinstance(value, int):
            sql, field = str(int(value)), IntegerField()
        elif isinstance(value, str) and _PLAIN_TEXT.fullmatch(value):
            sql, field = f"'{value}'", CharField()
        else:
            raise ValueError(f"{value!r} cannot be written into SQL as a constant.")
        super().__init__(output_field=output_field or field)
        self.value = value
        self._sql = sql

    def __repr__(self) -> str:
        return f"Constant({self.value!r})"

    def as_sql(self, compiler, connection):
        return self._sql, []
