"""Several server processes on one database: Socket.IO's messages through Redis (KEZEK_MESSAGE_QUEUE=redis://…).

Every emit goes to Redis and comes back to every process (this one too), which hands it to its
own screens: an event committed in any process reaches every screen once. While Redis is away
emits are lost, so when this process is subscribed again it drops its screens' transports (no
close packet: clients take it for a network drop and reconnect), and each screen gets a fresh
snapshot from the database on its reconnect: nothing called meanwhile stays unseen.
"""
from __future__ import annotations

import time

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry
from socketio import RedisManager

CHANNEL = "kezek"          # the Socket.IO channel every process of one region shares
RETRY_S = 0.5              # how soon a lost subscription is tried again
PREFIX = "kezek:"          # the keys Kezek keeps in Redis


def client_options() -> dict:
    """Redis connection options: no silent retries inside the client (a lost connection must be seen here)."""
    return {"retry": Retry(NoBackoff(), 0), "socket_keepalive": True, "socket_connect_timeout": 2,
            "health_check_interval": 10}


class ResyncingRedisManager(RedisManager):
    """Flask-SocketIO's Redis message queue, which resyncs this process's screens after Redis comes back."""

    def __init__(self, url: str):
        super().__init__(url, channel=CHANNEL, redis_options=client_options())
        self.returns = 0   # times the subscription came back after a loss (tests and the log read it)

    def _redis_listen_with_retries(self):
        lost = False
        while True:
            try:
                self._redis_connect()
                self.pubsub.subscribe(self.channel)
                if lost:
                    # Subscribed first: whatever is emitted from now on reaches this process's screens.
                    lost = False
                    self.returns += 1
                    self._get_logger().warning("Redis is back: this process's screens reconnect and resync")
                    self.server.start_background_task(drop_transports, self.server)
                yield from self.pubsub.listen()
            except Exception as exc:   # Redis away (or restarted): every emit meanwhile is lost
                if not lost:
                    self._get_logger().error("lost the Redis message queue (%s); retrying every %s s", exc, RETRY_S)
                lost = True
                time.sleep(RETRY_S)


def drop_transports(server) -> int:
    """Cut every screen's transport on this process without a close packet; they reconnect. How many."""
    sockets = list(server.eio.sockets.items())
    for sid, sock in sockets:
        try:
            sock.close(wait=False, abort=True)
        except Exception:   # already closing
            pass
        server.eio.sockets.pop(sid, None)
    return len(sockets)


def connect(url: str):
    """A plain Redis client for Kezek's own keys (e.g. the coalescing marks)."""
    return redis.Redis.from_url(url, **client_options())
