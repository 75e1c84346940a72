"""Hot statements prepared once per database connection (PostgreSQL).

Django binds parameters on the client, so PostgreSQL plans every statement afresh. For the
busiest read of the year (`me/progress`: the token, the person, the year's summary and the
requirement, nine relations in one statement) planning took ten times as long as running it:
≈ 1 ms of the server's CPU against 0.1 ms prepared. `prepared_cursor()` is a Django cursor
(same errors, same query logging) over a server-binding psycopg cursor, whose statements
psycopg prepares on their first execution on each connection.

Prepared statements live in one server session: behind a pooler in transaction mode that does
not track them (PgBouncer before 1.21) set DB_PREPARED_STATEMENTS=0, and this is a plain cursor.
"""

from __future__ import annotations

from django.db import connection


def prepares() -> bool:
    return (
        connection.vendor == "postgresql"
        and connection.settings_dict["OPTIONS"].get("prepare_threshold") is not None
    )


def prepared_cursor():
    """Use as `with prepared_cursor() as cursor:` for a statement of fixed text."""
    if not prepares():
        return connection.cursor()
    import psycopg

    connection.cursor().close()  # Django's checks: connected, healthy, no broken transaction
    raw = psycopg.Cursor(connection.connection)
    return connection.make_debug_cursor(raw) if connection.queries_logged else connection.make_cursor(raw)
