"""`flows.jsonio.indented_json` writes the manifest without json.dumps's
pure-Python indenting encoder; it must be byte for byte
`json.dumps(value, indent=1, ensure_ascii=False)`, for any value."""

import json
from collections import Counter, OrderedDict

from hypothesis import given
from hypothesis import strategies as st

from flows.jsonio import indented_json

KEYS = st.text(st.sampled_from(['"', "\\", "\n", "\x00", "é", "😀", "\udc92", "a", "/"]), max_size=5)
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), KEYS)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4)
    | st.dictionaries(st.one_of(st.integers(), st.booleans(), st.none(), st.floats(allow_nan=False)), inner, max_size=3)
    | st.tuples(inner, inner),
    max_leaves=20,
)


@given(VALUES)
def test_it_is_json_dumps_indented(value):
    assert indented_json(value) == json.dumps(value, indent=1, ensure_ascii=False)


def test_containers_json_writes_alike_go_its_way():
    value = {"c": Counter(a=1), "o": OrderedDict(b=[True, 1.5]), "t": (1, 2), "n": float("nan")}
    assert indented_json(value) == json.dumps(value, indent=1, ensure_ascii=False)
