#!/usr/bin/env python3
"""Measure repair_garbles: inject damage into clean real text, count repairs.

Corpus: the English ground-truth articles of ../shared/bench/aeb-dev, each in
COPIES copies (so names have consensus). Copy 0 stays clean; each other copy
gets exactly one injected damage: a quote garble (doubled opener, closing mark
glued to the next word, opener turned the wrong way, scare quote closed with
a single mark), a doubled dash or space before a comma, or one occurrence of
a name misspelled by one letter. The whole chain runs in-process over the
corpus; a damage counts as repaired when the damaged copy comes out exactly
as the clean copy does. False changes: words repair_garbles changed in the
clean copies, over all their words.

  python bench/garbles.py [--seed 1]
  python bench/garbles.py --timing /tmp/corpus   # corpus pass + repair, with and without names
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from pathlib import Path

import regex

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cleaners.boilerplate import RuleSet  # noqa: E402
from cleaners.decode import decode_bytes  # noqa: E402
from cleaners.names import NameLexicon  # noqa: E402
from cleaners.pipeline import DEFAULT_CHAIN, CorpusContext, CorpusStats, clean_text, run_step  # noqa: E402

GROUND_TRUTH = ROOT.parent / "shared" / "bench" / "aeb-dev" / "ground-truth.json"
COPIES = 4
NAME_RE = regex.compile(r"(?<=[\p{Ll},] )\p{Lu}\p{Ll}{4,}(?=[ ,.])")


def quote_damage(text: str, rng: random.Random) -> str | None:
    kinds = []
    opener = list(regex.finditer(r"(?<= )“(?=\w)", text))
    closer = list(regex.finditer(r"(?<=\w)” (?=\p{L})", text))
    short = list(regex.finditer(r"(?<= )“(\w[\w-]*(?: [\w-]+){0,3})”(?= )", text))
    if opener:
        kinds += ["doubled", "orientation"]
    if closer:
        kinds.append("glued")
    if short:
        kinds.append("mismatched")
    if not kinds:
        return None
    kind = rng.choice(kinds)
    if kind == "doubled":
        m = rng.choice(opener)
        return text[: m.start()] + "“”" + text[m.end() :]
    if kind == "orientation":
        m = rng.choice(opener)
        return text[: m.start()] + "”" + text[m.end() :]
    if kind == "glued":
        m = rng.choice(closer)
        return text[: m.start()] + "“" + text[m.end() :]
    m = rng.choice(short)
    return text[: m.end() - 1] + "’" + text[m.end() :]


def dash_damage(text: str, rng: random.Random) -> str | None:
    spots = [("doubled-dash", m) for m in regex.finditer(r" — ", text)]
    spots += [("space-comma", m) for m in regex.finditer(r"(?<=\p{Ll}), ", text)]
    if not spots:
        return None
    kind, m = rng.choice(spots)
    return text[: m.start()] + (" — — " if kind == "doubled-dash" else " , ") + text[m.end() :]


def name_damage(text: str, rng: random.Random) -> str | None:
    names = [m for m in NAME_RE.finditer(text) if text.count(m.group()) >= 1]
    if not names:
        return None
    m = rng.choice(names)
    name = m.group()
    i = rng.randrange(1, len(name))
    letter = rng.choice([c for c in "aeioubcdgklmnprst" if c != name[i].lower()])
    return text[: m.start()] + name[:i] + letter + name[i + 1 :] + text[m.end() :]


DAMAGES = {"quotes": quote_damage, "dashes-and-spacing": dash_damage, "names": name_damage}


def english_articles() -> list[str]:
    bodies = [v["articleBody"] for v in json.loads(GROUND_TRUTH.read_text()).values()]
    return [b for b in bodies if 1000 < len(b) < 12000 and sum(c.isascii() for c in b) > 0.97 * len(b)]


def measure(seed: int) -> None:
    rng = random.Random(seed)
    corpus, cases = [], []  # cases: (kind, index of damaged doc, index of clean copy)
    for article in english_articles():
        reference = len(corpus)
        corpus.append(article)
        for kind, damage in DAMAGES.items():
            damaged = damage(article, rng)
            corpus.append(damaged if damaged is not None else article)
            if damaged is not None and damaged != article:
                cases.append((kind, len(corpus) - 1, reference))
        corpus += [article] * (COPIES - 1 - len(DAMAGES))
    context = CorpusContext.build(CorpusStats.from_text(t) for t in corpus)
    results = [clean_text(t, context) for t in corpus]
    repaired, total = Counter(), Counter()
    for kind, damaged, reference in cases:
        total[kind] += 1
        repaired[kind] += results[damaged][0] == results[reference][0]
    clean_refs = {reference for _, _, reference in cases}
    changed_words = sum(
        len(e.before.split()) or 1 for i in clean_refs for e in results[i][1] if e.step == "repair_garbles"
    )
    words = sum(len(corpus[i].split()) for i in clean_refs)
    print(f"{len(corpus)} documents ({len(clean_refs)} articles x {COPIES} copies), {sum(total.values())} injected damages")
    for kind in DAMAGES:
        print(f"  {kind:20} repaired {repaired[kind]:4}/{total[kind]:<4} = {repaired[kind] / max(1, total[kind]):.1%}")
    print(f"  false word changes in undamaged copies: {changed_words}/{words} = {changed_words / words:.3%}")


def timing(folder: Path) -> None:
    """The chain with name repair (lexicon built in the corpus pass) against
    the chain with an empty lexicon, CPU time on one core."""
    texts = [decode_bytes(p.read_bytes()).text for p in sorted(folder.glob("*.txt"))]
    started = time.process_time()
    lexicon = NameLexicon()
    for text in texts:
        lexicon.merge(NameLexicon.from_text(text))
    index = lexicon.consensus_index()
    corpus_pass = time.process_time() - started
    with_names = CorpusContext(RuleSet.load(), lexicon, index)
    without = CorpusContext(RuleSet.load())
    spent = {}
    for label, context in (("without names", without), ("with names", with_names)):
        started = time.process_time()
        for text in texts:
            for step in DEFAULT_CHAIN:
                text = run_step(step, text, context)[0]
        spent[label] = time.process_time() - started
    total = spent["with names"] + corpus_pass
    print(f"{len(texts)} documents; lexicon: {len(lexicon.documents)} spellings, built in {corpus_pass:.1f} s")
    print(f"chain without names {spent['without names']:.1f} s; with names {spent['with names']:.1f} s + lexicon {corpus_pass:.1f} s")
    print(f"ratio {total / spent['without names']:.2f} (floor: 2.0)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timing", type=Path, help="a corpus folder to time the chain on, with and without names")
    args = parser.parse_args()
    if args.timing:
        timing(args.timing)
    else:
        measure(args.seed)


if __name__ == "__main__":
    main()
