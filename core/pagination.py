"""Limit/offset pagination for every API list, with an offset the databases can take: django-
ninja's own leaves it unbounded, and SQLite refuses an offset beyond 64 bits with a 500."""

from ninja import Field, Schema
from ninja.conf import settings
from ninja.pagination import LimitOffsetPagination as NinjaLimitOffsetPagination

# Far beyond any list of ours, and far from 2**63 once a limit is added.
MAX_OFFSET = 10**12


class LimitOffsetPagination(NinjaLimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(settings.PAGINATION_PER_PAGE, ge=1, le=settings.PAGINATION_MAX_LIMIT)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)
