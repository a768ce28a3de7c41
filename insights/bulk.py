"""Writing many generated rows fast, with the timestamps they had (auto_now_add would stamp them "now").

On PostgreSQL rows go through COPY (psycopg 3's cursor.copy), about ten times faster than INSERTs; psycopg adapts the
Python values itself. Elsewhere (the demo's SQLite) they are INSERTed in batches, each value prepared by its field.
Rows are dicts of field attribute names; a field a row leaves out gets the field's default. Only for generated data:
nothing here runs a model's save() or validation.
"""

from collections.abc import Iterable

from django.db import connection, models

BATCH = 5_000


def _fields(model: type[models.Model]) -> list[models.Field]:
    return [field for field in model._meta.concrete_fields if not field.primary_key]


def write(model: type[models.Model], rows: Iterable[dict]) -> int:
    """Insert the rows; returns how many. Call inside a transaction."""
    fields = _fields(model)
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    # A callable default (a uuid4) is called for every row; the others are worked out once.
    fixed = {field.attname: field.get_default() for field in fields if not callable(field.default)}

    def value(row: dict, field: models.Field):
        if field.attname in row:
            return row[field.attname]
        return fixed[field.attname] if field.attname in fixed else field.get_default()

    count = 0
    if connection.vendor == "postgresql":
        from psycopg.types.json import Jsonb

        # COPY adapts each Python value by its type, so a JSON column's list or dict needs saying it is JSON.
        json = {field.attname for field in fields if isinstance(field, models.JSONField)}
        with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([Jsonb(value(row, field)) if field.attname in json else value(row, field)
                                for field in fields])
                count += 1
        return count
    sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
    batch: list[list] = []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append([field.get_db_prep_save(value(row, field), connection) for field in fields])
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def ids_after(model: type[models.Model], last_id: int) -> list[int]:
    """The primary keys written after `last_id`, in order: how rows written by `write` are found again."""
    return list(model.objects.filter(pk__gt=last_id).order_by("pk").values_list("pk", flat=True))


def last_id(model: type[models.Model]) -> int:
    return model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
