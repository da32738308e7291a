"""JSON as presswash writes it: UTF-8, with ASCII escapes only where a
string holds raw bytes kept as lone surrogates, which UTF-8 cannot carry.

One place for that rule, shared by the corpus and changelog lines, the
manifest and the review page's data blocks.
"""

from __future__ import annotations

import json
import math
from json.encoder import encode_basestring

# Encoders made once (json.dumps builds a new one on each call with options
# other than the defaults): json.dumps's own separators, and compact ones.
# Each pair is (UTF-8, ASCII-escaped).
_ENCODERS = (json.JSONEncoder(ensure_ascii=False), json.JSONEncoder())
_COMPACT_ENCODERS = (
    json.JSONEncoder(ensure_ascii=False, separators=(",", ":")), json.JSONEncoder(separators=(",", ":")),
)


def json_utf8(value, compact: bool = False) -> bytes:
    """VALUE as JSON on one line, in UTF-8, the text encoded once; escaped
    as ASCII only when it holds lone surrogates. COMPACT: no spaces after
    separators.

    >>> json_utf8({"a": "é"}), json_utf8("\\udc92"), json_utf8([1, 2], compact=True)
    (b'{"a": "\\xc3\\xa9"}', b'"\\\\udc92"', b'[1,2]')
    """
    utf8, ascii_escaped = _COMPACT_ENCODERS if compact else _ENCODERS
    try:
        return utf8.encode(value).encode("utf-8")
    except UnicodeEncodeError:  # raw bytes kept as lone surrogates: escaped as ASCII
        return ascii_escaped.encode(value).encode("ascii")


def json_value(value) -> str:
    """`json_utf8(VALUE)` as text.

    >>> json_value({"a": "é"}), json_value("\\udc92")
    ('{"a": "é"}', '"\\\\udc92"')
    """
    return json_utf8(value).decode("utf-8")


def indented_json(value) -> str:
    """`json.dumps(VALUE, indent=1, ensure_ascii=False)`, at about half the
    cost for what a manifest holds (dicts with string keys, lists, strings,
    ints, finite floats, booleans, None); anything else goes to json.dumps.

    json.dumps writes indented JSON with its pure-Python encoder, a generator
    per container, which made the manifest of a 6,000-document corpus cost
    as much as all its corpus.jsonl records. Here each container is one
    join, and each value is written as that encoder writes it
    (tests/test_manifest_json.py checks the two agree).

    >>> print(indented_json({"a": [1, None, {}], "é": {"b": 0.5}}))
    {
     "a": [
      1,
      null,
      {}
     ],
     "é": {
      "b": 0.5
     }
    }
    """
    try:
        return _indented(value, "")
    except _NotPlainJson:
        return json.dumps(value, indent=1, ensure_ascii=False)


class _NotPlainJson(Exception):
    """A value `_indented` leaves to json.dumps."""


def _indented(value, indent: str) -> str:
    """VALUE as json.dumps(indent=1) writes it at a line indented by INDENT."""
    kind = type(value)
    if kind is str:
        return encode_basestring(value)
    if kind is int:
        return int.__repr__(value)
    if value is None:
        return "null"
    if kind is bool:
        return "true" if value else "false"
    if kind is float and math.isfinite(value):
        return float.__repr__(value)
    inner = indent + " "
    if kind is dict:
        if not value:
            return "{}"
        if not all(type(key) is str for key in value):
            raise _NotPlainJson
        items = [f"{encode_basestring(key)}: {_indented(item, inner)}" for key, item in value.items()]
        return "{\n" + inner + (",\n" + inner).join(items) + "\n" + indent + "}"
    if kind is list:
        if not value:
            return "[]"
        return "[\n" + inner + (",\n" + inner).join([_indented(item, inner) for item in value]) + "\n" + indent + "]"
    raise _NotPlainJson
