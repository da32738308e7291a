import pytest
from hypothesis import given
from hypothesis import strategies as st

from cleaners.decode import CONTROL_RE, UTF8_WITH_ESCAPES, decode_bytes, encode_text

TEXT = "Grüße aus Köln: “Tokayev’s” visit — 5 €.\r\nSecond line.\rThird.\n"


@pytest.mark.parametrize(
    "raw",
    [
        TEXT.encode("utf-8"),
        b"\xef\xbb\xbf" + TEXT.encode("utf-8"),
        ("\ufeff" + TEXT).encode("utf-16-le"),
        ("\ufeff" + TEXT).encode("utf-16-be"),
        TEXT.replace("“", '"').replace("”", '"').replace("’", "'").replace("—", "-").replace("€", "EUR").encode("latin-1"),
        TEXT.encode("cp1252"),
        b"plain ascii with one stray byte \x92 in it" * 3,
        bytes(range(256)),
        b"",
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-le-bom", "utf-16-be-bom", "latin-1", "cp1252", "stray-byte", "all-bytes", "empty"],
)
def test_decoding_round_trips_byte_for_byte(raw):
    decoded = decode_bytes(raw)
    assert encode_text(decoded.text, decoded.encoding) == raw


def test_cp1252_text_is_read_as_cp1252():
    decoded = decode_bytes(TEXT.encode("cp1252"))
    assert decoded.text == TEXT


def test_utf8_with_a_stray_byte_stays_utf8_and_keeps_the_byte():
    raw = ("Kottasová said " * 20).encode("utf-8") + b"\x92"
    decoded = decode_bytes(raw)
    assert decoded.encoding == UTF8_WITH_ESCAPES
    assert decoded.text.startswith("Kottasová said")


@given(st.text(alphabet=st.one_of(  # the class's edges: C0, DEL and C1, escaped bytes (lone surrogates)
    st.characters(max_codepoint=0x17F), st.characters(min_codepoint=0xDC70, max_codepoint=0xDD10, exclude_categories=())
), max_size=200))
def test_the_control_screen_counts_what_regex_counts(text):
    # CONTROL_RE uses the standard library's `re` for speed; it must match
    # exactly the characters the project's `regex` module would.
    import regex

    assert CONTROL_RE.findall(text) == regex.findall(CONTROL_RE.pattern, text)
