"""The review report: every edit of a run, shown where it applies.

`build_report` turns a run's manifest, changelog records and clean texts into
one self-contained HTML page (`DST/report.html`: inline CSS and JS, no network).
`edit_history` is the diff model behind it and behind `presswash diff`.

How edits are mapped (correct when steps overlap): the document's raw text is
rebuilt (`restore_text`) and cut into pieces; then the steps are replayed in
chain order. Each step sees only the *live* pieces (not yet deleted), whose
concatenation is exactly the text that entered that step, so its offsets
apply directly: the live characters in [start, end) are marked deleted by the
edit, and its `after` is added as a new piece marked inserted by it, right
after them. Nothing is ever removed from the piece list, so at the end

- the pieces not inserted by any edit spell the raw text,
- the pieces not deleted by any edit spell the clean text,

and text that one step inserts and a later step deletes is one piece that
carries both edits. The report draws deletions struck and insertions
underlined, coloured by step.

The page stays light on large corpora: each document's data sits in its own
`<script type="application/json">` block and is parsed and drawn only when the
document is opened; the document list is drawn a page at a time.
"""

from __future__ import annotations

import heapq
import io
import math
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import BinaryIO, NamedTuple

from cleaners.edits import Edit, EditConflict, restore_text
from flows.jsonio import json_utf8

REPORT = "report.html"

# The chain's steps, for colours and column order; a step not listed here
# (from a newer chain) is shown after them in grey rather than refused.
KNOWN_STEPS = ("repair_unicode", "canonicalize_layout", "strip_boilerplate", "repair_garbles", "dedupe_paragraphs")

# One colour per step, the same in the page and in the terminal diff: five
# hues far apart on the wheel, dark enough for text on white.
STEP_COLOURS = {
    "repair_unicode": "#7b3fb5",
    "canonicalize_layout": "#1f6fb2",
    "strip_boilerplate": "#c0392b",
    "repair_garbles": "#b7770b",
    "dedupe_paragraphs": "#1e8449",
}
OTHER_STEP_COLOUR = "#666666"
# The same hues among the 16 standard terminal colours, which every terminal
# shows (rich maps hex colours to the nearest of 8 on many, merging two steps).
TERMINAL_COLOURS = {
    "repair_unicode": "magenta",
    "canonicalize_layout": "blue",
    "strip_boilerplate": "red",
    "repair_garbles": "yellow",
    "dedupe_paragraphs": "green",
}

# Rows of the document list drawn at a time: enough to scroll through, few
# enough that a 10,000-document corpus opens at once.
LIST_PAGE_SIZE = 200

NO_EDIT = -1  # piece not inserted / not deleted by any edit, or outside any warning


class Piece(NamedTuple):
    """A run of text in the edit history of a document.

    `inserted_by`/`deleted_by` are indices into the document's edit list
    (NO_EDIT when the text was in the raw input / is in the clean output);
    `warning` indexes the document's review warnings.

    A named tuple, so that the history can be built from plain tuples of the
    same four fields (`PieceFields`) and named only when it is handed out:
    the report builds about a hundred for each document of a corpus.
    """

    text: str
    inserted_by: int = NO_EDIT
    deleted_by: int = NO_EDIT
    warning: int = NO_EDIT


# A Piece's fields as a plain tuple, what the history is built from.
PieceFields = tuple[str, int, int, int]


def edit_history(clean: str, edits: list[Edit]) -> list[Piece]:
    """The raw text with every edit marked where it applies (see the module docstring).

    `edits` is the document's changelog in written order (steps in chain order).

    >>> log = [Edit("a", "r", 1, 3, "  ", " ", "space run"), Edit("b", "q", 2, 4, "b.", "b!", "why")]
    >>> [(p.text, p.inserted_by, p.deleted_by) for p in edit_history("a b!", log)]
    [('a', -1, -1), ('  ', -1, 0), (' ', 0, -1), ('b.', -1, 1), ('b!', 1, -1)]
    """
    return [Piece._make(piece) for piece in _history(clean, edits)]


def _history(clean: str, edits: list[Edit], raw: str | None = None) -> list[PieceFields]:
    """`edit_history` as plain tuples; RAW, when the caller has it, is what
    `restore_text` would rebuild."""
    pieces = [(restore_text(clean, edits) if raw is None else raw, NO_EDIT, NO_EDIT, NO_EDIT)]
    steps: dict[str, list[tuple[int, Edit]]] = {}
    for index, edit in enumerate(edits):
        steps.setdefault(edit.step, []).append((index, edit))
    for step_edits in steps.values():
        pieces = _replay_step(pieces, step_edits)
    return _merge(pieces)


def _replay_step(pieces: list[PieceFields], edits: list[tuple[int, Edit]]) -> list[PieceFields]:
    """Mark one step's edits on the live pieces (offsets = live text positions).

    One walk over the pieces, in step with the edits in order of position: a
    live piece is cut only where an edit starts or ends inside it, and one
    that no edit reaches is passed on as it is.
    """
    # (start, end, index, edit) by position, ties in changelog order; kept
    # in reverse, so that the next edit not yet reached is upcoming[-1].
    upcoming = sorted(((edit.start, edit.end, index, edit) for index, edit in edits), reverse=True)
    out: list[PieceFields] = []
    pos = 0  # live position of the first character not yet walked
    deleting, deleted = None, []  # the edit deleting at pos, and what it deleted so far
    for piece in pieces:
        text, inserted_by, deleted_by, warning = piece
        if deleted_by != NO_EDIT:  # deleted by an earlier step: not in this step's text
            out.append(piece)
            continue
        start, end = pos, pos + len(text)  # the piece's span in this step's text
        while True:
            if deleting is None and upcoming and upcoming[-1][0] == pos:
                deleting = _start_edits(upcoming, pos, out)
            # Walk to the end of the deletion under way, or else to the next edit, or to the piece's end.
            if deleting is not None:
                stop = min(deleting[1], end)
            elif upcoming and pos < upcoming[-1][0] < end:
                stop = upcoming[-1][0]
            else:
                stop = end
            if deleting is None and pos == start and stop == end:
                out.append(piece)  # untouched by this step
            else:
                chunk = text[pos - start : stop - start]
                out.append((chunk, inserted_by, NO_EDIT if deleting is None else deleting[2], warning))
                if deleting is not None:
                    deleted.append(chunk)
            pos = stop
            if deleting is not None and pos == deleting[1]:
                _end_deletion(out, deleting, "".join(deleted))
                deleting, deleted = None, []
            if pos == end:
                break
    if deleting is None:
        deleting = _start_edits(upcoming, pos, out)  # insertions at the end of the text
    if deleting is not None or upcoming:
        edit = (deleting or upcoming[-1])[3]
        raise EditConflict(f"{edit.step}/{edit.rule} at {edit.start}..{edit.end} runs past the text ({pos} characters)")
    return out


def _start_edits(upcoming: list, pos: int, out: list[PieceFields]) -> tuple | None:
    """Take the edits that start at POS off UPCOMING: place the pure
    insertions (sorted first), and return the first that replaces text, if any
    (one more starting there would overlap it: it stays, and is refused at the end)."""
    while upcoming and upcoming[-1][0] == pos:
        start, end, index, edit = upcoming.pop()
        if start != end:
            return start, end, index, edit
        _insert(out, index, edit)
    return None


def _end_deletion(out: list[PieceFields], deleting: tuple, deleted: str) -> None:
    """Check what an edit deleted against its `before`, then place its `after`."""
    _, _, index, edit = deleting
    if deleted != edit.before:
        raise EditConflict(f"{edit.step}/{edit.rule} at {edit.start}: the text there is not {edit.before!r}")
    _insert(out, index, edit)


def _insert(out: list[PieceFields], index: int, edit: Edit) -> None:
    if edit.after:
        out.append((edit.after, index, NO_EDIT, NO_EDIT))


def _merge(pieces: Iterable[PieceFields]) -> list[PieceFields]:
    """Join neighbouring pieces that carry the same marks; drop empty ones."""
    out: list[PieceFields] = []
    last = None  # out[-1]; its marks compared field by field, which slicing both tuples made cost twice as much
    for piece in pieces:
        if not piece[0]:
            continue
        if last is not None and last[1] == piece[1] and last[2] == piece[2] and last[3] == piece[3]:
            last = out[-1] = (last[0] + piece[0], *piece[1:])
        else:
            out.append(piece)
            last = piece
    return out


def mark_warnings(pieces: list[Piece], warnings: list[Mapping]) -> list[Piece]:
    """Tag the pieces that fall inside review warnings (clean-text offsets).

    Deleted text strictly inside a warning's span is tagged too. Where
    warnings overlap, a piece gets the first by (start, end, index).

    >>> [(p.text, p.warning) for p in mark_warnings([Piece("abcd")], [{"start": 1, "end": 3}])]
    [('a', -1), ('bc', 0), ('d', -1)]
    """
    return [Piece._make(piece) for piece in _mark_warnings(pieces, warnings)]


def _mark_warnings(pieces: list[PieceFields], warnings: list[Mapping]) -> list[PieceFields]:
    """`mark_warnings` on plain tuples: one walk, cutting the live pieces at the warnings' ends."""
    spans = sorted((w["start"], w["end"], i) for i, w in enumerate(warnings) if w["end"] > w["start"])
    if not spans:
        return pieces
    cuts, covering, around = _warning_cuts(spans)
    out: list[PieceFields] = []
    pos, k = 0, 0  # k: the last cut at or before pos
    for piece in pieces:
        text, inserted_by, deleted_by, _ = piece
        while cuts[k + 1] <= pos:
            k += 1
        if deleted_by != NO_EDIT:  # takes no room in the clean text: it sits at pos
            out.append((text, inserted_by, deleted_by, around[k] if cuts[k] == pos else covering[k]))
            continue
        start, end = pos, pos + len(text)
        while True:
            stop = min(cuts[k + 1], end)
            out.append((text[pos - start : stop - start], inserted_by, deleted_by, covering[k]))
            pos = stop
            if pos == end:
                break
            k += 1
    return _merge(out)


def _warning_cuts(spans: list[tuple[int, int, int]]) -> tuple[list, list[int], list[int]]:
    """Where the warnings' spans (sorted) start and end, between sentinels
    -inf and +inf; for each such cut, the warning that covers the text from it
    to the next cut, and the one that strictly surrounds it (for deleted text
    sitting right there). Either is the first span, in sorted order, that
    holds the place: the top of a heap of the spans open there."""
    cuts = sorted({start for start, _, _ in spans} | {end for _, end, _ in spans})
    covering, around = [NO_EDIT], [NO_EDIT]  # the -inf sentinel's
    open_spans: list[tuple[int, int, int]] = []
    following = iter(spans)
    next_span = next(following, None)
    for cut in cuts:
        while open_spans and open_spans[0][1] <= cut:  # ended: closed for good, as cuts only grow
            heapq.heappop(open_spans)
        around.append(open_spans[0][2] if open_spans else NO_EDIT)
        while next_span is not None and next_span[0] == cut:
            heapq.heappush(open_spans, next_span)
            next_span = next(following, None)
        covering.append(open_spans[0][2] if open_spans else NO_EDIT)
    return [-math.inf, *cuts, math.inf], covering, around


def step_colour(step: str) -> str:
    """The colour of a step's marks.

    >>> step_colour("strip_boilerplate"), step_colour("some_new_step")
    ('#c0392b', '#666666')
    """
    return STEP_COLOURS.get(step, OTHER_STEP_COLOUR)


def terminal_colour(step: str) -> str:
    """The colour of a step's marks in `presswash diff`.

    >>> terminal_colour("repair_garbles"), terminal_colour("some_new_step")
    ('yellow', 'white')
    """
    return TERMINAL_COLOURS.get(step, "white")


def document_block(clean: str, edits: list[Edit], warnings: list[Mapping], raw: str | None = None) -> bytes:
    """One document's drawing data for the page, as JSON in UTF-8: its edits
    (each naming its rule by an index into the block's own `rules`), the
    pieces of its edit history, and its review warnings.

    Built from the document alone, so each batch builds its documents' blocks
    where it cleans them, and the page is written as a stream. Bytes, as the
    page holds them: a block is staged and copied into the page without being
    decoded and encoded again. RAW is the document's raw text if the caller
    still has it (a batch does): then it is not rebuilt from the changelog.
    It must be what `restore_text(clean, edits)` gives back, which it is for
    edits made by `cleaners.pipeline.run_step` (each step's edits were
    checked against its input by `apply_edits`, and `undo_edits` inverts them
    exactly).

    >>> document_block("y", [Edit("s", "r", 0, 1, "x", "y", "why")], [])
    b'{"rules":["s/r"],"edits":[[0,"why",0,1]],"pieces":[["x",-1,0],["y",0,-1]],"warnings":[]}'
    """
    rules: dict[str, int] = {}
    pieces = _mark_warnings(_history(clean, edits, raw), warnings)
    data = {
        "edits": [[rules.setdefault(f"{e.step}/{e.rule}", len(rules)), e.reason, e.start, e.end] for e in edits],
        "pieces": [_piece_json(p) for p in pieces],
        "warnings": [[w.get("start"), w.get("end"), w.get("kind"), w.get("text")] for w in warnings],
    }
    return _script_json_utf8({"rules": list(rules), **data})


def write_report(folder: Path, manifest: Mapping, blocks: Iterable[tuple[str, bytes]]) -> Path:
    """Write FOLDER/report.html from the run's manifest and the documents'
    blocks (`(doc id, document_block)` in any order that follows the
    manifest's sorted ids; a document without a block is listed only).
    Returns the page's path. The page is written as it goes: no corpus-sized
    string is built."""
    path = Path(folder) / REPORT
    with open(path, "wb") as page:
        _write_page(page, manifest, blocks)
    return path


def _write_page(page: BinaryIO, manifest: Mapping, blocks: Iterable[tuple[str, bytes]]) -> None:
    """The page into PAGE, in UTF-8: frame, then each document's block under
    the id the index gives it (its place among the sorted document ids)."""
    order = {doc_id: number for number, doc_id in enumerate(sorted(manifest["documents"]))}
    top, rest = _page_frame(manifest)
    page.write(top.encode("utf-8"))
    for doc_id, block in blocks:
        page.write(b'<script type="application/json" id="doc-%d">' % order[doc_id])
        page.write(block)  # written as it is: no copy of the block into a line
        page.write(b"</script>\n")
    page.write(rest.encode("utf-8"))


def build_report(manifest: Mapping, records: Iterable[Mapping], texts: Mapping[str, str]) -> str:
    """The review page of a run, as one string (`write_report` writes the same
    page as a stream).

    `records` are changelog records (dicts as in changelog.jsonl), `texts`
    the clean text of each cleaned document by id. Deterministic: the same
    input gives the same bytes.

    >>> page = build_report({"summary": {"documents": 1, "edits": {"s/r": 1}}, "documents": {"d": {
    ...     "status": "cleaned", "edits": {"s/r": 1}, "warnings": []}}}, [{"doc": "d", "step": "s", "rule": "r",
    ...     "start": 0, "end": 1, "before": "x", "after": "y", "reason": "why"}], {"d": "y"})
    >>> page.startswith("<!DOCTYPE html>") and '"rules":["s/r"]' in page
    True
    """
    by_doc: dict[str, list[Edit]] = {}
    for record in records:
        by_doc.setdefault(record["doc"], []).append(Edit.from_record(record))
    documents = manifest["documents"]
    blocks = [
        (doc_id, document_block(texts[doc_id], by_doc.get(doc_id, []), list(documents[doc_id].get("warnings") or [])))
        for doc_id in sorted(documents)
        if doc_id in texts  # quarantined: listed, nothing to draw
    ]
    page = io.BytesIO()
    _write_page(page, manifest, blocks)
    return page.getvalue().decode("utf-8")


def _page_frame(manifest: Mapping) -> tuple[str, str]:
    """The page before and after the documents' blocks: styles, script and
    the index (summary, steps and rules from the manifest's counts, one row
    per document)."""
    documents = manifest["documents"]
    counts = Counter(manifest.get("summary", {}).get("edits", {}))
    for entry in documents.values():
        counts.update(entry.get("edits") or {})
    steps = _steps_in_order(key.split("/")[0] for key in counts)
    rules = sorted(counts, key=lambda key: (steps.index(key.split("/")[0]), key))
    rule_index = {key: i for i, key in enumerate(rules)}
    rows = []
    for doc_id in sorted(documents):
        entry = documents[doc_id]
        edits = entry.get("edits") or {}
        rows.append({
            "id": doc_id,
            "status": entry.get("status", "cleaned"),
            "reason": entry.get("reason"),
            "chars_in": entry.get("chars_in"),
            "chars_out": entry.get("chars_out"),
            "by_step": _edits_by_step(edits, steps),
            "rules": sorted([rule_index[key], n] for key, n in edits.items()),
            "warnings": len(entry.get("warnings") or []),
        })
    head = {
        "summary": manifest.get("summary", {}),
        "steps": steps,
        "colours": [step_colour(step) for step in steps],
        "rules": rules,
        "docs": rows,
        "page": LIST_PAGE_SIZE,
    }
    page = (
        _PAGE.replace("/*CSS*/", _css(steps))
        .replace("<!--HEAD-->", f'<script type="application/json" id="head">{_script_json(head)}</script>')
        .replace("/*JS*/", _JS)
    )
    top, rest = page.split("<!--DOCS-->")
    return top, rest


def _edits_by_step(edits: Mapping[str, int], steps: list[str]) -> list[int]:
    """A document's edit count of each step in STEPS (which name every step in EDITS' keys).

    >>> _edits_by_step({"a/x": 2, "b/y": 1, "a/z": 4}, ["b", "c", "a"])
    [1, 0, 6]
    """
    counts = dict.fromkeys(steps, 0)
    for key, n in edits.items():
        counts[key.split("/")[0]] += n
    return list(counts.values())


def _steps_in_order(seen: Iterable[str]) -> list[str]:
    seen = set(seen)
    return [s for s in KNOWN_STEPS] + sorted(seen - set(KNOWN_STEPS))


def _piece_json(piece: PieceFields) -> str | list:
    """A plain piece is its text; a marked one [text, inserted_by, deleted_by(, warning)]."""
    text, inserted_by, deleted_by, warning = piece
    if warning != NO_EDIT:
        return [text, inserted_by, deleted_by, warning]
    if inserted_by == deleted_by == NO_EDIT:
        return text
    return [text, inserted_by, deleted_by]


def _script_json(data) -> str:
    """JSON that is safe inside a <script> element and encodable as UTF-8.

    >>> _script_json({"a": "</script>"})
    '{"a":"\\\\u003c/script\\\\u003e"}'
    """
    return _script_json_utf8(data).decode("utf-8")


def _script_json_utf8(data) -> bytes:
    """`_script_json` encoded in UTF-8, the text encoded once.

    The characters <, > and & are escaped in the bytes: each is one ASCII
    byte in UTF-8, which never occurs inside a longer character's sequence,
    so replacing the bytes is replacing the characters.

    >>> _script_json_utf8({"a": "</b> & é"})
    b'{"a":"\\\\u003c/b\\\\u003e \\\\u0026 \\xc3\\xa9"}'
    """
    return json_utf8(data, compact=True).replace(b"<", b"\\u003c").replace(b">", b"\\u003e").replace(b"&", b"\\u0026")


def _css(steps: list[str]) -> str:
    rules = []
    for i, step in enumerate(steps):
        colour = step_colour(step)
        rules.append(f".s{i}{{--c:{colour}}}")
    return "\n".join(rules)


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>presswash review report</title>
<style>
body{margin:0;font:14px/1.45 system-ui,-apple-system,"DejaVu Sans",sans-serif;color:#222;display:flex;height:100vh}
#side{width:360px;min-width:300px;border-right:1px solid #ccc;display:flex;flex-direction:column;background:#fafafa}
#side header{padding:8px 10px;border-bottom:1px solid #ddd}
#side h1{font-size:16px;margin:0 0 4px}
#summary{font-size:12px;color:#555}
#controls{padding:8px 10px;border-bottom:1px solid #ddd;display:flex;flex-direction:column;gap:6px}
#controls input[type=search],#controls select{width:100%;box-sizing:border-box;padding:3px}
#steps label{display:inline-block;margin-right:8px;font-size:12px;white-space:nowrap}
#list{flex:1;overflow:auto;margin:0;padding:0;list-style:none}
#list li{padding:5px 10px;border-bottom:1px solid #eee;cursor:pointer}
#list li:hover{background:#eef3fa}#list li.open{background:#dde8f6}
#list .id{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:12px}
.badge{display:inline-block;min-width:14px;padding:0 4px;margin:2px 2px 0 0;border-radius:8px;background:var(--c);color:#fff;font-size:11px;text-align:center}
.badge.warn{background:#e67e22}.badge.quar{background:#555}
#pager{padding:6px 10px;border-top:1px solid #ddd;font-size:12px;display:flex;gap:6px;align-items:center}
main{flex:1;overflow:auto;padding:12px 20px}
#legend span{margin-right:10px;font-size:12px}
#text{white-space:pre-wrap;font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:13px;max-width:110ch;border-top:1px solid #ddd;padding-top:8px}
del,ins{color:var(--c);cursor:pointer}
del{text-decoration:line-through;background:color-mix(in srgb,var(--c) 12%,white)}
ins{text-decoration:underline;background:color-mix(in srgb,var(--c) 20%,white)}
.nl::after{content:"\\21b5";opacity:.6}
.w{outline:2px dashed #e67e22;outline-offset:1px}
mark{background:#ff0;color:inherit}
#detail{position:sticky;top:0;background:#fffbe6;border:1px solid #e6d9a0;padding:6px 8px;margin-bottom:8px;font-size:13px;min-height:1.4em}
#detail code{white-space:pre-wrap}
.muted{color:#777}
/*CSS*/
</style>
</head>
<body>
<nav id="side">
<header><h1>presswash review</h1><div id="summary"></div></header>
<div id="controls">
<input type="search" id="search" placeholder="search document ids and text" aria-label="search">
<select id="rule" aria-label="rule filter"><option value="">all rules</option></select>
<div id="steps"></div>
</div>
<ul id="list"></ul>
<div id="pager"><button id="prev">&lt;</button><span id="pageinfo"></span><button id="next">&gt;</button></div>
</nav>
<main>
<div id="legend"></div>
<div id="detail" class="muted">Open a document on the left. Struck text was deleted, underlined text inserted; colour = step. Hover or click a mark for its rule and reason.</div>
<h2 id="title"></h2>
<div id="text"></div>
</main>
<!--HEAD-->
<!--DOCS-->
<script>
/*JS*/
</script>
</body>
</html>
"""

_JS = r"""
"use strict";
const H = JSON.parse(document.getElementById("head").textContent);
const $ = (id) => document.getElementById(id);
const esc = (s) => s.replace(/[&<>"]/g, (c) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}[c]));
const ruleStep = H.rules.map((r) => H.steps.indexOf(r.split("/")[0]));
const state = {query: "", rule: "", steps: new Set(H.steps.map((_, i) => i)), page: 0, open: -1, matches: []};
const cache = new Map();

function docData(n) {
  if (!cache.has(n)) {
    const el = $("doc-" + n), data = el ? JSON.parse(el.textContent) : null;
    if (data) data.edits = data.edits.map(([r, ...rest]) => [H.rules.indexOf(data.rules[r]), ...rest]);
    cache.set(n, data);
  }
  return cache.get(n);
}
function ruleVisible(r) {
  return state.steps.has(ruleStep[r]) && (state.rule === "" || state.rule === String(r));
}
function docMatches(n) {
  const d = H.docs[n];
  if (state.rule !== "" || state.steps.size < H.steps.length) {
    if (!d.rules.some(([r]) => ruleVisible(r))) return false;
  }
  if (!state.query) return true;
  const q = state.query.toLowerCase();
  if (d.id.toLowerCase().includes(q)) return true;
  const el = $("doc-" + n);
  return !!el && el.textContent.toLowerCase().includes(q);
}
function setup() {
  const s = H.summary, total = Object.values(s.edits || {}).reduce((a, b) => a + b, 0);
  $("summary").textContent = `${s.documents} documents, ${s.cleaned} cleaned, ${s.quarantined} quarantined, ${total} edits`;
  $("legend").innerHTML = H.steps.map((st, i) => `<span class="s${i}"><span class="badge">&nbsp;</span>${esc(st)}</span>`).join("") +
    '<span><span class="badge warn">&nbsp;</span>review warning</span>';
  $("rule").innerHTML += H.rules.map((r, i) => `<option value="${i}">${esc(r)}</option>`).join("");
  $("steps").innerHTML = H.steps.map((st, i) =>
    `<label class="s${i}"><input type="checkbox" data-step="${i}" checked><span class="badge">&nbsp;</span>${esc(st)}</label>`).join("");
  $("steps").addEventListener("change", (ev) => {
    const i = Number(ev.target.dataset.step);
    if (ev.target.checked) state.steps.add(i); else state.steps.delete(i);
    refresh();
  });
  $("rule").addEventListener("change", (ev) => { state.rule = ev.target.value; refresh(); });
  let timer = 0;
  $("search").addEventListener("input", (ev) => {
    clearTimeout(timer);
    timer = setTimeout(() => { state.query = ev.target.value.trim(); refresh(); }, 200);
  });
  $("prev").addEventListener("click", () => { state.page--; drawList(); });
  $("next").addEventListener("click", () => { state.page++; drawList(); });
  $("list").addEventListener("click", (ev) => {
    const li = ev.target.closest("li");
    if (li) openDoc(Number(li.dataset.n));
  });
  $("text").addEventListener("click", (ev) => {
    const m = ev.target.closest("[data-e]");
    if (m) showEdits(m.dataset.e.split(" ").map(Number));
  });
  refresh();
  const wanted = decodeURIComponent(location.hash.slice(1));
  const start = H.docs.findIndex((d) => d.id === wanted);
  if (start >= 0) openDoc(start);
}
function refresh() {
  state.matches = [];
  for (let n = 0; n < H.docs.length; n++) if (docMatches(n)) state.matches.push(n);
  state.page = 0;
  drawList();
  if (state.open >= 0) drawDoc();
}
function drawList() {
  const pages = Math.max(1, Math.ceil(state.matches.length / H.page));
  state.page = Math.min(Math.max(0, state.page), pages - 1);
  const rows = state.matches.slice(state.page * H.page, (state.page + 1) * H.page).map((n) => {
    const d = H.docs[n];
    const badges = d.by_step.map((c, i) => c ? `<span class="badge s${i}" title="${esc(H.steps[i])}: ${c} edits">${c}</span>` : "").join("") +
      (d.warnings ? `<span class="badge warn" title="review warnings">${d.warnings}</span>` : "") +
      (d.status !== "cleaned" ? `<span class="badge quar" title="${esc(d.reason || "")}">${esc(d.status)}</span>` : "");
    return `<li data-n="${n}" data-id="${esc(d.id)}"${n === state.open ? ' class="open"' : ""}><span class="id">${esc(d.id)}</span><br>${badges}</li>`;
  });
  $("list").innerHTML = rows.join("");
  $("pageinfo").textContent = `${state.matches.length} of ${H.docs.length} documents, page ${state.page + 1} of ${pages}`;
  $("prev").disabled = state.page === 0;
  $("next").disabled = state.page >= pages - 1;
}
function openDoc(n) {
  state.open = n;
  history.replaceState(null, "", "#" + encodeURIComponent(H.docs[n].id));
  for (const li of $("list").children) li.classList.toggle("open", Number(li.dataset.n) === n);
  drawDoc();
}
function editTitle(data, e) {
  const [r, reason, start, end] = data.edits[e];
  return `${H.rules[r]} [${start}, ${end}): ${reason}`;
}
function highlight(text, marked) {
  let out = esc(text);
  if (marked) out = out.replace(/\n/g, '<span class="nl"></span>\n');  // a changed line break shows
  if (state.query) {
    const q = esc(state.query).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    out = out.replace(new RegExp("(" + q + ")(?![^<]*>)", "gi"), "<mark>$1</mark>");
  }
  return out;
}
function drawDoc() {
  const n = state.open, d = H.docs[n], data = docData(n);
  $("title").textContent = d.id;
  if (!data) {
    $("text").innerHTML = `<p class="muted">${esc(d.status)}: ${esc(d.reason || "no text")}</p>`;
    return;
  }
  const shown = (e) => e >= 0 && ruleVisible(data.edits[e][0]);
  const parts = [];
  let marks = 0;
  for (const p of data.pieces) {
    if (typeof p === "string") { parts.push(highlight(p, false)); continue; }
    const [text, ins, del, warn = -1] = p;
    if (del >= 0 && !shown(del)) continue;  // deletion of a hidden rule: show its result only
    let html = highlight(text, shown(ins) || shown(del));
    if (shown(ins)) {
      marks++;
      const r = data.edits[ins][0];
      html = `<ins class="s${ruleStep[r]}" data-e="${ins}" data-rule="${esc(H.rules[r])}" title="${esc(editTitle(data, ins))}">${html}</ins>`;
    }
    if (shown(del)) {
      marks++;
      const r = data.edits[del][0];
      const es = shown(ins) ? `${del} ${ins}` : `${del}`;
      html = `<del class="s${ruleStep[r]}" data-e="${es}" data-rule="${esc(H.rules[r])}" title="${esc(editTitle(data, del))}">${html}</del>`;
    }
    if (warn >= 0) {
      const w = data.warnings[warn];
      html = `<span class="w" data-warning="${warn}" title="${esc(`warning ${w[2]}: ${w[3] || ""}`)}">${html}</span>`;
    }
    parts.push(html);
  }
  $("text").innerHTML = parts.join("");
  const counts = d.by_step.map((c, i) => c ? `${H.steps[i]} ${c}` : "").filter(Boolean).join(", ");
  $("detail").className = "muted";
  $("detail").textContent = `${data.edits.length} edits (${counts || "none"}), ${marks} marks shown, ${data.warnings.length} warnings. Click a mark for details.`;
}
function showEdits(list) {
  const data = docData(state.open);
  $("detail").className = "";
  $("detail").innerHTML = list.map((e) => {
    const [r, reason, start, end] = data.edits[e];
    return `<b class="s${ruleStep[r]}" style="color:var(--c)">${esc(H.rules[r])}</b> at [${start}, ${end}) of the text entering the step: ${esc(reason)}`;
  }).join("<br>");
}
setup();
"""


# Markers of the plain-text diff (stdout not a terminal), as in `wdiff`.
PLAIN_DELETE = ("[-", "-]")
PLAIN_INSERT = ("{+", "+}")


def plain_diff(pieces: list[Piece]) -> str:
    """The edit history as plain text: [-deleted-] and {+inserted+} runs.

    >>> plain_diff([Piece("a"), Piece("  ", deleted_by=0), Piece(" ", inserted_by=0), Piece("b")])
    'a[-  -]{+ +}b'
    """
    out = []
    for piece in pieces:
        text = piece.text
        if piece.inserted_by != NO_EDIT:
            text = PLAIN_INSERT[0] + text + PLAIN_INSERT[1]
        if piece.deleted_by != NO_EDIT:
            text = PLAIN_DELETE[0] + text + PLAIN_DELETE[1]
        out.append(text)
    return "".join(out)


def rich_diff(pieces: list[Piece], edits: list[Edit]):
    """The edit history as a `rich` Text: deletions struck, insertions
    underlined, coloured by step; a deleted line break shows as a visible mark."""
    from rich.text import Text

    text = Text()
    for piece in pieces:
        style = ""
        if piece.inserted_by != NO_EDIT:
            style = f"underline {terminal_colour(edits[piece.inserted_by].step)}"
        if piece.deleted_by != NO_EDIT:
            style = f"strike {terminal_colour(edits[piece.deleted_by].step)}"
            if piece.inserted_by != NO_EDIT:
                style += " underline"
        shown = piece.text.replace("\n", "\u21b5\n") if style else piece.text
        text.append(shown, style=style or None)
    return text
