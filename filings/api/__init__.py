"""API for filings (beside DESIGN §5), one module per resource on one router: training plans
and their imports, platform filings and credentials, the inbox with exceptions and late filers."""

# isort: off
# Importing a module adds its operations to the router: this order is their order in the
# OpenAPI document.
from filings.api import plans, platforms, inbox  # noqa: F401

# isort: on
from filings.api.common import router

__all__ = ["router"]
