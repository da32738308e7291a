import pytest

from cleaners.decode import UTF8_WITH_ESCAPES, decode_bytes, encode_text

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
