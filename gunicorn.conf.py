"""gunicorn's settings, read from the working directory by default: the image's /app (the
Dockerfile's command adds --workers and --timeout) and benchmarks/load/run.

Threaded workers (gthread): a request waiting for PostgreSQL or for a password-hash slot
(config/hashers.py) holds a thread, not the whole process, so pages keep flowing during a login
burst. One process per core, eight threads each.

Keep-alive: a client that reuses a connection (browsers; nginx's upstream keep-alive; locust's
requests session) may send its next request just as gunicorn closes the idle connection, and
then sees "Remote end closed connection without response" or "Connection reset by peer".
gunicorn's default (2 s) is shorter than a person's pause between clicks, so that race was
common; the server must hold an idle connection longer than any client waits before reusing it:
75 s, over nginx's default upstream keepalive_timeout (60 s) and a clerk's 30 s.
"""

import multiprocessing
import os

worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count()))
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "75"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
backlog = 2048
