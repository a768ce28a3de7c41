"""A BRIN index on the start of a parking session, on PostgreSQL only.

The data report's hourly summary (insights/rollup.py) reads the sessions of the last days by `starts_at`. Sessions
are inserted roughly in the order they start, so a block range index finds those days in a few pages for a few
kilobytes, where a B-tree would cost every inserted row another index entry. SQLite (the quick demo) has no BRIN and
its tables stay small, so it gets nothing.
"""

from django.db import migrations

INDEX = "parking_session_start_brin"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON parking_sessions_parkingsession "
                              "USING brin (starts_at) WITH (pages_per_range = 32)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):

    dependencies = [
        ('parking_sessions', '0002_check_plate_index'),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
