"""Sending in-platform messages and marking them read. What a message says is its sender's
business (the year-end reminders live in credits.reminders)."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone

from core.text import tidy_punctuation
from notifications.models import Notification


def notify(user_ids: Iterable[int], *, title: str, body: str = "", link: str = "") -> int:
    body = tidy_punctuation(body)  # a reviewer's comment ends with its own 。
    rows = [
        Notification(user_id=u, title=title[:120], body=body[:500], link=link[:200]) for u in set(user_ids)
    ]
    Notification.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def mark_read(user, *, notification_ids: Iterable[int]) -> int:
    return Notification.objects.filter(user=user, pk__in=list(notification_ids), read_at=None).update(
        read_at=timezone.now()
    )
