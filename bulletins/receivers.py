"""The footer's contact lines come from the registry: drop the cached copy when it changes."""

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from bulletins.selectors import CONTACTS_CACHE_KEY
from organisations.models import Organisation


@receiver(post_save, sender=Organisation)
@receiver(post_delete, sender=Organisation)
def registry_changed(sender, **kwargs):
    # After the commit, so that no request caches the old values in between.
    transaction.on_commit(lambda: cache.delete(CONTACTS_CACHE_KEY))
