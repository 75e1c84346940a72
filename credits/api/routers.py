"""The credits API's routers and the authentication its operations share."""

from ninja import Router

from core.api import BearerAuth

router = Router(tags=["学时"])
# me/progress alone, added to the API before every other router: Django tries URL patterns in
# order, and the busiest read of December was the 46th (a literal path, so nothing else changes).
progress_router = Router(tags=["学时"])
auth = BearerAuth()
