from django.conf import settings


def reporting_alias() -> str:
    return "replica" if "replica" in settings.DATABASES else "default"
