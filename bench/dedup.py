#!/usr/bin/env python3
"""Benchmark for repeats inside documents and near duplicates across them.

Built from the clean articles of ../shared/bench/aeb-dev/ground-truth.json:

1. Repeats: into each article, one at a time, inject a later copy of one of
   its paragraphs (exact, or with about 10% of words changed) or of one of
   its sentences (exact or near, inserted into a later paragraph). Each
   injected text runs through the whole cleaner chain, in-process; an
   injection is removed when the result equals the chain's output on the
   untouched article. A real paragraph is lost when a paragraph of that
   output is missing from the result.
2. Clusters: two near copies of every article (about 10% of words replaced,
   each independently), clustered with the originals. Pair precision and
   recall against the true pairs; a cluster that holds two articles is mixed.
3. Scale (--scale N): signatures + LSH clusters for N synthetic documents of
   ~600 words (10% of them near copies), generated on the fly so that only
   signatures are held; wall time and peak memory of that part.

  python bench/dedup.py              # 1 and 2
  python bench/dedup.py --scale 100000
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import re
import resource
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cleaners.neardup import Signatures  # noqa: E402
from cleaners.pipeline import CorpusContext, CorpusStats, clean_text  # noqa: E402

GROUND_TRUTH = ROOT.parent / "shared" / "bench" / "aeb-dev" / "ground-truth.json"
SEED = 5
# What the benchmark injects: repeats long enough to be scraper accidents
# rather than a writer's choice (dedupe_paragraphs keeps shorter ones on
# purpose): paragraphs of 15+ words, sentences of 14+ words from prose.
MIN_PARAGRAPH_WORDS = 15
MIN_SENTENCE_WORDS = 14
CHANGED_SHARE = 0.10
WORD_CORE_RE = re.compile(r"\w+")
KINDS = ("exact-paragraph", "near-paragraph", "exact-sentence", "near-sentence")


def change_words(text: str, share: float, rng: random.Random, vocabulary: list[str]) -> str:
    """Replace about `share` of the words (at least one) by other words,
    keeping the punctuation around them and capitalised words (a spinner
    swaps common words and keeps names and sentences whole)."""
    words = text.split(" ")
    common = [i for i, w in enumerate(words) if w[:1].islower()] or list(range(len(words)))
    picks = rng.sample(common, min(len(common), max(1, round(share * len(words)))))
    for i in picks:
        words[i] = WORD_CORE_RE.sub(rng.choice(vocabulary), words[i], count=1) if WORD_CORE_RE.search(words[i]) else words[i]
    return " ".join(words)


def split_sentences(paragraph: str) -> list[str]:
    """Sentences of a paragraph: a lower-case word, end punctuation, space,
    capital (plain, so the benchmark does not share the cleaner's splitter;
    initials and "Mich." do not end a sentence)."""
    out, start = [], 0
    for i in range(3, len(paragraph) - 1):
        if paragraph[i] == " " and paragraph[i - 1] in ".!?" and paragraph[i - 3 : i - 1].islower() and paragraph[i + 1].isupper():
            out.append(paragraph[start:i])
            start = i + 1
    out.append(paragraph[start:])
    return out


def inject(clean: str, kind: str, rng: random.Random, vocabulary: list[str]) -> str | None:
    """The clean article with one repeat of `kind` added, or None if it has no
    fit source. `vocabulary`: the article's own words, as a spinner's would be."""
    paras = clean.rstrip("\n").split("\n\n")
    if kind.endswith("paragraph"):
        sources = [i for i, p in enumerate(paras[:-1]) if len(p.split()) >= MIN_PARAGRAPH_WORDS]
        if not sources:
            return None
        i = rng.choice(sources)
        copy = paras[i] if kind.startswith("exact") else change_words(paras[i], CHANGED_SHARE, rng, vocabulary)
        at = rng.randint(i + 2, len(paras))  # somewhere later, not right after
        paras.insert(at, copy)
    else:
        sources = [
            (i, s)
            for i, p in enumerate(paras[:-1])
            if len(split_sentences(p)) > 1 and p.endswith(".")
            for s in split_sentences(p)
            if len(s.split()) >= MIN_SENTENCE_WORDS
        ]
        if not sources:
            return None
        i, sentence = rng.choice(sources)
        copy = sentence if kind.startswith("exact") else change_words(sentence, CHANGED_SHARE, rng, vocabulary)
        targets = [j for j in range(i + 1, len(paras)) if paras[j].endswith(".")]
        if not targets:
            return None
        j = rng.choice(targets)
        parts = split_sentences(paras[j])
        parts.insert(rng.randint(0, len(parts)), copy)
        paras[j] = " ".join(parts)
    return "\n\n".join(paras) + "\n"


def repeats_benchmark(articles: dict[str, str]) -> dict:
    context = CorpusContext.build(CorpusStats.from_text(t) for t in articles.values())
    rng = random.Random(SEED)
    removed, trials, lost, misses = Counter(), Counter(), 0, []
    for key, text in sorted(articles.items()):
        clean, _ = clean_text(text, context)
        vocabulary = sorted({w for w in text.split() if w.isalpha() and w.islower()}) or ["word"]
        real = [split_sentences(p) for p in clean.rstrip("\n").split("\n\n")]
        for kind in KINDS:
            injected = inject(clean, kind, rng, vocabulary)
            if injected is None:
                continue
            result, _ = clean_text(injected, context)
            trials[kind] += 1
            removed[kind] += result == clean
            lost += sum(1 for sentences in real if any(s not in result for s in sentences))
            if result != clean and len(misses) < 8:
                misses.append((key[:8], kind))
    return {"trials": dict(trials), "removed": dict(removed), "paragraphs_lost": lost, "misses": misses}


def cluster_benchmark(articles: dict[str, str]) -> dict:
    rng = random.Random(SEED)
    signatures, article_of = Signatures(), {}
    for n, (key, text) in enumerate(sorted(articles.items())):
        vocabulary = sorted({w for w in text.split() if w.isalpha() and w.islower()}) or ["word"]
        versions = {"a": text, "b": change_words(text, CHANGED_SHARE, rng, vocabulary),
                    "c": change_words(text, CHANGED_SHARE, rng, vocabulary)}
        for suffix, version in versions.items():
            doc_id = f"{n:03d}{suffix}"
            article_of[doc_id] = key
            signatures.merge(Signatures.from_text(doc_id, version))
    clusters = signatures.clusters()
    by_cluster: dict[str, set[str]] = {}
    for doc_id, member in clusters.items():
        by_cluster.setdefault(member.cluster, set()).add(doc_id)
    predicted = {frozenset((a, b)) for members in by_cluster.values() for a in members for b in members if a < b}
    signed = set(signatures.by_id)
    docs = sorted(article_of)
    truth = {frozenset((a, b)) for a in docs for b in docs if a < b and article_of[a] == article_of[b]}
    mixed = sum(1 for members in by_cluster.values() if len({article_of[d] for d in members}) > 1)
    true_pos = len(predicted & truth)
    return {
        "articles": len(articles),
        "too_short_to_sign": len(articles) * 3 - len(signed),
        "clusters": len(by_cluster),
        "precision": true_pos / len(predicted) if predicted else 1.0,
        "recall": true_pos / len(truth),
        "recall_of_signed": true_pos / len({p for p in truth if p <= signed}),
        "mixed_clusters": mixed,
    }


def scale_benchmark(count: int) -> dict:
    """Signatures + clusters for `count` synthetic ~600-word documents."""
    rng = random.Random(SEED)
    vocabulary = [f"w{i}" for i in range(50_000)]
    cumulative = list(itertools.accumulate(1 / (i + 1) for i in range(len(vocabulary))))  # Zipf-like, as in text
    signing = 0.0
    signatures, last, source_of = Signatures(), [], {}
    for n in range(count):
        if last and rng.random() < 0.1:
            source, original = rng.choice(last)
            text = change_words(original, CHANGED_SHARE, rng, vocabulary)
            source_of[f"{n:07d}"] = source
        else:
            words = rng.choices(vocabulary, cum_weights=cumulative, k=600)
            text = "\n".join(" ".join(words[i : i + 30]) + "." for i in range(0, 600, 30))
            last = (last + [(f"{n:07d}", text)])[-50:]
        start = time.perf_counter()
        signatures.merge(Signatures.from_text(f"{n:07d}", text))
        signing += time.perf_counter() - start
    start = time.perf_counter()
    clusters = signatures.clusters()
    done = time.perf_counter()
    return {
        "documents": count,
        "signature_seconds": round(signing, 1),
        "cluster_seconds": round(done - start, 1),
        "near_copies": len(source_of),
        "copies_clustered_with_their_source": sum(
            1 for copy, source in source_of.items()
            if copy in clusters and source in clusters and clusters[copy].cluster == clusters[source].cluster
        ),
        "clusters": len({m.cluster for m in clusters.values()}),
        "mixed_clusters": _mixed(clusters, source_of),
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
    }


def _mixed(clusters: dict, source_of: dict[str, str]) -> int:
    """Clusters holding documents of more than one original."""
    originals: dict[str, set[str]] = {}
    for doc_id, member in clusters.items():
        originals.setdefault(member.cluster, set()).add(source_of.get(doc_id, doc_id))
    return sum(1 for found in originals.values() if len(found) > 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=int, default=0, help="also time clustering of this many synthetic documents")
    args = parser.parse_args()
    if args.scale:
        print("scale:", json.dumps(scale_benchmark(args.scale)))
        return
    articles = {k: v["articleBody"] for k, v in json.loads(GROUND_TRUTH.read_text()).items()}
    repeats = repeats_benchmark(articles)
    total = sum(repeats["trials"].values())
    print(f"repeats: {sum(repeats['removed'].values())}/{total} injected repeats removed "
          f"({sum(repeats['removed'].values()) / total:.1%}); real paragraphs lost: {repeats['paragraphs_lost']}")
    for kind in KINDS:
        print(f"  {kind:16} {repeats['removed'].get(kind, 0)}/{repeats['trials'].get(kind, 0)}")
    if repeats["misses"]:
        print("  first misses:", repeats["misses"])
    clusters = cluster_benchmark(articles)
    print(f"clusters: precision {clusters['precision']:.3f}, recall {clusters['recall']:.3f} "
          f"(of documents long enough to sign: {clusters['recall_of_signed']:.3f}), "
          f"mixed clusters {clusters['mixed_clusters']}, {clusters['clusters']} clusters of "
          f"{clusters['articles']} articles x 3 versions, {clusters['too_short_to_sign']} too short to sign")


if __name__ == "__main__":
    main()
