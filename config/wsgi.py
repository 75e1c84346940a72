import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()


def _settle() -> None:
    """Import what any request can reach now (the URL conf pulls in every view, the API and its
    schemas), then take all of it out of the cyclic collector's sight (`gc.freeze`). Otherwise
    each full collection walks every object of the application: about 100 ms, in the middle of
    some request, every few platform pushes."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (the property imports the URL modules)
    gc.collect()
    gc.freeze()


_settle()
