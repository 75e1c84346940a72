"""Django's Redis cache, made to tolerate Redis being down.

Nothing the platform keeps in the cache is the only copy (the footer's help contacts, the rate
limits' counters), so when Redis cannot be reached a read is a miss and a write is dropped, and
pages and the API keep answering from the database. After a failure Redis is left alone for
RETRY_AFTER_SECONDS, so that an outage costs one connection attempt per process and not one per
request; rate limits are not enforced meanwhile (they fail open).
"""

from __future__ import annotations

import logging
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5.0


class TolerantRedisCacheClient(RedisCacheClient):
    _down_until = 0.0

    def _call(self, method: str, fallback, *args):
        if time.monotonic() < TolerantRedisCacheClient._down_until:
            return fallback
        try:
            result = getattr(super(), method)(*args)
        except RedisError as exc:
            if TolerantRedisCacheClient._down_until == 0.0:
                logger.warning("Redis cache unreachable (%s): serving without cache", type(exc).__name__)
            TolerantRedisCacheClient._down_until = time.monotonic() + RETRY_AFTER_SECONDS
            return fallback
        if TolerantRedisCacheClient._down_until:
            logger.warning("Redis cache reachable again")
            TolerantRedisCacheClient._down_until = 0.0
        return result

    def add(self, key, value, timeout):
        return self._call("add", False, key, value, timeout)

    def get(self, key, default):
        return self._call("get", default, key, default)

    def set(self, key, value, timeout):
        return self._call("set", None, key, value, timeout)

    def touch(self, key, timeout):
        return self._call("touch", False, key, timeout)

    def delete(self, key):
        return self._call("delete", False, key)

    def get_many(self, keys):
        return self._call("get_many", {}, keys)

    def has_key(self, key):
        return self._call("has_key", False, key)

    def set_many(self, data, timeout):
        return self._call("set_many", None, data, timeout)

    def delete_many(self, keys):
        return self._call("delete_many", None, keys)

    def clear(self):
        return self._call("clear", False)


class TolerantRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = TolerantRedisCacheClient
