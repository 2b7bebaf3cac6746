"""``Prepared``: a read on a hot path that the ORM builds and compiles once per connection.

Building and compiling a queryset costs far more Python than running its SQL (issue 17: most of a
settlement approval's time went there). A ``Prepared`` read is written as an ordinary queryset,
built once from placeholder values (``p.int("claim_id")``, ``p.text(...)``, ``p.date(...)``,
``p.datetime(...)``, ``p.ints(..., n)``, ``p.int32(...)`` for a 32-bit column) and compiled;
afterwards only its SQL runs, with the real values in the placeholders' places, and the rows
become what the queryset would give (model instances with their ``select_related`` objects and
annotations, ``values()`` dicts, ``values_list()`` tuples or flat values), through the
compiler's own converters.

The values must already be of the column's Python type (an ``int`` for a key, a ``date`` for a
date): they go to the driver as they are, as the ORM's own preparation would leave them. A
``select_for_update()`` read runs only inside a transaction, as with the ORM. Lists of values
are compiled once per length (``p.ints``).

``pipeline()``: the reads (and writes) sent inside go to PostgreSQL without waiting for each other's
answers (psycopg's pipeline mode), in order; ``Prepared.send`` gives a function that waits for its
own rows. Several reads that do not need each other's results thus cost one round trip; the server
still runs them one after the other (a read after a ``FOR UPDATE`` runs once the lock is held).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import F, QuerySet, Subquery
from django.db.models.lookups import Lookup
from django.db.models.query import (
    FlatValuesListIterable,
    ModelIterable,
    ValuesIterable,
    ValuesListIterable,
    get_related_populators,
)
from django.db.transaction import TransactionManagementError

_INT_BASE = 7_340_000_000_000_000  # far above any key; only ever compiled, never run
_INT32_BASE = 2_140_000_000  # the same for a 32-bit column (the ORM refuses larger values)


class _Placeholders:
    """Hands out unique values to build the queryset with and remembers which is which;
    ``ints(name)`` gives as many as the list ``name`` has values in this call."""

    def __init__(self, lengths: dict[str, int]) -> None:
        self.slots: dict[object, tuple[str, int | None]] = {}
        self._lengths = lengths

    def _new(self, value, name: str, index: int | None = None):
        self.slots[value] = (name, index)
        return value

    def int(self, name: str) -> int:
        return self._new(_INT_BASE + len(self.slots), name)

    def int32(self, name: str) -> int:
        """For a 32-bit integer column (e.g. the key of ``auth.User``)."""
        return self._new(_INT32_BASE + len(self.slots), name)

    def ints(self, name: str) -> list[int]:
        return [self._new(_INT_BASE + len(self.slots), name, index)
                for index in range(self._lengths[name])]

    def text(self, name: str) -> str:
        return self._new(f"\x00placeholder {len(self.slots)}\x00", name)

    def date(self, name: str) -> date:
        return self._new(date(1, 1, 1 + len(self.slots)), name)

    def datetime(self, name: str) -> datetime:
        """An aware datetime (a ``DateTimeField`` with USE_TZ takes it as it is)."""
        return self._new(datetime(1, 1, 1 + len(self.slots), tzinfo=UTC), name)


class _Compiled:
    def __init__(self, queryset: QuerySet, placeholders: _Placeholders, using: str) -> None:
        compiler = queryset.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        self.sql = sql
        self.params = list(params)
        self.slots: list[tuple[int, str, int | None]] = []
        found = set()
        for position, value in enumerate(self.params):
            if isinstance(value, int | str | date) and not isinstance(value, bool) \
                    and value in placeholders.slots:
                self.slots.append((position, *placeholders.slots[value]))
                found.add(value)
        if found != placeholders.slots.keys():
            raise ValueError(f"Not every placeholder reached the SQL of {queryset.model!r}: "
                             "a value the ORM transformed cannot be prepared.")
        self.model = queryset.model
        self.for_update = queryset.query.select_for_update
        self.compiler = compiler
        self.iterable = queryset._iterable_class
        self.fields = [column[0] for column in compiler.select[0:compiler.col_count]]
        self.converters = compiler.get_converters(self.fields)
        self.trim = compiler.col_count if compiler.has_extra_select else None
        query = queryset.query
        self.names = [*query.extra_select, *query.values_select, *query.annotation_select]
        if self.iterable is ModelIterable:
            klass_info, select = compiler.klass_info, compiler.select
            fields = klass_info["select_fields"]
            self.model_slice = slice(fields[0], fields[-1] + 1)
            self.init_list = [column[0].target.attname for column in select[self.model_slice]]
            self.populators = get_related_populators(klass_info, select, using)
            self.annotation_col_map = compiler.annotation_col_map
        elif self.iterable not in (ValuesIterable, ValuesListIterable, FlatValuesListIterable):
            raise ValueError(f"{self.iterable.__name__} cannot be prepared.")

    def run(self, using: str, values: dict) -> list:
        return self.send(using, values)()

    def send(self, using: str, values: dict) -> Callable[[], list]:
        """Execute the SQL now; the function returned fetches and converts the rows (in a
        ``pipeline()``, it waits for them)."""
        connection = connections[using]
        if self.for_update and not connection.in_atomic_block:
            raise TransactionManagementError(
                "select_for_update cannot be used outside of a transaction.")
        params = list(self.params)
        for position, name, index in self.slots:
            params[position] = values[name] if index is None else values[name][index]
        cursor = connection.cursor()
        try:
            cursor.execute(self.sql, params)
        except BaseException:
            cursor.close()
            raise

        def rows() -> list:
            try:
                fetched = cursor.fetchall()
            finally:
                cursor.close()
            return self._convert(fetched, using)

        return rows

    def _convert(self, rows: list, using: str) -> list:
        if self.trim is not None:
            rows = [row[:self.trim] for row in rows]
        if self.converters:
            rows = list(self.compiler.apply_converters(rows, self.converters))
        return self._results(rows, using)

    def _results(self, rows, using: str) -> list:
        if self.iterable is ValuesIterable:
            return [dict(zip(self.names, row, strict=True)) for row in rows]
        if self.iterable is ValuesListIterable:
            return [tuple(row) for row in rows]
        if self.iterable is FlatValuesListIterable:
            return [row[0] for row in rows]
        objs = []
        for row in rows:
            obj = self.model.from_db(using, self.init_list, row[self.model_slice])
            for populator in self.populators:
                populator.populate(row, obj)
            for name, position in self.annotation_col_map.items():
                setattr(obj, name, row[position])
            objs.append(obj)
        return objs


_LISTS = list | tuple | set | frozenset


class Prepared:
    """A read built by ``build(p)`` from ``p``'s placeholders, compiled once per connection (that
    is per thread) and per length of its lists; ``all(**values)`` runs it."""

    def __init__(self, build: Callable[[_Placeholders], QuerySet]) -> None:
        self.build = build

    def _compiled(self, using: str, values: dict) -> _Compiled:
        cache = connections[using].__dict__.setdefault("_prepared_statements", {})
        lengths = {name: len(value) for name, value in values.items()
                   if isinstance(value, _LISTS)}
        shape = (id(self), *sorted(lengths.items()))
        compiled = cache.get(shape)
        if compiled is None:
            placeholders = _Placeholders(lengths)
            compiled = cache[shape] = _Compiled(self.build(placeholders), placeholders, using)
        return compiled

    def all(self, *, using: str = DEFAULT_DB_ALIAS, **values) -> list:
        values = {name: list(value) if isinstance(value, set | frozenset) else value
                  for name, value in values.items()}
        return self._compiled(using, values).run(using, values)

    def send(self, *, using: str = DEFAULT_DB_ALIAS, **values) -> Callable[[], list]:
        """``all()`` in two steps: the SQL is sent now (inside ``pipeline()`` without waiting for
        the answer), the function returned gives the rows."""
        values = {name: list(value) if isinstance(value, set | frozenset) else value
                  for name, value in values.items()}
        return self._compiled(using, values).send(using, values)

    def first(self, *, using: str = DEFAULT_DB_ALIAS, **values):
        rows = self.all(using=using, **values)
        return rows[0] if rows else None

    def get(self, *, using: str = DEFAULT_DB_ALIAS, **values):
        """Exactly one row, else the model's DoesNotExist / MultipleObjectsReturned."""
        values = {name: list(value) if isinstance(value, set | frozenset) else value
                  for name, value in values.items()}
        compiled = self._compiled(using, values)
        rows = compiled.run(using, values)
        if len(rows) == 1:
            return rows[0]
        model = compiled.model
        if not rows:
            raise model.DoesNotExist(f"{model._meta.object_name} matching query does not exist.")
        raise model.MultipleObjectsReturned(
            f"get() returned more than one {model._meta.object_name} -- it returned {len(rows)}!")


def send_sql(sql: str, params: list | tuple = (), *, using: str = DEFAULT_DB_ALIAS
             ) -> Callable[[], list[tuple]]:
    """Hand-written SQL in two steps, as ``Prepared.send``: executed now, rows on demand."""
    cursor = connections[using].cursor()
    try:
        cursor.execute(sql, params)
    except BaseException:
        cursor.close()
        raise

    def rows() -> list[tuple]:
        try:
            return cursor.fetchall()
        finally:
            cursor.close()

    return rows


@contextmanager
def pipeline(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Inside, statements are sent without waiting for their answers (psycopg 3's pipeline mode):
    a fetch waits for what was sent up to it, leaving the block for the rest. An error aborts
    what was sent after it, as it would abort the transaction anyway. Where the driver has no
    pipeline mode, the statements simply run one by one."""
    connection = connections[using]
    connection.ensure_connection()
    raw = connection.connection
    if not hasattr(raw, "pipeline") or not _pipeline_supported():
        yield
        return
    with connection.wrap_database_errors, raw.pipeline():
        yield


_PIPELINE_SUPPORTED: bool | None = None


def _pipeline_supported() -> bool:
    global _PIPELINE_SUPPORTED
    if _PIPELINE_SUPPORTED is None:
        import psycopg

        _PIPELINE_SUPPORTED = psycopg.Pipeline.is_supported()
    return _PIPELINE_SUPPORTED


class _InArray(Lookup):
    """``<column> = ANY(ARRAY(<subquery>))`` (the subquery compiles with its parentheses)."""

    lookup_name = "in_array"  # used through ``in_subquery``, not registered on any field

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = compiler.compile(self.rhs)
        return f"{lhs} = ANY(ARRAY{rhs})", [*lhs_params, *rhs_params]


def in_subquery(column: str, queryset: QuerySet) -> Lookup:
    """``column = ANY(ARRAY(<queryset>))``, a condition for ``filter()`` or ``Q()``: the same
    rows as ``column__in=queryset``, but PostgreSQL runs the subquery once, first, and looks its
    values up in the column's index. Joined by OR, ``IN (<subquery>)`` conditions leave it no
    way but to read the whole table and test every row (issue 17: a money book's ledger read
    and the lock of an approval's accounts grew with the ledger and the accounts)."""
    return _InArray(F(column), Subquery(queryset.order_by()))
