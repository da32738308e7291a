#!/usr/bin/env python3
"""Speed and memory of the whole flow, against a ftfy-only pass on the same files.

For each corpus size (generated once by ../shared/bench/make_corpus.py and
kept under --corpora), in one run and side by side:

- the yardstick: a fresh Python process that reads every file, runs
  `ftfy.fix_text` on it and writes the result (interpreter start-up
  included), once before and once after the other runs (their mean is the
  yardstick: the machine drifts);
- `presswash clean` as users run it (a fresh process, Prefect's embedded
  server unless PREFECT_API_URL is set, all cleaners, changelog, manifest,
  report), with `--no-cache`, for each --workers count;
- with a --workers count above 1, the yardstick's work in two halves, run
  side by side: the speed-up this machine's cores give two CPU-bound
  processes, the ceiling of any two-worker run (virtual cores that share a
  host give less than 2x).

Reported per run: wall time, CPU time of the process tree (user + system, the
embedded server included) and its system part, CPU time over the
yardstick's, MB/s and documents/s per CPU second, and peak RSS (the largest
single process). With --split, the CPU time of each cleaner in-process (no
Prefect) is added. With --repeat N, N such rounds, then the median and range
of each ratio (and of the speed-up over one worker): the machine's noise is a
few percent, as large as the margins the issue's targets leave.

  python bench/speed.py --mb 40 --runner threads --repeat 5   # the issue's benchmark
  python bench/speed.py --mb 40 --workers 1 2 --runner processes --repeat 3
  python bench/speed.py --mb 20 40 80 --runner threads  # growth: time per doubling
  python bench/speed.py --mb 200 --runner threads     # memory bound
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import astuple, dataclass
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
MAKE_CORPUS = ROOT.parent / "shared" / "bench" / "make_corpus.py"

FTFY_ONLY = """
import sys
from pathlib import Path
import ftfy
src, out = Path(sys.argv[1]), Path(sys.argv[2])
part, parts = (int(sys.argv[3]), int(sys.argv[4])) if len(sys.argv) > 3 else (0, 1)
for path in sorted(src.glob("*.txt"))[part::parts]:
    (out / path.name).write_text(ftfy.fix_text(path.read_bytes().decode("utf-8", "replace")), encoding="utf-8")
"""

YARDSTICK = "ftfy only"  # the yardstick's row among a round's runs
# The yardstick's work cut in two halves run side by side: the speed-up two
# CPU-bound processes get on this machine's cores, the ceiling of any
# two-worker run. Virtual cores may give well under 2x (docs/performance.md).
HALVES = "ftfy 2 halves"


@dataclass
class Measured:
    wall: float
    cpu: float
    sys: float  # of cpu: system time, mostly the file system's (it varies with what was deleted before)
    peak_rss_mb: float


def run_measured(command: list[str], env: dict | None = None) -> Measured:
    """Run COMMAND to the end; its wall time, and CPU time and peak RSS of
    its process tree (every descendant it waited for)."""
    with tempfile.TemporaryFile() as log:  # a file, not a pipe: a full pipe would stall the run
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        if os.waitstatus_to_exitcode(status) != 0:
            log.seek(0)
            raise SystemExit(f"{' '.join(command)} failed:\n{log.read().decode(errors='replace')[-3000:]}")
    return Measured(wall, usage.ru_utime + usage.ru_stime, usage.ru_stime, usage.ru_maxrss / 1024)


def run_side_by_side(commands: list[list[str]], env: dict | None = None) -> Measured:
    """Run COMMANDS at once; the wall time until the last ends, their CPU
    time added up and the largest peak RSS."""
    started = time.perf_counter()
    processes = [subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
                 for command in commands]
    usages = []
    for process in processes:
        _, status, usage = os.wait4(process.pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"{' '.join(process.args)} failed")
        usages.append(usage)
    wall = time.perf_counter() - started
    return Measured(wall, sum(u.ru_utime + u.ru_stime for u in usages), sum(u.ru_stime for u in usages),
                    max(u.ru_maxrss for u in usages) / 1024)


def _fresh(scratch: str, name: str) -> str:
    """A new empty folder NAME in SCRATCH."""
    folder = Path(scratch) / name
    folder.mkdir()
    return str(folder)


def corpus_of(megabytes: float, corpora: Path) -> Path:
    folder = corpora / f"corpus-{megabytes:g}mb"
    if not (folder / ".complete").exists():
        shutil.rmtree(folder, ignore_errors=True)
        subprocess.run([sys.executable, str(MAKE_CORPUS), str(folder), "--mb", str(megabytes)], check=True,
                       stdout=subprocess.DEVNULL)
        (folder / ".complete").touch()
    return folder


def split_by_cleaner(corpus: Path) -> Counter:
    """CPU seconds of the corpus pass (near-duplicate clusters included) and of
    each cleaner, in-process."""
    from cleaners.decode import decode_bytes
    from cleaners.pipeline import DEFAULT_CHAIN, CorpusContext, CorpusStats, run_step
    from cleaners.review import review_warnings

    texts = [decode_bytes(p.read_bytes()).text for p in sorted(corpus.glob("*.txt"))]
    seconds = Counter()
    started = time.process_time()
    total = CorpusStats()
    for number, text in enumerate(texts):
        total.merge(CorpusStats.from_text(text, str(number)))
    context = CorpusContext.build([total])
    total.signatures.clusters()
    seconds["corpus pass"] = time.process_time() - started
    for step in DEFAULT_CHAIN:
        started = time.process_time()
        texts = [run_step(step, t, context)[0] for t in texts]
        seconds[step] = time.process_time() - started
    started = time.process_time()
    for text in texts:
        review_warnings(text)
    seconds["review"] = time.process_time() - started
    return seconds


def measure_round(corpus: Path, runner: str, workers: list[int], presswash: str, env: dict, scratch: str, label: str):
    """One side-by-side round: the yardstick before, presswash on RUNNER with
    each of the WORKERS counts, the yardstick after. Returns the runs, the yardstick
    (the mean of the two) first, and the two yardstick runs. Every run
    writes into a new folder of SCRATCH (LABEL names the round's)."""
    ftfy_only = [FTFY_ONLY, str(corpus)]
    before = run_measured([sys.executable, "-c", *ftfy_only, _fresh(scratch, f"ftfy-before{label}")], env)
    runs = {
        f"{runner} x{count}": run_measured(
            [presswash, "clean", str(corpus), "--out", _fresh(scratch, f"x{count}{label}") + "/out", "--no-cache",
             "--task-runner", runner, "--workers", str(count)], env)
        for count in workers
    }
    after = run_measured([sys.executable, "-c", *ftfy_only, _fresh(scratch, f"ftfy-after{label}")], env)
    yardstick = Measured(*((a + b) / 2 for a, b in zip(astuple(before), astuple(after))))
    measured = {YARDSTICK: yardstick, **runs}
    if max(workers) > 1:  # what this machine's cores give side by side, measured in the same round
        halves = _fresh(scratch, f"ftfy-halves{label}")
        measured[HALVES] = run_side_by_side(
            [[sys.executable, "-c", *ftfy_only, halves, str(part), "2"] for part in range(2)], env)
    return measured, before, after


def summary(rounds: list[dict[str, Measured]], runner: str, workers: list[int]) -> list[str]:
    """Lines giving, over the rounds, the median and range of each run's CPU
    over the yardstick's and of each worker count's speed-up in wall time
    over one worker.

    >>> m = lambda wall, cpu: Measured(wall, cpu, 0.0, 0.0)
    >>> rounds = [{"ftfy only": m(10, 10), "threads x1": m(14, 15), "threads x2": m(8, 16), HALVES: m(5, 10)},
    ...           {"ftfy only": m(10, 10), "threads x1": m(13, 14), "threads x2": m(9, 17), HALVES: m(6, 11)}]
    >>> print("\\n".join(summary(rounds, "threads", [1, 2])))
    threads x1 CPU/ftfy: median 1.45, 1.40-1.50 over 2 rounds
    threads x2 CPU/ftfy: median 1.65, 1.60-1.70 over 2 rounds
    threads x2 speed-up over x1: median 1.60, 1.44-1.75 over 2 rounds
    ftfy-only speed-up, 2 halves side by side (the ceiling): median 1.83, 1.67-2.00 over 2 rounds
    """
    def line(what: str, values: list[float]) -> str:
        return f"{what}: median {median(values):.2f}, {min(values):.2f}-{max(values):.2f} over {len(values)} rounds"

    lines = [line(f"{name} CPU/ftfy", [r[name].cpu / r[YARDSTICK].cpu for r in rounds])
             for name in rounds[0] if name not in (YARDSTICK, HALVES)]
    if 1 in workers:
        lines += [line(f"{runner} x{n} speed-up over x1",
                       [r[f"{runner} x1"].wall / r[f"{runner} x{n}"].wall for r in rounds])
                  for n in workers if n != 1]
    if HALVES in rounds[0]:
        lines.append(line("ftfy-only speed-up, 2 halves side by side (the ceiling)",
                          [r[YARDSTICK].wall / r[HALVES].wall for r in rounds]))
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mb", type=float, nargs="+", default=[40], help="corpus sizes in MB (default 40)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1], help="worker counts to run (default 1)")
    parser.add_argument("--runner", default="processes", choices=("threads", "processes", "dask"),
                        help="task runner for the flow (default processes: one core per worker)")
    parser.add_argument("--repeat", type=int, default=1, metavar="N",
                        help="side-by-side rounds per corpus size (default 1); with 2 or more, the median and "
                             "range of each ratio follow (the outputs of all rounds stay on disk until the last)")
    parser.add_argument("--corpora", type=Path, default=Path(tempfile.gettempdir()) / "presswash-bench",
                        help="where generated corpora are kept between runs")
    parser.add_argument("--split", action="store_true", help="also time each cleaner in-process")
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error(f"--repeat: give 1 or more, not {args.repeat}")
    presswash = shutil.which("presswash") or str(Path(sys.executable).parent / "presswash")
    env = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}

    print(f"{'MB':>6} {'docs':>6} {'run':>14} {'wall s':>7} {'CPU s':>7} {'sys s':>6} {'CPU/ftfy':>8} "
          f"{'MB/CPU-s':>8} {'docs/CPU-s':>10} {'peak RSS MB':>11}")
    for megabytes in args.mb:
        corpus = corpus_of(megabytes, args.corpora)
        files = sorted(corpus.glob("*.txt"))
        size = sum(p.stat().st_size for p in files) / 1e6
        # Every run writes into a folder of its own, all removed at the end: on ext4, creating
        # files just after thousands were deleted costs seconds of system time more
        # (docs/performance.md), so a run must not follow the removal of another's output.
        # The yardstick runs before and after presswash: the machine drifts.
        rounds = []
        with tempfile.TemporaryDirectory() as scratch:
            for number in range(args.repeat):
                runs, before, after = measure_round(
                    corpus, args.runner, args.workers, presswash, env, scratch, f"-{number}")
                yardstick = runs[YARDSTICK]
                for name, measured in runs.items():
                    print(f"{size:6.1f} {len(files):6d} {name:>14} {measured.wall:7.1f} {measured.cpu:7.1f} "
                          f"{measured.sys:6.1f} {measured.cpu / yardstick.cpu:8.2f} {size / measured.cpu:8.2f} "
                          f"{len(files) / measured.cpu:10.0f} {measured.peak_rss_mb:11.0f}")
                print(f"{'':6} {'':6} {'':>14} ftfy only, before and after: {before.cpu:.1f} and {after.cpu:.1f} s CPU")
                rounds.append(runs)
                sys.stdout.flush()
        if args.repeat > 1 or len(args.workers) > 1:
            for line in summary(rounds, args.runner, args.workers):
                print(f"{size:6.1f} MB: {line}")
        if args.split:
            for stage, spent in split_by_cleaner(corpus).items():
                print(f"{'':6} {'':6} {stage:>20} CPU {spent:6.2f} s  {size / spent:6.1f} MB/s")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
