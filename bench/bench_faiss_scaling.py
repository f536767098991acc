#!/usr/bin/env python
"""How FAISS index types scale from 10k to 1M vectors on this machine.

Standalone: needs only numpy and faiss-cpu.
It answers one question for tmo: at what corpus size does an approximate index
start to pay for itself over exact search (`IndexFlatIP`)?

For each corpus size N it builds a synthetic corpus of unit vectors (dimension
384, like MiniLM / e5-small) drawn from a fixed-seed two-level Gaussian mixture
(a few dozen topics, a few thousand clusters of uneven size and spread), so that
approximate indexes meet neighbourhoods that overlap the way real embeddings do,
not uniform noise, where every approximate index looks bad. Queries are fresh
draws from the same mixture (never corpus members).

It compares
  - Flat      exact IndexFlatIP (the ground truth for recall),
  - HNSW      IndexHNSWFlat, M=32, efConstruction=40, efSearch 16/64/128,
  - IVFFlat   nlist = round(4*sqrt(N)), nprobe 1/8/32,
  - SQ8       IndexScalarQuantizer 8-bit (exhaustive, 4x less memory),
  - IVFPQ     IndexIVFPQ (same coarse quantizer as IVFFlat, 48 x 8-bit codes), nprobe 8/32,
and reports build/train time, memory (serialized size and process RSS delta),
single-query latency p50/p95 (batch of 1, like a user typing), batch
throughput, and recall@10 against the exact index.

What it leaves out: GPU indexes, on-disk indexes, filtering, and the cost of
embedding the queries (see DESIGN.md for that: 10-70 ms per query, which
dwarfs every search time below 100k vectors).

Run:  .venv/bin/python bench/bench_faiss_scaling.py            (full, ~15 min on 2 cores)
      .venv/bin/python bench/bench_faiss_scaling.py --quick    (seconds)
"""

from __future__ import annotations

import argparse
import ctypes
import datetime as _dt
import gc
import json
import math
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

faiss = None  # imported in main(), after OMP_WAIT_POLICY is set (libgomp reads it once, at load)


def _import_faiss(wait_policy: str):
    global faiss
    if wait_policy != "default":
        os.environ["OMP_WAIT_POLICY"] = wait_policy
    try:
        import faiss as _faiss
    except ImportError:  # pragma: no cover - message for humans
        sys.exit("faiss is not installed: run `make setup` (or `pip install faiss-cpu`).")
    faiss = _faiss

_T0 = time.perf_counter()


def log(msg: str) -> None:
    """Progress on stderr, with seconds since start (stdout gets only the table)."""
    print(f"[{time.perf_counter() - _T0:7.1f}s] {msg}", file=sys.stderr, flush=True)


K = 10
SEED = 20240611


# --------------------------------------------------------------------------- memory


_PAGE = os.sysconf("SC_PAGE_SIZE")
try:
    _libc = ctypes.CDLL("libc.so.6")
except OSError:  # pragma: no cover - non-glibc systems
    _libc = None


def rss_bytes() -> int:
    """Current resident set size of this process (Linux /proc; 0 elsewhere)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * _PAGE
    except OSError:  # pragma: no cover
        return 0


def settle() -> int:
    """Collect garbage, give freed heap back to the OS, return RSS."""
    gc.collect()
    if _libc is not None:
        try:
            _libc.malloc_trim(0)
        except AttributeError:  # pragma: no cover
            pass
    return rss_bytes()


# --------------------------------------------------------------------------- data


class Mixture:
    """A fixed two-level Gaussian mixture on the unit sphere.

    n_topics super-centres; each of n_clusters centres sits near one topic;
    each point sits near one centre. Cluster weights are log-normal (some
    clusters are large, many are small) and each cluster has its own spread.
    With the default spreads, a point's cosine to its cluster centre is ~0.7
    and to a random other point ~0, roughly what sentence embeddings show.
    """

    def __init__(self, dim: int, n_clusters: int, n_topics: int, seed: int):
        rng = np.random.default_rng(seed)
        self.dim = dim
        topics = _unit(rng.standard_normal((n_topics, dim), dtype=np.float32))
        topic_of = rng.integers(0, n_topics, n_clusters)
        # centre = topic + noise of norm ~1.2, so clusters in a topic overlap partly
        noise = rng.standard_normal((n_clusters, dim), dtype=np.float32) * (1.2 / math.sqrt(dim))
        self.centres = _unit(topics[topic_of] + noise)
        w = rng.lognormal(0.0, 1.0, n_clusters)
        self.weights = w / w.sum()
        # per-cluster point spread: noise norm between 0.7 and 1.3
        self.spread = (rng.uniform(0.7, 1.3, n_clusters) / math.sqrt(dim)).astype(np.float32)

    def sample(self, n: int, seed: int, chunk: int = 100_000) -> np.ndarray:
        rng = np.random.default_rng(seed)
        out = np.empty((n, self.dim), dtype=np.float32)
        for start in range(0, n, chunk):
            m = min(chunk, n - start)
            c = rng.choice(len(self.weights), size=m, p=self.weights)
            x = rng.standard_normal((m, self.dim), dtype=np.float32)
            x *= self.spread[c, None]
            x += self.centres[c]
            out[start : start + m] = _unit(x)
        return out


def _unit(x: np.ndarray) -> np.ndarray:
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return x


# --------------------------------------------------------------------------- measuring


def serialized_bytes(index) -> int:
    return int(faiss.serialize_index(index).size)


def single_query_latency(index, queries: np.ndarray, max_seconds: float) -> dict:
    """Search one query at a time; p50/p95 in milliseconds.

    Stops early (after at least 30 queries) if the loop exceeds max_seconds,
    so a slow exhaustive index at 1M does not eat the time budget.
    """
    for i in range(min(3, len(queries))):  # warm-up
        index.search(queries[i : i + 1], K)
    times = []
    t_start = time.perf_counter()
    for i in range(len(queries)):
        t0 = time.perf_counter()
        index.search(queries[i : i + 1], K)
        times.append(time.perf_counter() - t0)
        if i >= 29 and time.perf_counter() - t_start > max_seconds:
            break
    ms = np.array(times) * 1e3
    return {
        "n": len(times),
        "p50_ms": float(np.percentile(ms, 50)),
        "p95_ms": float(np.percentile(ms, 95)),
        "mean_ms": float(ms.mean()),
    }


def latency_both(index, queries: np.ndarray, args) -> dict:
    """Single-query latency with --threads OpenMP threads and with 1 thread.

    FAISS >= 1.13 splits a lone query over the database across threads once
    N >= 10k (each thread calling BLAS); on a small VM that can cost more than
    it saves, so the one-thread number is what an interactive app may prefer.
    """
    out = {"threads": args.threads, **single_query_latency(index, queries, args.max_single_s)}
    if args.threads != 1:
        faiss.omp_set_num_threads(1)
        try:
            one = single_query_latency(index, queries, args.max_single_s)
        finally:
            faiss.omp_set_num_threads(args.threads)
        out.update({f"{k}_1thread": v for k, v in one.items()})
    return out


def batch_search(index, queries: np.ndarray, min_seconds: float = 1.0, max_reps: int = 30):
    """Search all queries in one call; returns (labels, queries_per_second, runs).

    A call slower than 0.5 s is measured once. Faster ones are warmed up (the
    first OpenMP calls after an idle spell pay for waking threads), then
    repeated until min_seconds have elapsed (at most max_reps); the median run counts.
    """
    t0 = time.perf_counter()
    _, labels = index.search(queries, K)
    first = time.perf_counter() - t0
    if first > 0.5:
        return labels, len(queries) / first, 1
    index.search(queries, K)
    runs = []
    total = 0.0
    while len(runs) < max_reps and (total < min_seconds or not runs):
        t0 = time.perf_counter()
        _, labels = index.search(queries, K)
        dt = time.perf_counter() - t0
        runs.append(dt)
        total += dt
    return labels, len(queries) / float(np.median(runs)), len(runs)


def recall_at_k(found: np.ndarray, truth: np.ndarray) -> float:
    hits = 0
    for f, t in zip(found, truth):
        hits += len(set(f[:K].tolist()) & set(t[:K].tolist()))
    return hits / (len(truth) * K)


# --------------------------------------------------------------------------- the benchmark


def nlist_for(n: int) -> int:
    return max(1, int(round(4 * math.sqrt(n))))


def train_subset(xb: np.ndarray, nlist: int, per_centroid: int, seed: int) -> np.ndarray:
    n_train = min(len(xb), per_centroid * nlist)
    if n_train == len(xb):
        return xb
    idx = np.random.default_rng(seed).choice(len(xb), n_train, replace=False)
    idx.sort()
    return xb[idx]


def run_size(n: int, args, mixture: Mixture, queries: np.ndarray, hnsw_rate: dict) -> list[dict]:
    rows: list[dict] = []
    d = args.dim
    t0 = time.perf_counter()
    rss_before_data = settle()
    xb = mixture.sample(n, seed=SEED + n)
    log(f"N={n:,}: generated corpus in {time.perf_counter() - t0:.1f}s "
        f"({xb.nbytes / 2**20:.0f} MiB raw float32)")
    gen_rss = settle() - rss_before_data

    def record(name, params, build_s, index, mem_ser, rss_delta, lat, qps, reps, recall, extra=None):
        row = {
            "n": n,
            "index": name,
            "params": params,
            "build_s": round(build_s, 3),
            "serialized_bytes": mem_ser,
            "bytes_per_vector": round(mem_ser / n, 1),
            "rss_delta_bytes": rss_delta,
            "single_query": {k: (round(v, 4) if isinstance(v, float) else v) for k, v in lat.items()},
            "batch": {"queries": len(queries), "qps": round(qps, 1), "reps": reps},
            "recall_at_10": round(recall, 4),
        }
        if extra:
            row.update(extra)
        rows.append(row)
        log(f"  {name:8s} {json.dumps(params):32s} build {build_s:7.2f}s  "
            f"p50 {lat['p50_ms']:8.3f}ms p95 {lat['p95_ms']:8.3f}ms (1 thr p50 {lat.get('p50_ms_1thread', float('nan')):8.3f}ms)  "
            f"{qps:9.0f} q/s  recall@10 {recall:.3f}  {mem_ser / 2**20:8.1f} MiB")

    # ---- exact
    r0 = settle()
    t = time.perf_counter()
    flat = faiss.IndexFlatIP(d)
    flat.add(xb)
    build = time.perf_counter() - t
    rss = settle() - r0
    ser = serialized_bytes(flat)
    lat = latency_both(flat, queries, args)
    # FAISS 1.15 only uses BLAS for exhaustive search from 128k queries up
    # (distance_compute_blas_threshold); below that each query streams the whole
    # corpus from memory. Measure the default, then the BLAS path (which also
    # gives the ground truth quickly).
    default_threshold = faiss.cvar.distance_compute_blas_threshold
    found_default, qps, reps = batch_search(flat, queries)
    faiss.cvar.distance_compute_blas_threshold = 20
    try:
        truth, qps_blas, reps_blas = batch_search(flat, queries)
    finally:
        faiss.cvar.distance_compute_blas_threshold = default_threshold
    record("Flat", {"blas_threshold": default_threshold}, build, flat, ser, rss, lat, qps, reps,
           recall_at_k(found_default, truth))
    record("Flat", {"blas_threshold": 20}, build, flat, ser, rss, lat, qps_blas, reps_blas, 1.0,
           extra={"note": "same index; batch searched with faiss.cvar.distance_compute_blas_threshold = 20"})
    del flat
    settle()

    # ---- HNSW
    predicted = None
    if hnsw_rate:
        # HNSW insertion cost grows roughly like N log N
        prev_n, prev_s = hnsw_rate["n"], hnsw_rate["s"]
        predicted = prev_s * (n / prev_n) * (math.log(n) / math.log(prev_n))
    if n > args.hnsw_max_n or (predicted is not None and predicted > args.hnsw_budget_s):
        why = (f"skipped: N > --hnsw-max-n {args.hnsw_max_n}" if n > args.hnsw_max_n else
               f"skipped: predicted build {predicted:.0f}s > --hnsw-budget-s {args.hnsw_budget_s:.0f}s")
        log(f"  HNSW     {why}")
        rows.append({"n": n, "index": "HNSW", "params": {"M": args.hnsw_m}, "skipped": why,
                     "predicted_build_s": None if predicted is None else round(predicted, 1)})
    else:
        r0 = settle()
        t = time.perf_counter()
        hnsw = faiss.IndexHNSWFlat(d, args.hnsw_m, faiss.METRIC_INNER_PRODUCT)
        hnsw.hnsw.efConstruction = args.ef_construction
        hnsw.add(xb)
        build = time.perf_counter() - t
        rss = settle() - r0
        hnsw_rate.update(n=n, s=build)
        ser = serialized_bytes(hnsw)
        for ef in args.ef_search:
            hnsw.hnsw.efSearch = ef
            found, qps, reps = batch_search(hnsw, queries)
            lat = latency_both(hnsw, queries, args)
            record("HNSW", {"M": args.hnsw_m, "efConstruction": args.ef_construction, "efSearch": ef},
                   build, hnsw, ser, rss, lat, qps, reps, recall_at_k(found, truth),
                   extra={"predicted_build_s": None if predicted is None else round(predicted, 1)})
        del hnsw
        settle()

    # ---- IVFFlat
    nlist = nlist_for(n)
    xt = train_subset(xb, nlist, args.train_per_centroid, SEED + 1)
    r0 = settle()
    t = time.perf_counter()
    quantizer = faiss.IndexFlatIP(d)
    ivf = faiss.IndexIVFFlat(quantizer, d, nlist, faiss.METRIC_INNER_PRODUCT)
    ivf.cp.niter = args.kmeans_iter
    ivf.train(xt)
    train_s = time.perf_counter() - t
    ivf.add(xb)
    build = time.perf_counter() - t
    rss = settle() - r0
    ser = serialized_bytes(ivf)
    ivf_params = {"nlist": nlist, "train_points": len(xt), "kmeans_iter": args.kmeans_iter}
    for nprobe in args.nprobe:
        ivf.nprobe = min(nprobe, nlist)
        found, qps, reps = batch_search(ivf, queries)
        lat = latency_both(ivf, queries, args)
        record("IVFFlat", {**ivf_params, "nprobe": ivf.nprobe}, build, ivf, ser, rss, lat, qps, reps,
               recall_at_k(found, truth), extra={"train_s": round(train_s, 3)})

    # ---- IVFPQ: reuse the trained coarse quantizer, train only the PQ codebooks
    if not args.no_ivfpq:
        m = args.pq_m
        r0 = settle()
        t = time.perf_counter()
        q2 = faiss.IndexFlatIP(d)
        q2.add(faiss.rev_swig_ptr(quantizer.get_xb(), nlist * d).reshape(nlist, d).copy())
        pq = faiss.IndexIVFPQ(q2, d, nlist, m, 8, faiss.METRIC_INNER_PRODUCT)
        # coarse quantizer already trained: this trains the PQ codebooks only, on a
        # capped subset (PQ k-means on 8-dim sub-vectors is slow in FAISS: ~0.6 s per
        # sub-quantizer per 12k points here)
        xt_pq = xt[: min(len(xt), args.pq_train)]
        pq.train(xt_pq)
        pq_train_s = time.perf_counter() - t
        pq.add(xb)
        pq_build = time.perf_counter() - t
        rss = settle() - r0
        ser = serialized_bytes(pq)
        for nprobe in args.pq_nprobe:
            pq.nprobe = min(nprobe, nlist)
            found, qps, reps = batch_search(pq, queries)
            lat = latency_both(pq, queries, args)
            record("IVFPQ", {"nlist": nlist, "m": m, "nbits": 8, "nprobe": pq.nprobe},
                   pq_build, pq, ser, rss, lat, qps, reps, recall_at_k(found, truth),
                   extra={"train_s": round(pq_train_s, 3), "pq_train_points": len(xt_pq),
                          "note": "coarse quantizer reused from IVFFlat; its training time is not included"})
        del pq, q2, xt_pq
    del ivf, quantizer, xt
    settle()

    # ---- SQ8 (exhaustive, 1 byte per dimension)
    if not args.no_sq8:
        r0 = settle()
        t = time.perf_counter()
        sq = faiss.IndexScalarQuantizer(d, faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT)
        sq.train(xb[: min(n, 100_000)])
        sq.add(xb)
        build = time.perf_counter() - t
        rss = settle() - r0
        found, qps, reps = batch_search(sq, queries)
        lat = latency_both(sq, queries, args)
        record("SQ8", {}, build, sq, serialized_bytes(sq), rss, lat, qps, reps, recall_at_k(found, truth))
        del sq

    del xb
    settle()
    for r in rows:
        r["corpus_rss_bytes"] = gen_rss
    return rows


# --------------------------------------------------------------------------- reporting


def _mib(b: int) -> str:
    return f"{b / 2**20:,.1f}"


def _params(row: dict) -> str:
    p = row["params"]
    keys = {"Flat": ["blas_threshold"], "HNSW": ["efSearch"], "IVFFlat": ["nlist", "nprobe"],
            "IVFPQ": ["nlist", "m", "nprobe"]}
    return ", ".join(f"{k}={p[k]}" for k in keys.get(row["index"], []) if k in p) or "-"


def markdown_table(rows: list[dict]) -> str:
    head = ("| N | index | params | build s | serialized MiB | RSS delta MiB | 1-query p50 ms "
            "| 1-query p95 ms | 1-query p50 ms, 1 thread | batch q/s | recall@10 |")
    lines = [head, "|" + "---|" * 11]
    for r in rows:
        if "skipped" in r:
            lines.append(f"| {r['n']:,} | {r['index']} | M={r['params'].get('M')} | - | - | - | - | - | - | - | "
                         f"{r['skipped']} |")
            continue
        sq = r["single_query"]
        one = sq.get("p50_ms_1thread")
        lines.append(
            f"| {r['n']:,} | {r['index']} | {_params(r)} | {r['build_s']:.2f} | {_mib(r['serialized_bytes'])} "
            f"| {_mib(r['rss_delta_bytes'])} | {sq['p50_ms']:.3f} | {sq['p95_ms']:.3f} "
            f"| {'-' if one is None else f'{one:.3f}'} | {r['batch']['qps']:,.0f} | {r['recall_at_10']:.3f} |")
    return "\n".join(lines)


def machine_info() -> dict:
    cpu = platform.processor() or ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:  # pragma: no cover
        pass
    try:
        with open("/proc/meminfo") as f:
            mem_kb = int(f.readline().split()[1])
    except OSError:  # pragma: no cover
        mem_kb = 0
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gib": round(mem_kb / 2**20, 1),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "faiss": faiss.__version__,
        "faiss_threads": faiss.omp_get_max_threads(),
        "platform": platform.platform(),
    }


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    p.add_argument("--dim", type=int, default=384)
    p.add_argument("--queries", type=int, default=200)
    p.add_argument("--out", type=Path, default=Path("bench/results/faiss_scaling.json"))
    p.add_argument("--md", type=Path, default=None,
                   help="Markdown table path (default: --out with .md)")
    p.add_argument("--quick", action="store_true",
                   help="tiny run (2k and 5k vectors, 50 queries) to check the script works")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--omp-wait-policy", choices=["PASSIVE", "ACTIVE", "default"], default="PASSIVE",
                   help="OMP_WAIT_POLICY for FAISS's OpenMP (the libgomp default spins, which on this "
                        "2-vCPU VM gave erratic 4-16 ms stalls per search call)")
    p.add_argument("--clusters", type=int, default=3000, help="mixture components")
    p.add_argument("--topics", type=int, default=60, help="super-centres the clusters gather around")
    p.add_argument("--hnsw-m", type=int, default=32)
    p.add_argument("--ef-construction", type=int, default=40)
    p.add_argument("--ef-search", type=int, nargs="+", default=[16, 64, 128])
    p.add_argument("--hnsw-max-n", type=int, default=10**9, help="never build HNSW above this N")
    p.add_argument("--hnsw-budget-s", type=float, default=600.0,
                   help="skip HNSW at a size whose build, extrapolated from the previous size, exceeds this")
    p.add_argument("--nprobe", type=int, nargs="+", default=[1, 8, 32])
    p.add_argument("--train-per-centroid", type=int, default=40,
                   help="IVF k-means training points per list (FAISS warns below 39)")
    p.add_argument("--kmeans-iter", type=int, default=10)
    p.add_argument("--pq-m", type=int, default=48, help="IVFPQ sub-quantizers (bytes per vector)")
    p.add_argument("--pq-train", type=int, default=16_384, help="IVFPQ codebook training points (cap)")
    p.add_argument("--pq-nprobe", type=int, nargs="+", default=[8, 32])
    p.add_argument("--no-ivfpq", action="store_true")
    p.add_argument("--no-sq8", action="store_true")
    p.add_argument("--max-single-s", type=float, default=15.0,
                   help="cap on time spent timing single queries per configuration (>= 30 queries always)")
    args = p.parse_args(argv)
    if args.quick:
        args.sizes = [2_000, 5_000]
        args.queries = min(args.queries, 50)
        args.clusters = min(args.clusters, 200)
        args.topics = min(args.topics, 10)
        args.max_single_s = 2.0
        if args.out == p.get_default("out"):
            args.out = Path("bench/results/faiss_scaling_quick.json")
    if args.md is None:
        args.md = args.out.with_suffix(".md")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    _import_faiss(args.omp_wait_policy)
    faiss.omp_set_num_threads(args.threads)
    t_all = time.perf_counter()
    info = machine_info()
    log(f"faiss {info['faiss']} on {info['cpu']} ({info['cores']} cores, {info['faiss_threads']} threads)")

    mixture = Mixture(args.dim, args.clusters, args.topics, SEED)
    queries = mixture.sample(args.queries, seed=SEED - 1)
    rows: list[dict] = []
    hnsw_rate: dict = {}
    for n in sorted(args.sizes):
        t = time.perf_counter()
        rows.extend(run_size(n, args, mixture, queries, hnsw_rate))
        log(f"N={n:,} done in {time.perf_counter() - t:.0f}s")

    total_s = time.perf_counter() - t_all
    result = {
        "benchmark": "faiss_scaling",
        "version": 1,
        "date": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "machine": info,
        "config": {
            "sizes": sorted(args.sizes), "dim": args.dim, "queries": args.queries, "k": K, "seed": SEED,
            "data": {"kind": "two-level Gaussian mixture on the unit sphere", "clusters": args.clusters,
                     "topics": args.topics, "queries": "fresh draws from the same mixture"},
            "threads": args.threads, "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY", "default"),
            "faiss_blas_threshold_default": int(faiss.cvar.distance_compute_blas_threshold),
            "hnsw_m": args.hnsw_m, "ef_construction": args.ef_construction,
            "ef_search": args.ef_search, "nprobe": args.nprobe, "nlist_rule": "round(4*sqrt(N))",
            "train_per_centroid": args.train_per_centroid, "kmeans_iter": args.kmeans_iter,
            "pq_m": args.pq_m, "pq_train": args.pq_train, "pq_nprobe": args.pq_nprobe, "max_single_s": args.max_single_s,
            "quick": args.quick,
        },
        "notes": [
            "recall@10 is measured against IndexFlatIP on the same corpus (exact = 1.0 by definition)",
            "single-query latency: one search call per query (batch of 1), after 3 warm-up calls; "
            "measured with the configured threads and again with 1 thread (*_1thread)",
            "batch q/s: all queries in one search call; calls over 0.5 s are timed once, faster ones are "
            "warmed up and the median of runs until >= 1 s (max 30) is kept",
            "Flat appears twice: batch search with FAISS's default BLAS threshold (128000 queries in 1.15) "
            "and with the threshold lowered to 20; ground truth comes from the latter",
            "rss_delta_bytes: process RSS after build minus before (gc + malloc_trim around both); "
            "noisy, includes allocator slack",
            "build_s for IVF includes k-means training (train_s) and adding all vectors",
        ],
        "total_seconds": round(total_s, 1),
        "results": rows,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    table = markdown_table(rows)
    md = (f"# FAISS scaling benchmark\n\n"
          f"{result['date']} - {info['cpu']}, {info['cores']} cores, {info['ram_gib']} GiB RAM, "
          f"faiss {info['faiss']}, {args.threads} threads, OMP_WAIT_POLICY={result['config']['omp_wait_policy']}; dim {args.dim}, {args.queries} queries, k={K}; "
          f"total run {total_s:.0f} s.\n\n{table}\n")
    args.md.write_text(md)
    print(table)
    log(f"wrote {args.out} and {args.md} (total {total_s:.0f}s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
