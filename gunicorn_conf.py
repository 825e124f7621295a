"""How gunicorn serves the app in every documented start (docs/adr/0010-serving-model.md):

    gunicorn --config python:gunicorn_conf marketplace.wsgi:application --bind 127.0.0.1:8000

gevent workers: every connection waits in a greenlet of its own, so an idle client, one that
sends its headers a byte at a time, or a TLS handshake sent to the plain port never holds a
worker. A request's headers must arrive within `keepalive` seconds (gunicorn's gevent worker
reads each request under that timeout), so such connections are closed soon. The app is the
same WSGI app as with sync workers; gevent's monkey-patching makes the drivers cooperative
(psycopg 3 detects it).

This module stays outside the `marketplace` package on purpose: gunicorn imports it in the
master process, before a worker monkey-patches, and importing `marketplace` there (its Celery
app, Redis, thread-locals) would leave greenlets sharing one database connection.

Flags on the command line win over these values (`--workers 5`).
"""

from typing import Any

from gunicorn.workers.ggevent import GeventWorker

# 3 processes on a 2-core machine, as the sync workers this replaces (scale with containers);
# each takes up to `worker_connections` connections at once.
workers = 3
worker_class = "gunicorn_conf.Worker"
worker_connections = 1000
# Seconds to send a request's headers (and to keep an idle keep-alive connection).
keepalive = 5
# A worker whose loop is blocked this long (a CPU-bound request) is restarted.
timeout = 30
graceful_timeout = 30


class Worker(GeventWorker):
    """gunicorn's gevent worker, closing the database connections a client connection opened
    when that connection ends. Django keeps a connection per greenlet (CONN_MAX_AGE), and a
    greenlet lives as long as its client connection: without this, PostgreSQL connections
    linger after their clients leave until the garbage collector finds them (measured: 52
    open for 8 clients without keep-alive)."""

    def handle(self, listener: Any, client: Any, addr: Any) -> None:
        try:
            super().handle(listener, client, addr)
        finally:
            from django.db import connections

            connections.close_all()
