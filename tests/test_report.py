"""The review report (flows/report.py) and `presswash diff`, on the committed seed output."""

import json
import re
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import COMMITTED_CLEAN, SEEDS
from cleaners.decode import decode_bytes
from cleaners.edits import Edit, apply_edits
from flows.report import NO_EDIT, Piece, build_report, edit_history, mark_warnings, rich_diff
from test_flow import presswash

REPORT = COMMITTED_CLEAN / "report.html"
SCRIPT_RE = re.compile(r'<script type="application/json" id="([^"]+)">(.*?)</script>', re.S)


def committed_run():
    manifest = json.loads((COMMITTED_CLEAN / "manifest.json").read_text(encoding="utf-8"))
    records = [json.loads(line) for line in (COMMITTED_CLEAN / "changelog.jsonl").open(encoding="utf-8")]
    texts = {doc: (COMMITTED_CLEAN / f"{doc}.txt").read_text(encoding="utf-8") for doc in manifest["documents"]}
    return manifest, records, texts


def embedded(page: str) -> tuple[dict, dict]:
    """The page's index block and its per-document blocks by document id."""
    blocks = dict(SCRIPT_RE.findall(page))
    head = json.loads(blocks.pop("head"))
    docs = {head["docs"][int(key.removeprefix("doc-"))]["id"]: json.loads(value) for key, value in blocks.items()}
    return head, docs


def test_report_is_built_from_the_run_and_committed():
    assert REPORT.read_text(encoding="utf-8") == build_report(*committed_run())


def test_report_loads_no_remote_resource():
    page = REPORT.read_text(encoding="utf-8")
    links = re.findall(r'\b(?:src|href)\s*=\s*["\']?([^"\'\s>]+)', page)
    assert not [link for link in links if re.match(r"(?i)(https?:)?//", link)]
    assert not re.search(r"(?i)<link\b|@import|url\(", page)


def test_report_lists_every_document_and_every_edit():
    manifest, records, _ = committed_run()
    head, docs = embedded(REPORT.read_text(encoding="utf-8"))
    assert [d["id"] for d in head["docs"]] == sorted(manifest["documents"]) and len(docs) == 5
    for doc_id, data in docs.items():
        shown = Counter(data["rules"][rule] for rule, *_ in data["edits"])
        logged = Counter(f"{r['step']}/{r['rule']}" for r in records if r["doc"] == doc_id)
        assert shown == logged == Counter(manifest["documents"][doc_id]["edits"]), doc_id
        marked = {i for piece in data["pieces"] if isinstance(piece, list) for i in piece[1:3]} - {NO_EDIT}
        assert marked == set(range(len(data["edits"]))), f"{doc_id}: every edit has a mark"
        logged_spans = [[r["start"], r["end"]] for r in records if r["doc"] == doc_id]
        assert [e[2:] for e in data["edits"]] == logged_spans


def test_history_spells_both_the_raw_and_the_clean_text():
    manifest, records, texts = committed_run()
    overlapping = 0
    for doc_id, text in texts.items():
        pieces = edit_history(text, [Edit.from_record(r) for r in records if r["doc"] == doc_id])
        raw = decode_bytes((SEEDS / manifest["documents"][doc_id]["source"]).read_bytes()).text
        assert "".join(p.text for p in pieces if p.inserted_by == NO_EDIT) == raw
        assert "".join(p.text for p in pieces if p.deleted_by == NO_EDIT) == text
        overlapping += sum(p.inserted_by != NO_EDIT and p.deleted_by != NO_EDIT for p in pieces)
    assert overlapping > 0, "the seeds have text inserted by one step and deleted by a later one"


def test_a_later_step_changing_inserted_text_keeps_both_edits():
    log = [Edit("a", "r", 0, 1, "x", "yy", ""), Edit("b", "q", 1, 2, "y", "z", "")]
    pieces = edit_history("yz", log)
    assert [(p.text, p.inserted_by, p.deleted_by) for p in pieces] == [
        ("x", NO_EDIT, 0), ("y", 0, NO_EDIT), ("y", 0, 1), ("z", 1, NO_EDIT)]


@given(st.text("ab \n", max_size=30), st.data())
def test_history_invariants_for_random_two_step_edits(raw, data):
    log, text = [], raw
    for step in ("one", "two"):
        edits, cursor = [], 0
        while cursor <= len(text) and data.draw(st.booleans()):
            start = data.draw(st.integers(cursor, len(text)))
            end = data.draw(st.integers(start, len(text)))
            after = data.draw(st.text("xy\n", max_size=3))
            if start == end and not after:
                break
            edits.append(Edit(step, "r", start, end, text[start:end], after, ""))
            cursor = end + 1
        text = apply_edits(text, edits)
        log += edits
    pieces = edit_history(text, log)
    assert "".join(p.text for p in pieces if p.inserted_by == NO_EDIT) == raw
    assert "".join(p.text for p in pieces if p.deleted_by == NO_EDIT) == text


def test_warnings_are_marked_in_clean_coordinates():
    pieces = [Piece("ab"), Piece("X", deleted_by=0), Piece("cd")]
    marked = mark_warnings(pieces, [{"start": 1, "end": 3, "kind": "k", "text": "t"}])
    assert [(p.text, p.warning) for p in marked] == [("a", -1), ("b", 0), ("X", 0), ("c", 0), ("d", -1)]


def test_report_shows_warnings_and_quarantined_documents():
    manifest = {"summary": {}, "documents": {
        "a": {"status": "cleaned", "warnings": [{"start": 0, "end": 3, "kind": "odd", "text": "abc"}]},
        "b": {"status": "quarantined", "reason": "not text", "warnings": []}}}
    head, docs = embedded(build_report(manifest, [], {"a": "abcdef\n"}))
    assert [d["warnings"] for d in head["docs"]] == [1, 0] and list(docs) == ["a"]
    assert docs["a"]["pieces"] == [["abc", -1, -1, 0], "def\n"]


def test_report_json_cannot_close_its_script_element():
    manifest = {"summary": {}, "documents": {"d": {"status": "cleaned", "warnings": []}}}
    page = build_report(manifest, [], {"d": "</script><script>alert(1)</script>\n"})
    assert page.count("</script>") == page.count("<script")
    assert embedded(page)[1]["d"]["pieces"] == ["</script><script>alert(1)</script>\n"]


def test_diff_prints_plain_markers_when_not_a_terminal():
    run = presswash("diff", "000_168d10991dd40f8a")
    assert run.stdout.startswith("000_168d10991dd40f8a: 5 edits")
    assert "[-— —-]{+—+}" in run.stdout
    assert "\x1b[" not in run.stdout


def test_terminal_diff_strikes_deletions_and_underlines_insertions_by_step():
    log = [Edit("strip_boilerplate", "r", 1, 3, "  ", " ", "")]
    text = rich_diff(edit_history("a b", log), log)
    assert text.plain == "a   b"
    assert [(text.plain[s.start:s.end], str(s.style)) for s in text.spans] == [
        ("  ", "strike red"), (" ", "underline red")]


@pytest.mark.parametrize("args, message", [
    (["diff", "no_such_doc"], "data/clean has no document 'no_such_doc'"),
    (["diff", "000_168d10991dd40f8a", "--out", "seeds"], "seeds has no manifest.json"),
])
def test_diff_fails_with_one_clear_line(args, message):
    run = presswash(*args, check=False)
    assert run.returncode == 2
    assert message in run.stderr and len(run.stderr.strip().splitlines()) == 1


def _script_json_as_text(data) -> str:
    """What a block was before it was made in UTF-8 (flows/report.py `_script_json_utf8`)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(data, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


SCRIPT_TEXT = st.text(st.sampled_from(["<", ">", "&", "/", '"', "\\", "\n", "é", "😀", "\u2028", "\udc92", "a"]), max_size=12)


@given(st.recursive(st.one_of(SCRIPT_TEXT, st.integers(), st.none()), lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(SCRIPT_TEXT, inner, max_size=4), max_leaves=12))
def test_a_block_in_utf8_is_the_text_block_encoded(data):
    from flows.report import _script_json_utf8

    assert _script_json_utf8(data) == _script_json_as_text(data).encode("utf-8")


def test_a_block_from_the_raw_text_is_the_block_from_the_changelog():
    """A batch hands `document_block` the raw text it still has instead of
    letting it rebuild it (`restore_text`): the block must be the same."""
    from cleaners.pipeline import CorpusContext, clean_text
    from flows.report import document_block

    context = CorpusContext.build()
    raws = [decode_bytes(path.read_bytes()).text for path in sorted(SEEDS.glob("*.txt"))]
    raws += ["", "\r\n\r\n  x  \u00a0y\r\n", "See also: Cats\r\nNews  here.\r\n"]
    for raw in raws:
        clean, edits = clean_text(raw, context)
        assert document_block(clean, edits, [], raw) == document_block(clean, edits, [])
