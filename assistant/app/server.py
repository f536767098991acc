"""Serving the app: load the assistant once, warm it up, queue and launch on one host only.

What it does: :func:`launch` loads the knowledge base, the model and the index once, asks one
question in each language and checks one case (so the first user does not pay for loading),
builds the app and serves it; :func:`serve` queues and launches an app already built, on the
given host and port only, and returns its URL.

What it leaves out: what the app shows (:mod:`.layout`); gradio is used through the app's own
methods, so importing this module imports nothing heavy.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from .page import launch_options


def warm_up(assistant) -> None:
    """One question in each language and one check, so the first user does not pay for loading."""
    assistant.ask("Quels sont les facteurs de risque ?")
    assistant.ask("What does the MRI show?")
    assistant.check("Homme de 50 ans, douleur brutale du genou droit, IRM : œdème médullaire du condyle.")


def serve(app, host: str = "127.0.0.1", port: int = 7860, *, concurrency: int = 16,
          prevent_thread_lock: bool = True) -> str:
    """Queue and launch a built app on ``host:port`` only; return its local URL."""
    # Gradio's queue rebuilds a pandas summary of its last 10,000 events after every event (3 ms at
    # 200 events, 18 ms at 10,000, per event, on the server's CPU) for a monitoring page this app
    # does not enable; compute it never, and keep a short record.
    os.environ.setdefault("GRADIO_ANALYTICS_CACHE_FREQUENCY", str(2**62))
    os.environ.setdefault("GRADIO_ANALYTICS_MAX_EVENTS", "1000")
    # status_update_rate=1: queued users get their position and ETA once a second, instead of a
    # message to every waiting user each time any event joins or starts (n^2 messages under load)
    app.queue(default_concurrency_limit=concurrency, max_size=512, status_update_rate=1)
    app.launch(server_name=host, server_port=port, prevent_thread_lock=prevent_thread_lock, show_error=False,
               ssr_mode=False, quiet=True, max_threads=max(40, concurrency * 3), **launch_options())
    return f"http://{host if ':' not in host else f'[{host}]'}:{port}/"


def launch(settings=None, host: str = "127.0.0.1", port: int = 7860, feedback_path: str | Path | None = None, *,
           concurrency: int = 16, stream_delay: float = 0.03, prevent_thread_lock: bool = False):
    """Load the assistant once, warm it up, and serve the app on ``host:port`` (loopback by default)."""
    import time

    from ..api import Assistant
    from .layout import build_app  # here, not at the top: layout re-exports this module's names

    t0 = time.perf_counter()
    print("tmo: loading the knowledge base, the embedding model and the index…", file=sys.stderr, flush=True)
    assistant = Assistant(settings)
    warm_up(assistant)
    print(f"tmo: ready in {time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)
    app = build_app(assistant, feedback_path, stream_delay=stream_delay)
    url = f"http://{host if ':' not in host else f'[{host}]'}:{port}/"
    print(f"tmo: open {url}  (Ctrl-C to stop)", flush=True)
    serve(app, host, port, concurrency=concurrency, prevent_thread_lock=prevent_thread_lock)
    return app
