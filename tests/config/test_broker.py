"""The broker's Redis channel (config/broker.py): one client object per connection pool."""

import uuid

import pytest

from config import broker
from config.celery import app


def test_a_channel_hands_out_one_client_per_pool_and_a_new_one_after_a_fork(settings):
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        pytest.skip("kombu's own transport serves this broker (memory://, a socket)")
    assert settings.CELERY_BROKER_TRANSPORT == "config.broker:Transport"
    with app.connection_for_write() as connection:
        channel = connection.default_channel
        assert isinstance(channel, broker.Channel)
        with channel.conn_or_acquire() as first, channel.conn_or_acquire() as again:
            assert first is again  # kombu's own channel builds one per message
            assert first.ping()
        channel._disconnect_pools()  # what kombu does in a child after a fork
        with channel.conn_or_acquire() as after:
            assert after is not first and after.connection_pool is channel.pool
            assert after.ping()
        with channel.conn_or_acquire(client=first) as given:
            assert given is first  # a caller's client is used as it is


def test_messages_reach_the_queue_through_the_shared_client(settings):
    if not settings.REDIS_URL:
        pytest.skip("eager mode has no broker")
    with app.connection_for_write() as connection:
        name = f"claims-test-broker-{uuid.uuid4().hex}"
        queue = connection.SimpleQueue(name)
        try:
            for number in range(3):
                queue.put({"number": number})
            received = []
            for _ in range(3):
                message = queue.get(timeout=2)
                message.ack()
                received.append(message.payload["number"])
            assert sorted(received) == [0, 1, 2]
        finally:
            queue.close()
            connection.default_channel.queue_delete(name)
