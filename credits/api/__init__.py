"""Credit hours in the public API (DESIGN §5), a module per use case on one router: progress and
hour records, declarations with evidence, the two-level review, compliance and title readiness.
me/progress has a router of its own (see `routers`); learning-platform pushes (`intake`) and
attendance reports (`attendance`) have theirs, with their own tags, added to the API apart."""

# isort: off
# Importing a module adds its operations to the router: this order is their order in the
# OpenAPI document and in the URL patterns.
from credits.api import progress, declarations, reviews, compliance  # noqa: F401

# isort: on
from credits.api.routers import progress_router, router

__all__ = ["progress_router", "router"]
