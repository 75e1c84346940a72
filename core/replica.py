"""Reads for statistics and exports on a PostgreSQL streaming replica (README, "Read replica,
PgBouncer and the sharding path").

Routing is explicit: nothing reaches the replica unless the code asks for `reporting_alias()`
by name (the compliance export, the compliance listings of units, authorities and bureaus,
the bureau's statistics). Everything else (a person's progress and records, every write, the
reads of a request that has written) uses the primary, `default`.

The replica is a few milliseconds behind the primary, seconds under a December peak, more if
its replay is paused or slow. What may show that lag: a statistic, a listing, an export (its
header says when it was exported; its rows are those the replica had replayed by then). What
never shows it: a person's own figures, which are always read on the primary, and any read of
a request after it wrote (a confirmation followed by a listing in the same request), which
`reporting_alias()` sends to the primary too, as it does inside a transaction on the primary.
The next request's listing may still be a moment behind that write.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"

# Statements that only read: the first other statement a request sends to the primary pins the
# rest of that request to it.
_READS = ("SELECT", "SHOW")


@dataclass
class _Request:
    wrote: bool = False

    def watch(self, execute, sql, params, many, context):
        if not self.wrote and not (isinstance(sql, str) and sql.lstrip()[:6].upper().startswith(_READS)):
            self.wrote = True
        return execute(sql, params, many, context)


_request: ContextVar[_Request | None] = ContextVar("ce_replica_request", default=None)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def reporting_alias() -> str:
    """The database alias for statistics and exports: "replica" when DATABASE_REPLICA_URL is
    set, else "default"; "default" as well inside a transaction on the primary (the replica
    cannot see what it has not committed) and for the rest of a request that has written."""
    if not replica_configured():
        return DEFAULT_DB_ALIAS
    state = _request.get()
    if state is not None and state.wrote:
        return DEFAULT_DB_ALIAS
    if connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return DEFAULT_DB_ALIAS
    return REPLICA


class PrimaryAfterWriteMiddleware:
    """Watches the statements a request sends to the primary; after the first write,
    `reporting_alias()` answers "default" until the request ends. Not installed (no cost per
    request) without a replica."""

    def __init__(self, get_response):
        if not replica_configured():
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        state = _Request()
        token = _request.set(state)
        try:
            with connections[DEFAULT_DB_ALIAS].execute_wrapper(state.watch):
                return self.get_response(request)
        finally:
            _request.reset(token)


class PrimaryReplicaRouter:
    """Writes always go to the primary, even for an object read on the replica; reads go where
    the code says (`.using(reporting_alias())`), else to the primary, or to the database a
    related object was read from; migrations only run on the primary (the replica receives
    them by streaming)."""

    def db_for_read(self, model, **hints):
        return None

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True if {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA} else None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS
