"""Celery application: Redis broker in production, eager in-process without REDIS_URL.

In core, not config, so that the apps' job tasks can be bound to it (see reports.tasks) without
importing the project's composition above them; config exposes it to `celery -A config`."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("ce_platform")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
