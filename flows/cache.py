"""Results of earlier runs, reused when nothing they depend on has changed.

Two kinds of entries live under the cache folder, each a pickle named by a key:

- `stats/<key>`: a batch's corpus statistics. The key is the code version and
  the batch's raw bytes (`batch_digest`): statistics depend on nothing else.
- `batches/<key>`: a batch's output (clean texts, changelog, manifest entries,
  report blocks). The key is the code version, the batch's raw bytes, the
  steps and the rule packs' bytes. But the output also depends on the corpus
  context, which every document of the corpus feeds: one new document
  changes the name counts that every batch's name repair consults. Keying on
  the whole context would re-clean everything whenever anything changed. So
  the entry also stores its *reads*: every lookup its cleaning made in the
  context (`documents["Tokayev"] -> 3`, `line_key(...) in recurring -> False`),
  recorded by `RecordingContext`. An entry is reused only if the new context
  answers every one of those lookups the same way; then cleaning the batch
  again would make the same decisions and give the same bytes. A document
  that changes only its own batch re-cleans that batch; one that moves a
  name's consensus re-cleans the batches that looked that name up.

The code version is a digest of the source of `cleaners/` (rule packs
included) and of the modules that shape a batch's output: any change to a
cleaner invalidates every entry. Entries are written atomically (a crashed
run leaves no half entry); an unreadable entry is treated as missing.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import threading
import time
from collections.abc import Mapping, Set
from dataclasses import fields, is_dataclass, replace
from functools import cache, lru_cache
from pathlib import Path

import cleaners
from flows.collector import loading_what_lives

ROOT = Path(cleaners.__file__).resolve().parent.parent
# The source a batch's output depends on: every cleaner and rule pack, and the
# flow modules that turn cleaned documents into DST's parts.
VERSIONED = ("cleaners/**/*.py", "cleaners/rules/*.toml", "flows/batch.py", "flows/corpus_io.py", "flows/report.py")


def default_cache_dir() -> Path:
    """`$XDG_CACHE_HOME/presswash`, else `~/.cache/presswash`."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "presswash"


@cache
def code_version() -> str:
    """A digest of the source that decides what a batch's output is."""
    digest = hashlib.sha256()
    for pattern in VERSIONED:
        for path in sorted(ROOT.glob(pattern)):
            digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def key_of(*parts) -> str:
    """A cache key: the code version and PARTS (strings, paths' bytes, lists of them).

    >>> key_of("a", ["b"]) == key_of("a", ["b"]) != key_of("a", ["c"])
    True
    """
    digest = hashlib.sha256(code_version().encode())
    for part in parts:
        digest.update(b"\0" + repr(part).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def cache_for(config) -> "Cache | None":
    """The cache a run with CONFIG (a `CleanConfig`) uses, or None without one."""
    return Cache(config.cache_dir or default_cache_dir()) if config.cache else None


def rule_packs_digest(packs: list[Path]) -> str:
    """What a batch's output depends on in the configuration besides the
    steps: the bytes of the extra rule packs (a changed rule re-cleans)."""
    digest = hashlib.sha256()
    for pack in packs:
        digest.update(Path(pack).read_bytes() + b"\0")
    return digest.hexdigest()


def run_key(config, sources: list[Path]) -> str:
    """What decides a whole run's output: the corpus's bytes, the options
    that shape the output, the rule packs' bytes and the code."""
    options = config.model_dump(mode="json", exclude={"cache", "cache_dir", "batch_size"})
    return key_of("run", corpus_digest(sources), options, rule_packs_digest(config.rule_packs))


def corpus_digest(paths: list[Path]) -> str:
    """What identifies a whole corpus: every entry's name, where a link
    points, and the bytes of every readable file."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(os.fsencode(path.name) + b"\0")
        if path.is_symlink():
            digest.update(os.fsencode(os.path.realpath(path)) + b"\0")
        try:
            digest.update(hashlib.sha256(path.read_bytes()).digest())
        except OSError as error:  # a folder, a dangling link: its kind is what counts
            digest.update(str(type(error).__name__).encode())
    return digest.hexdigest()


def snapshot(folder: Path) -> dict[str, list[int]]:
    """Every file under FOLDER with its size and modification time: enough to
    see that nobody touched a folder this program wrote (as `make` and git's
    index do), without reading it back."""
    return {
        path.relative_to(folder).as_posix(): [path.stat().st_size, path.stat().st_mtime_ns]
        for path in sorted(Path(folder).rglob("*"))
        if path.is_file()
    }


# An entry no run has used for this long is deleted (`Cache.prune`): long
# enough to outlive a holiday between two runs over a corpus, short enough
# that entries of old code versions and deleted corpora do not pile up.
MAX_UNUSED_DAYS = 30


class Cache:
    """Pickled entries under FOLDER, by kind and key.

    Besides batch entries it remembers, for each output folder, which run
    wrote it (`remember_run`), so that a run whose input, settings and code
    are all unchanged finds its output already in place (`up_to_date`).
    Reading an entry marks it used; `prune` deletes long-unused ones.
    """

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def get(self, kind: str, key: str):
        """The entry, or None when it is missing or cannot be read."""
        path = self.folder / kind / key
        try:
            with open(path, "rb") as entry:
                value = pickle.load(entry)
            os.utime(path)  # used now: kept by `prune`
            return value
        except Exception:  # missing, or truncated or foreign: recompute it
            return None

    def put(self, kind: str, key: str, value) -> None:
        """Store VALUE atomically (written aside, then renamed into place)."""
        target = self.folder / kind / key
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{key}.{os.getpid()}.partial")
        with open(partial, "wb") as entry:
            pickle.dump(value, entry, protocol=pickle.HIGHEST_PROTOCOL)
        partial.replace(target)

    def prune(self, max_unused_days: float = MAX_UNUSED_DAYS) -> int:
        """Delete the entries no run has read or written for MAX_UNUSED_DAYS;
        returns how many.

        >>> import tempfile, time
        >>> cache = Cache(tempfile.mkdtemp())
        >>> cache.put("batches", "old", 1); cache.put("batches", "new", 2)
        >>> long_ago = time.time() - 86400 * (MAX_UNUSED_DAYS + 1)
        >>> os.utime(cache.folder / "batches" / "old", (long_ago, long_ago))
        >>> cache.prune(), cache.get("batches", "old"), cache.get("batches", "new")
        (1, None, 2)
        """
        cutoff = time.time() - max_unused_days * 86400
        pruned = 0
        for path in self.folder.glob("*/*"):
            try:
                if path.stat().st_mtime < cutoff:
                    path.unlink()
                    pruned += 1
            except FileNotFoundError:  # another run pruned it first
                pass
        return pruned

    def remember_run(self, out: Path, run_key: str) -> None:
        """Note that OUT, as it is now, is what run RUN_KEY wrote."""
        self.put("runs", _folder_key(out), (run_key, snapshot(out)))

    def up_to_date(self, out: Path, run_key: str) -> bool:
        """Whether OUT is what run RUN_KEY wrote, untouched since."""
        record = self.get("runs", _folder_key(out))
        return record is not None and record[0] == run_key and record[1] == snapshot(out)


def _folder_key(folder: Path) -> str:
    return hashlib.sha256(os.fsencode(Path(folder).resolve())).hexdigest()


class SharedContext:
    """The corpus context as tasks receive it: the object itself in the flow's
    own process (threads), and in any other process (a process pool, Dask,
    Ray) loaded from PATH, once per process. Pickling it sends only the path,
    so a context of many megabytes is not copied into every task; the file is
    written when it is first pickled, so a run on threads never writes it.

    >>> import tempfile
    >>> shared = SharedContext({"a": 1}, Path(tempfile.mkdtemp()) / "context.pickle")
    >>> shared.path.exists()
    False
    >>> copy = pickle.loads(pickle.dumps(shared))
    >>> copy.value, pickle.loads(pickle.dumps(copy)).value
    ({'a': 1}, {'a': 1})
    """

    def __init__(self, context, path: Path):
        self.path = Path(path)
        self._value = context
        self._saving = threading.Lock()  # task runners may pickle from several threads
        self._saved = False

    def __getstate__(self) -> dict:
        with self._saving:
            if not self._saved:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                with open(self.path, "wb") as file:
                    pickle.dump(self._value, file, protocol=pickle.HIGHEST_PROTOCOL)
                self._saved = True
        return {"path": self.path}

    def __setstate__(self, state: dict) -> None:
        self.path, self._value = state["path"], None
        self._saving, self._saved = threading.Lock(), True  # a copy: the file is there already

    @property
    def value(self):
        if self._value is None:
            self._value = _load_context(self.path, self.path.stat().st_mtime_ns)
        return self._value


@lru_cache(maxsize=1)
def _load_context(path: Path, mtime_ns: int):
    with open(path, "rb") as file, loading_what_lives():
        return pickle.load(file)


# Recorded lookups: container path in the context -> (operation, key) -> answer.
Reads = dict[str, dict[tuple[str, object], object]]
MISSING = "<missing>"  # what a lookup of an absent key answered
SCALARS = (int, float, str, bytes, bool, type(None))


class RecordingContext:
    """A view of a corpus context that records every lookup made through it.

    Each mapping or set in the context (also inside dataclass fields, e.g.
    the name lexicon's counters) is replaced by a recording view; `reads`
    holds each lookup's answer (a fingerprint when the answer is a
    container). A lookup the views do not model (iterating a whole
    container) is recorded as a fingerprint of the whole container: always
    correct, only less often reusable.

    >>> from cleaners.pipeline import CorpusContext, CorpusStats
    >>> context = CorpusContext.build([CorpusStats.from_text("Twitter")] * 3)
    >>> recording = RecordingContext(context)
    >>> from cleaners.recurring import line_key
    >>> line_key("Twitter") in recording.context.recurring_lines
    True
    >>> still_valid(recording.reads, context)
    True
    >>> still_valid(recording.reads, CorpusContext.build())
    False
    """

    def __init__(self, context):
        self.reads: Reads = {}
        self.context = _wrap(context, "", self.reads)


def still_valid(reads: Reads, context) -> bool:
    """Whether CONTEXT answers every recorded lookup as it was answered before."""
    for path, answers in reads.items():
        container = _resolve(context, path)
        for (operation, key), answer in answers.items():
            if _answer(container, operation, key) != answer:
                return False
    return True


def _wrap(value, path: str, reads: Reads):
    if isinstance(value, (Mapping, Set)) and not isinstance(value, (str, bytes)):
        return _Recorded(value, reads.setdefault(path, {}))
    if is_dataclass(value) and not isinstance(value, type):
        return replace(value, **{f.name: _wrap(getattr(value, f.name), f"{path}.{f.name}", reads)
                                 for f in fields(value) if f.init})
    return value


def _resolve(context, path: str):
    for name in filter(None, path.split(".")):
        context = getattr(context, name)
    return context


def _fingerprint(value):
    """VALUE itself when it is a scalar, else a short digest of it, equal for
    equal values across runs (sets and mappings in sorted order)."""
    if isinstance(value, SCALARS):
        return value
    if isinstance(value, Mapping):
        value = sorted((repr(k), repr(_fingerprint(v))) for k, v in value.items())
    elif isinstance(value, Set):
        value = sorted(map(repr, value))
    return ("digest", hashlib.blake2b(repr(value).encode("utf-8", "surrogatepass"), digest_size=12).hexdigest())


def _answer(container, operation: str, key):
    if operation == "contains":
        return key in container
    if operation == "get":
        return _fingerprint(container.get(key, MISSING))
    if operation == "getitem":
        try:
            return _fingerprint(container[key])
        except KeyError:
            return MISSING
    if operation == "bool":
        return bool(container)
    return _fingerprint(container)  # "whole"


class _Recorded:
    """A mapping or set that answers as the one it wraps and records each lookup."""

    __slots__ = ("_inner", "_reads")

    def __init__(self, inner, reads: dict):
        self._inner, self._reads = inner, reads

    def _record(self, operation: str, key=None) -> None:
        if (operation, key) not in self._reads:  # a whole container's fingerprint is worth computing once
            self._reads[(operation, key)] = _answer(self._inner, operation, key)

    def __contains__(self, key) -> bool:
        self._record("contains", key)
        return key in self._inner

    def __getitem__(self, key):
        self._record("getitem", key)
        return self._inner[key]

    def get(self, key, default=None):
        self._record("get", key)
        return self._inner.get(key, default)

    def __bool__(self) -> bool:
        self._record("bool")
        return bool(self._inner)

    def __getattr__(self, name):  # anything else sees the whole container
        self._record("whole")
        return getattr(self._inner, name)

    def __iter__(self):
        self._record("whole")
        return iter(self._inner)

    def __len__(self) -> int:
        self._record("whole")
        return len(self._inner)
