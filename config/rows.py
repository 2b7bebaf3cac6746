"""``RowBatch``: the rows one business action writes, sent to PostgreSQL as one statement.

A service that has decided everything (under its locks) adds the rows it writes, new ones
(``insert``: ledger, payments, audit, outbox, activities) and changed ones (``save`` of some
fields, ``increment`` of a number, ``update`` of a queryset), and ``write()`` sends them together as
data-modifying CTEs (``WITH a AS (UPDATE ...), b AS (INSERT ... RETURNING id) SELECT ...``):
one round trip instead of one per row, inside the caller's transaction, all or nothing with it.
New rows get their primary keys, and callbacks added with ``after_write`` run then (e.g. the
outbox's publish after commit, which needs the message's pk). The batch is then empty again: a
service that must read what it wrote (or change a row twice) writes, then goes on adding.

What it cannot do, by PostgreSQL's rules: every part of the statement sees the database as it was
before the statement, so a row is changed at most once per batch (``save`` and ``increment`` merge
what is asked for the same row) and no part reads what another part writes. Model ``save()``
methods and signals are not called, as with ``bulk_create``.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models import Q
from django.db.models.sql import InsertQuery, UpdateQuery

# The SQL of each shape of row written (model, fields, how many rows), built once.
_SQL: dict[tuple, str] = {}


def _insert_fields(model: type[models.Model]) -> list[models.Field]:
    return [field for field in model._meta.concrete_fields
            if not field.primary_key and not field.generated]


class RowBatch:
    def __init__(self) -> None:
        self._inserts: dict[type[models.Model], list[models.Model]] = {}
        self._saves: dict[tuple[type[models.Model], object], tuple[models.Model, list[str]]] = {}
        self._increments: dict[tuple[type[models.Model], object, str], Decimal | int] = {}
        self._updates: list[tuple[models.QuerySet, dict]] = []
        self._statements: list[tuple[str, tuple]] = []
        self._after: list[Callable[[], None]] = []

    def insert(self, obj: models.Model) -> models.Model:
        """Insert ``obj`` (unsaved) with the batch; its pk is set by ``write()`` (or given: a key
        the caller took from the table's sequence, e.g. to name the row in another row)."""
        self._inserts.setdefault(type(obj), []).append(obj)
        return obj

    def save(self, obj: models.Model, fields: list[str]) -> None:
        """Write ``fields`` of the saved ``obj`` (their values at ``write()`` time)."""
        key = (type(obj), obj.pk)
        _, known = self._saves.setdefault(key, (obj, []))
        known.extend(name for name in fields if name not in known)

    def increment(self, obj: models.Model, field: str, amount: Decimal | int) -> None:
        """Add ``amount`` to ``field`` of ``obj``'s row (``field = field + amount``)."""
        key = (type(obj), obj.pk, field)
        self._increments[key] = self._increments.get(key, 0) + amount

    def update(self, queryset: models.QuerySet, **values) -> None:
        """``queryset.update(**values)`` with the batch (the rows as before the batch)."""
        self._updates.append((queryset, values))

    def statement(self, sql: str, params: tuple | list) -> None:
        """A data-modifying statement of the caller's (an UPDATE or DELETE whose SQL it keeps,
        with ``%s`` placeholders) with the batch (the rows as before the batch)."""
        self._statements.append((sql, tuple(params)))

    def after_write(self, callback: Callable[[], None]) -> None:
        self._after.append(callback)

    def write(self, using: str = DEFAULT_DB_ALIAS) -> None:
        """Send everything as one statement (nothing when the batch is empty); the batch is
        empty afterwards."""
        connection = connections[using]
        parts: list[tuple[str, tuple]] = [self._save_sql(obj, fields, using)
                                          for obj, fields in self._saves.values()]
        for (model, pk, field), amount in self._increments.items():
            parts.append(self._increment_sql(model, pk, field, amount, using))
        parts += [self._update_sql(queryset, values, using) for queryset, values in self._updates]
        parts += self._statements
        inserted: list[tuple[int, list[models.Model]]] = []
        for model, objs in self._inserts.items():
            inserted.append((len(parts), objs))
            parts.append(self._insert_sql(model, objs, using))
        if parts:
            ctes = ", ".join(f"batch_{index} AS ({sql})" for index, (sql, _) in enumerate(parts))
            select = " UNION ALL ".join(
                f"SELECT {index} AS part, id FROM batch_{index}" for index, _ in inserted
            ) or "SELECT NULL AS part, NULL AS id WHERE false"
            params = tuple(param for _, part_params in parts for param in part_params)
            with connection.cursor() as cursor:
                cursor.execute(f"WITH {ctes} {select}", params)
                rows = cursor.fetchall()
            pks: dict[int, list] = {}
            for part, pk in rows:
                pks.setdefault(part, []).append(pk)
            for index, objs in inserted:
                returned = pks.get(index, [])
                if len(returned) != len(objs):
                    raise RuntimeError("The batch did not insert every row it was given.")
                for obj, pk in zip(objs, returned, strict=True):
                    obj.pk = pk
                    obj._state.adding = False
                    obj._state.db = using
        after = self._after
        self.__init__()
        for callback in after:
            callback()

    @staticmethod
    def _insert_sql(model, objs, using) -> tuple[str, tuple]:
        connection = connections[using]
        fields = _insert_fields(model)
        with_pk = all(obj.pk is not None for obj in objs)
        if with_pk:
            fields = [model._meta.pk, *fields]
        values = []
        for obj in objs:
            obj._prepare_related_fields_for_save(operation_name="insert")
            for field in fields:
                value = field.pre_save(obj, True)
                if hasattr(value, "resolve_expression"):  # e.g. a database default: the ORM's way
                    return RowBatch._orm_insert_sql(model, objs, using)
                values.append(field.get_db_prep_save(value, connection=connection))
        key = ("insert", connection.vendor, model, len(objs), with_pk)
        sql = _SQL.get(key)
        if sql is None:
            quote = connection.ops.quote_name
            table = quote(model._meta.db_table)
            row = f"({', '.join(['%s'] * len(fields))})"
            sql = _SQL[key] = (
                f"INSERT INTO {table} ({', '.join(quote(field.column) for field in fields)}) "
                f"VALUES {', '.join([row] * len(objs))} "
                f"RETURNING {table}.{quote(model._meta.pk.column)}"
            )
        return sql, tuple(values)

    @staticmethod
    def _orm_insert_sql(model, objs, using) -> tuple[str, tuple]:
        opts = model._meta
        fields = [field for field in opts.concrete_fields
                  if not field.primary_key and not field.generated]
        if all(obj.pk is not None for obj in objs):
            fields = [opts.pk, *fields]
        query = InsertQuery(model)
        query.insert_values(fields, objs)
        compiler = query.get_compiler(using=using)
        compiler.returning_fields = [opts.pk]
        [(sql, params)] = compiler.as_sql()
        return sql, tuple(params)

    @staticmethod
    def _save_sql(obj, fields, using) -> tuple[str, tuple]:
        connection = connections[using]
        opts = obj._meta
        model_fields = [opts.get_field(name) for name in fields]
        values = []
        for field in model_fields:
            value = field.pre_save(obj, False)
            if hasattr(value, "resolve_expression"):
                return RowBatch._orm_save_sql(obj, fields, using)
            values.append(field.get_db_prep_save(value, connection=connection))
        key = ("save", connection.vendor, type(obj), tuple(fields))
        sql = _SQL.get(key)
        if sql is None:
            quote = connection.ops.quote_name
            table = quote(opts.db_table)
            assignments = ", ".join(f"{quote(field.column)} = %s" for field in model_fields)
            sql = _SQL[key] = (f"UPDATE {table} SET {assignments} "
                               f"WHERE {table}.{quote(opts.pk.column)} = %s")
        return sql, (*values, opts.pk.get_db_prep_value(obj.pk, connection))

    @staticmethod
    def _orm_save_sql(obj, fields, using) -> tuple[str, tuple]:
        opts = obj._meta
        values = []
        for name in fields:
            field = opts.get_field(name)
            values.append((field, None, field.pre_save(obj, False)))
        query = UpdateQuery(type(obj))
        query.add_update_fields(values)
        query.add_q(Q(pk=obj.pk))
        sql, params = query.get_compiler(using=using).as_sql()
        return sql, tuple(params)

    @staticmethod
    def _increment_sql(model, pk, field_name, amount, using) -> tuple[str, tuple]:
        connection = connections[using]
        opts = model._meta
        key = ("increment", connection.vendor, model, field_name)
        sql = _SQL.get(key)
        if sql is None:
            quote = connection.ops.quote_name
            table = quote(opts.db_table)
            column = f"{table}.{quote(opts.get_field(field_name).column)}"
            sql = _SQL[key] = (f"UPDATE {table} SET {quote(opts.get_field(field_name).column)}"
                               f" = ({column} + %s) WHERE {table}.{quote(opts.pk.column)} = %s")
        return sql, (amount, opts.pk.get_db_prep_value(pk, connection))

    @staticmethod
    def _update_sql(queryset, values, using) -> tuple[str, tuple]:
        query = queryset.query.chain(UpdateQuery)
        query.add_update_values(values)
        query.annotations = {}
        sql, params = query.get_compiler(using=using).as_sql()
        return sql, tuple(params)
