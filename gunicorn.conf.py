"""gunicorn settings for `motcua web` (or `gunicorn -c gunicorn.conf.py wsgi:app`): several web
processes against one database, no scheduler inside (run `motcua scheduler` beside them).

Everything is read from the environment (docs/OPERATIONS.md):

- MOTCUA_BIND (default 127.0.0.1:8000), MOTCUA_WEB_WORKERS (default 2 × CPUs + 1),
  MOTCUA_WEB_THREADS (threads per worker, default 4), MOTCUA_WEB_TIMEOUT (seconds, default 30),
  MOTCUA_WEB_TMP_DIR (the workers' heartbeat files, default /dev/shm where it exists).
- PROMETHEUS_MULTIPROC_DIR: where the workers write their metrics so that /metrics adds them up;
  emptied when the master starts, and a dead worker's live gauges are retired.
"""
import os
import shutil

from engine.logging_setup import configure_logging

bind = os.environ.get("MOTCUA_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("MOTCUA_WEB_WORKERS", 2 * (os.cpu_count() or 1) + 1))
threads = int(os.environ.get("MOTCUA_WEB_THREADS", 4))
worker_class = "gthread"
timeout = int(os.environ.get("MOTCUA_WEB_TIMEOUT", 30))
graceful_timeout = 20
# A new app per worker (no preload): nothing, not even a database connection, is shared by fork.
preload_app = False
# One log line per request comes from the app itself (webapp/observability.py, with its request id).
accesslog = None
# The workers' heartbeat touches a file on every turn of their loop: on a disk-backed /tmp that
# is a metadata write each time, and a busy disk can stall it until the master kills a healthy
# worker for silence (gunicorn's own advice is a memory-backed folder).
worker_tmp_dir = os.environ.get("MOTCUA_WEB_TMP_DIR", "/dev/shm" if os.path.isdir("/dev/shm") else None)
max_requests = 20000
max_requests_jitter = 2000


def on_starting(server):
    configure_logging(os.environ.get("MOTCUA_LOG_FORMAT", "json"))
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
        os.makedirs(folder, exist_ok=True)


def post_fork(server, worker):
    configure_logging(os.environ.get("MOTCUA_LOG_FORMAT", "json"))


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess
        multiprocess.mark_process_dead(worker.pid)
