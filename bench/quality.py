#!/usr/bin/env python3
"""Score the cleaner chain in-process on ../shared/bench/aeb-dev, fast.

The same data and metric as ../shared/bench/aeb_score.py (imported from it),
without a Prefect run per extractor, so rules can be tried in seconds. Each
extractor's 93 documents form one corpus, as `presswash clean` would see them.
The official numbers (docs/quality.md) come from aeb_score.py itself.

  python bench/quality.py                      # every extractor + --clean-input
  python bench/quality.py --only html-text --show strip_boilerplate
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from collections import Counter
from pathlib import Path
from statistics import mean

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cleaners.names import NameLexicon  # noqa: E402
from cleaners.pipeline import CorpusContext, CorpusStats, clean_text  # noqa: E402

BENCH = ROOT.parent / "shared" / "bench"


def load_metric():
    spec = importlib.util.spec_from_file_location("aeb_score", BENCH / "aeb_score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=BENCH / "aeb-dev")
    parser.add_argument("--only", default="", help="comma-separated extractor names (ground-truth for --clean-input)")
    parser.add_argument("--show", default="", help="print the edits of this step (or step/rule) on the chosen inputs")
    args = parser.parse_args()
    aeb = load_metric()
    import json

    gt = {k: v["articleBody"] for k, v in json.loads((args.data / "ground-truth.json").read_text()).items()}
    names = [n for n in args.only.split(",") if n] or ["ground-truth"] + sorted(p.stem for p in (args.data / "output").glob("*.json"))
    print(f"{'input':16} {'F1 before':>9} {'F1 after':>9} {'delta':>7}  {'P after':>7} {'R after':>7}  edits")
    deltas, rules = [], Counter()
    for name in names:
        texts = gt if name == "ground-truth" else aeb.load(args.data / "output" / f"{name}.json")
        texts = {k: texts.get(k, "") for k in gt}
        context = CorpusContext.build(CorpusStats.from_text(t) for t in texts.values())
        cleaned, counts = {}, Counter()
        for key, text in texts.items():
            cleaned[key], edits = clean_text(text, context)
            for e in edits:
                if e.step != "canonicalize_layout":
                    counts[f"{e.step}/{e.rule}"] += 1
                if args.show and (args.show == e.step or args.show == f"{e.step}/{e.rule}"):
                    print(f"  {key[:8]} {e.rule:22} {e.before.strip()[:110]!r} -> {e.after[:30]!r}")
        before = aeb.prf([aeb.tp_fp_fn(gt[k], texts[k]) for k in gt])
        after = aeb.prf([aeb.tp_fp_fn(gt[k], cleaned[k]) for k in gt])
        if name != "ground-truth":
            deltas.append(after[0] - before[0])
        rules.update(counts)
        print(f"{name:16} {before[0]:9.3f} {after[0]:9.3f} {after[0]-before[0]:+7.3f}  {after[1]:7.3f} {after[2]:7.3f}  {sum(counts.values())}")
    if deltas:
        print(f"mean F1 delta {mean(deltas):+.4f}; worst {min(deltas):+.4f}")
    print("edits by rule:", ", ".join(f"{r} {c}" for r, c in rules.most_common(25)))


if __name__ == "__main__":
    main()
