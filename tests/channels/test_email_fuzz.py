"""Fuzz tests: parse_email returns a ParsedEmail or raises EmailParseError, nothing else.

Random bytes, and corpus messages mutated by byte flips, truncation, deletion, duplication and
header injection. An EmailParseError must be a deliberate one (no chained internal exception).
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bokdesk.channels.email_parse import (
    MAX_TEXT_CHARS,
    Classification,
    EmailParseError,
    ParsedEmail,
    decode_bytes,
    decode_header_value,
    parse_address_list,
    parse_email,
    split_quoted,
)
from bokdesk.channels.email_text import html_to_text, normalize_newlines

CORPUS = {p.name: p.read_bytes() for p in sorted((Path(__file__).parent / "corpus").glob("*.eml"))}
FUZZ = settings(
    max_examples=100,
    deadline=None,
    database=None,  # do not write .hypothesis/ into the work tree
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

TRICKY_HEADERS = [
    b'Content-Type: multipart/mixed; boundary=""',
    b"Content-Type: multipart/alternative",
    b"Content-Type: multipart/mixed; boundary*=idna''abc",
    b"Content-Type: multipart/related; boundary*0*=undefined''a; boundary*1=b; start=<x>",
    b"Content-Type: multipart/report; report-type=delivery-status; boundary=x",
    b"Content-Type: message/rfc822",
    b"Content-Type: message/delivery-status",
    b"Content-Type: text/html; charset=idna",
    b"Content-Type: text/plain; charset=base64",
    b'Content-Type: text/plain; charset="utf-8\x00"',
    b"Content-Type: text/plain; charset*=''%ZZ; format=flowed; delsp=yes",
    b'Content-Type: ;;;;""";;',
    b"Content-Type: application/pdf; name*0*=x''%C5; name*2*=%BC; name*=utf-8''a",
    b"Content-Disposition: attachment; filename*0*=idna''%C5%BC.pdf",
    b'Content-Disposition: attachment; filename="=?utf-8?B?====?="',
    b"Content-Transfer-Encoding: base64",
    b"Content-Transfer-Encoding: quoted-printable",
    b"Content-Transfer-Encoding: x-uuencode",
    b"From: ((((((((((((((((((((((",
    b'From: "unterminated <a@b.pl>',
    b"From: <<<<>>>>, @@@, ;;;",
    b"Subject: =?utf-8?B?====?= =?=?=?= =?utf-8?Q?=ZZ?= =?\xff?Q?a?=",
    b"Subject: \xc5\xbc\xff\xfe\x00",
    b"Date: Fri, 31 Dec 9999 23:59:59 -2359",
    b"Date: 0 Jan 0 00:00:00 +0000",
    b"Message-ID: <<<>>>",
    b"References: " + b"<a@b> " * 50,
    b"Auto-Submitted: auto-replied",
    b"Precedence: bulk",
    b"List-Id: <x>",
    b"\tcontinuation without header",
]
TEXT_ALPHABET = "<>/=?\"'!-&#;(),@QB_ab \n>pqrs\x00\x1b"


def check(raw: bytes) -> None:
    """The parser contract, plus invariants of a successful parse."""
    try:
        mail = parse_email(raw)
    except EmailParseError as exc:
        assert exc.__cause__ is None, f"internal error wrapped: {exc.__cause__!r}"
        assert str(exc) and "\n" not in str(exc)
        return
    assert isinstance(mail, ParsedEmail)
    assert isinstance(mail.classification, Classification)
    assert mail.from_addr == mail.from_addr.lower() and mail.from_addr
    assert "\n" not in mail.subject and "\r" not in mail.subject
    assert "\x00" not in mail.text and len(mail.text) <= MAX_TEXT_CHARS
    assert mail.date is None or mail.date.tzinfo is None
    assert mail.message_id is None or mail.message_id.strip() == mail.message_id != ""
    for att in mail.attachments:
        assert isinstance(att.data, bytes) and att.size >= len(att.data)
        assert att.data == b"" if att.too_large else len(att.data) == att.size
    new, folded = split_quoted(mail.text)
    assert isinstance(new, str) and isinstance(folded, str)


@st.composite
def mutated_corpus(draw: st.DrawFn) -> bytes:
    data = bytearray(CORPUS[draw(st.sampled_from(sorted(CORPUS)))])
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["flip", "truncate", "delete", "duplicate", "inject", "junk"]))
        pos = draw(st.integers(0, len(data)))
        if op == "flip" and data:
            data[min(pos, len(data) - 1)] = draw(st.integers(0, 255))
        elif op == "truncate":
            del data[pos:]
        elif op == "delete":
            del data[pos : pos + draw(st.integers(1, 200))]
        elif op == "duplicate":
            chunk = data[pos : pos + draw(st.integers(1, 400))]
            data[pos:pos] = chunk * draw(st.integers(1, 20))
        elif op == "inject":
            header = draw(st.sampled_from(TRICKY_HEADERS) | st.binary(max_size=80))
            at = draw(st.sampled_from([0, data.find(b"\n") + 1, data.find(b"\n\n") + 1, pos]))
            data[at:at] = header + draw(st.sampled_from([b"\n", b"\r\n", b""]))
        elif op == "junk":
            data[pos:pos] = draw(st.binary(min_size=1, max_size=60))
    return bytes(data)


@FUZZ
@given(st.binary(max_size=3000))
def test_random_bytes(raw: bytes) -> None:
    check(raw)


@FUZZ
@given(mutated_corpus())
def test_mutated_corpus(raw: bytes) -> None:
    check(raw)


@FUZZ
@given(
    st.lists(st.sampled_from(TRICKY_HEADERS) | st.binary(max_size=60), max_size=8),
    st.sampled_from(sorted(CORPUS)),
    st.booleans(),
)
def test_header_injection(headers: list[bytes], name: str, crlf: bool) -> None:
    nl = b"\r\n" if crlf else b"\n"
    raw = CORPUS[name].replace(b"\n", nl)
    split = raw.find(nl + nl)
    split = len(raw) if split < 0 else split + len(nl)
    check(raw[:split] + b"".join(h + nl for h in headers) + raw[split:])


@settings(max_examples=50, deadline=None, database=None)
@given(st.text(alphabet=st.sampled_from(list(TEXT_ALPHABET)), max_size=400))
def test_text_helpers_never_raise(text: str) -> None:
    html_to_text(text)
    decode_header_value(text)
    parse_address_list(text)
    decode_bytes(text.encode("utf-8", "surrogatepass"), text[:12] or None)
    new, folded = split_quoted(text)
    if folded:
        normal = normalize_newlines(text)
        assert normal.startswith(new) and normal.rstrip("\n").endswith(folded)
    else:
        assert new == text
