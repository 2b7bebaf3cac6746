"""The Redis transport of Celery's broker (kombu's), with one client object per channel.

kombu's Redis channel builds a new ``redis.Redis`` client for every message it publishes
(``conn_or_acquire`` without a client): the connections come from the channel's pool either
way, but each client object sets up its response callbacks anew, about half of the CPU time of
handing a message to the broker. A ``redis.Redis`` object is safe to share between threads (it
takes a connection from the pool for each command), so this channel keeps one for its pool and
builds it again only when the pool is new (after a fork, kombu drops the pool). Everything else
is kombu's.

Used when the broker is ``redis://`` (``CELERY_BROKER_TRANSPORT`` in the settings).
"""

from __future__ import annotations

from contextlib import contextmanager

from kombu.transport import redis


class Channel(redis.Channel):
    @contextmanager
    def conn_or_acquire(self, client=None):
        if client:
            yield client
            return
        pool = self.pool
        shared = self.__dict__.get("_shared_client")
        if shared is None or shared.connection_pool is not pool:
            shared = self.__dict__["_shared_client"] = self.Client(connection_pool=pool)
        yield shared


class Transport(redis.Transport):
    Channel = Channel
