"""Django's Redis cache, failing fast while Redis is unreachable.

Every caller treats the cache as optional: a failure is logged and the page is built without
it. A stopped Redis refuses at once, but a hung one (a stalled server, a dropped network) costs
the socket timeout (2 s, settings.CACHES) on every call, and a page makes several: a measure
page took 6 s. So after a call fails to connect or times out, this process's calls to that
Redis fail at once (with redis' ConnectionError, which callers already handle) for
`RETRY_AFTER` seconds; then the next call tries Redis again.
"""

import threading
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

RETRY_AFTER = 10.0
_down_until: dict[str, float] = {}  # LOCATION -> monotonic time to try it again
_lock = threading.Lock()


class CacheResting(RedisConnectionError):
    """Redis failed moments ago: not tried again yet."""


class _FailFastClient(RedisCacheClient):
    def __init__(self, servers, **options):
        super().__init__(servers, **options)
        self._location = ",".join(servers)

    def get_client(self, key=None, *, write=False):
        if time.monotonic() < _down_until.get(self._location, 0.0):
            raise CacheResting(f"the cache at {self._location} failed moments ago")
        return _Guarded(super().get_client(key, write=write), self._location)


class _Guarded:
    """A redis client whose connection failures and timeouts rest its server."""

    def __init__(self, client, location):
        self._client, self._location = client, location

    def __getattr__(self, name):
        attribute = getattr(self._client, name)
        if not callable(attribute):
            return attribute

        def call(*args, **kwargs):
            try:
                result = attribute(*args, **kwargs)
            except (RedisConnectionError, RedisTimeoutError):
                with _lock:
                    _down_until[self._location] = time.monotonic() + RETRY_AFTER
                raise
            return _Guarded(result, self._location) if name == "pipeline" else result

        return call


class FailFastRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _FailFastClient
