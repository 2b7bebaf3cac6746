"""A Redis cache that fails open: when Redis is down or frozen, a read answers "not cached" and a
write is dropped, after at most a short socket timeout (``REDIS_CACHE_TIMEOUT``), and for the
next seconds Redis is not tried at all. The cache holds nothing that must not be lost
(login-failure counts, which then do not block anyone; the password check itself never depends
on the cache)."""

from __future__ import annotations

import functools
import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)
BREAKER_SECONDS = 15.0


def _fail_open(default):
    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            if time.monotonic() < self._down_until:
                return default
            try:
                return method(self, *args, **kwargs)
            except RedisError as error:
                self._down_until = time.monotonic() + BREAKER_SECONDS
                logger.warning("cache unavailable (%s): %s answers %r", error, method.__name__,
                               default)
                return default
        return wrapper
    return decorate


class FailOpenRedisCache(RedisCache):
    _down_until = 0.0

    def get(self, key, default=None, version=None):
        return _fail_open(default)(RedisCache.get)(self, key, default, version)

    add = _fail_open(True)(RedisCache.add)  # "stored": the caller does not retry against Redis
    set = _fail_open(None)(RedisCache.set)
    touch = _fail_open(False)(RedisCache.touch)
    delete = _fail_open(False)(RedisCache.delete)
    get_many = _fail_open({})(RedisCache.get_many)
    has_key = _fail_open(False)(RedisCache.has_key)
    incr = _fail_open(0)(RedisCache.incr)
    set_many = _fail_open([])(RedisCache.set_many)
    delete_many = _fail_open(None)(RedisCache.delete_many)
    clear = _fail_open(False)(RedisCache.clear)
