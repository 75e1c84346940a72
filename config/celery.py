"""Celery application: Redis broker in production, eager in-process without REDIS_URL."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("ce_platform")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
