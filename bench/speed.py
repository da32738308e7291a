#!/usr/bin/env python3
"""Time each cleaner on a generated corpus, in-process, one core.

Reports MB/s per step (over the bytes of the corpus), the whole chain, and a
ftfy-only pass over the same texts as the yardstick. Prefect is not involved:
this measures the cleaners; `presswash clean` adds Prefect's start-up and
per-task costs on top.

  python ../shared/bench/make_corpus.py /tmp/corpus --mb 20
  python bench/speed.py /tmp/corpus
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import ftfy  # noqa: E402

from cleaners.decode import decode_bytes  # noqa: E402
from cleaners.pipeline import DEFAULT_CHAIN, CorpusContext, CorpusStats, run_step  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", type=Path, help="folder of *.txt files (e.g. from make_corpus.py)")
    parser.add_argument("--limit", type=int, default=0, help="use only the first N files")
    args = parser.parse_args()
    paths = sorted(args.corpus.glob("*.txt"))[: args.limit or None]
    raw = [p.read_bytes() for p in paths]
    megabytes = sum(map(len, raw)) / 1e6
    seconds = Counter()

    started = time.process_time()
    texts = [decode_bytes(r).text for r in raw]
    seconds["decode"] = time.process_time() - started

    started = time.process_time()
    stats = [CorpusStats.from_text(t) for t in texts]
    context = CorpusContext.build(stats)
    seconds["corpus pass"] = time.process_time() - started

    for step in DEFAULT_CHAIN:
        started = time.process_time()
        texts = [run_step(step, t, context)[0] for t in texts]
        seconds[step] = time.process_time() - started

    originals = [decode_bytes(r).text for r in raw]
    started = time.process_time()
    for text in originals:
        ftfy.fix_text(text)
    yardstick = time.process_time() - started

    total = sum(seconds.values())
    print(f"{len(paths)} documents, {megabytes:.1f} MB")
    print(f"{'stage':22} {'CPU s':>8} {'MB/s':>8}")
    for stage, spent in seconds.items():
        print(f"{stage:22} {spent:8.2f} {megabytes / spent:8.1f}")
    print(f"{'whole chain':22} {total:8.2f} {megabytes / total:8.1f}")
    print(f"{'ftfy.fix_text alone':22} {yardstick:8.2f} {megabytes / yardstick:8.1f}")
    print(f"chain / ftfy CPU time: {total / yardstick:.2f}")


if __name__ == "__main__":
    main()
