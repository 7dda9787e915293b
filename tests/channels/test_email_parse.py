"""Tests for the inbound e-mail parser (bokdesk.channels.email_parse / email_text)."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from bokdesk.channels.email_parse import (
    MAX_TEXT_CHARS,
    TRUNCATION_NOTE,
    Classification,
    EmailParseError,
    ParsedAttachment,
    ParsedEmail,
    decode_bytes,
    decode_header_value,
    parse_address_list,
    parse_email,
    split_quoted,
    ticket_number_from_subject,
)
from bokdesk.channels.email_text import html_to_text, unflow

CORPUS = Path(__file__).parent / "corpus"
PL = "Zażółć gęślą jaźń"


def load(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


def parse(name: str, **kwargs: Any) -> ParsedEmail:
    return parse_email(load(name), **kwargs)


def make(headers: str, body: str = "Treść.\n", *, from_: str | None = "a@example.pl") -> bytes:
    """A small message from header lines (LF-separated) and a body."""
    lines = [f"From: {from_}"] if from_ is not None else []
    lines += [h for h in headers.strip("\n").split("\n") if h]
    return ("\n".join(lines) + "\n\n" + body).encode("utf-8")


# --------------------------------------------------------------------------------------------
# the corpus: every file has specific expectations

C = Classification
EXPECTED: dict[str, dict[str, Any]] = {
    "subject_iso8859-2_q.eml": dict(
        subject=f"Reklamacja: {PL}",
        from_addr="pawel.lodzki@example.pl",
        from_name="Paweł Łódzki",
        text_has=[PL, "Dzień dobry,\nproszę o kontakt"],
        date=datetime(2024, 3, 11, 9, 15),
        message_id="iso-q-1@example.pl",
    ),
    "subject_windows-1250_b.eml": dict(
        subject=f"Zwrot towaru – {PL}",
        from_addr="m.swiatek@example.com",
        from_name="Małgorzata Świątek",
        text_has=["Święta już były", PL],
        summary={"To": "Biuro Obsługi Klienta <bok@firma.example>"},
    ),
    "subject_utf8_mixed_words.eml": dict(
        subject=(
            "Pilne: Zamówienie nr 77 – jań gotowe — dziękuję =?utf-8?B?!!nie-base64!!?= żaba "
            "=?utf-8?Q?niedoko=C5=84czone"
        ),
        from_addr="jan.kowalski@example.pl",
        from_name="Jan Kowalski",
        text_has=[f"Treść w UTF-8: {PL}."],
    ),
    "body_qp_iso8859-2.eml": dict(
        subject="Uszkodzona przesyłka",
        from_name="Zofia Zielińska",
        from_addr="zofia@example.pl",
        text_has=[f"uszkodzona. {PL}. Proszę o zwrot pieniędzy.", "Pozdrawiam\nZofia"],
    ),
    "html_only_newsletter_reply.eml": dict(
        subject="Re: Twoje zamówienie",
        from_addr="newsletter@sklep.example",
        text_has=[
            "Dzień dobry!",
            f'{PL} & "cytat" <tag>',
            "- Zamówienie #4411",
            "- Status: w drodze",
            "Sprawdź status (https://sklep.example/zamowienie/4411?utm=news)",
            "lub https://sklep.example/.",
            "Promocja (https://sklep.example/promo)",
            "W dniu 10.03.2024 o 09:00, BOK <bok@firma.example> pisze:",
            "> Prosimy o numer zamówienia.",
        ],
        text_lacks=[
            "<p",
            "<td",
            "SCRIPT-CONTENT",
            "font-family",
            "Newsletter sklepu",
            "Tylko dla Outlooka",
            "&amp;",
            "&nbsp;",
        ],
    ),
    "multipart_alternative.eml": dict(
        subject="Pytanie o fakturę",
        from_addr="anna.nowak@example.pl",
        # format=flowed soft break joined; the text/plain alternative wins over HTML
        text_has=["Długa linia, która została zawinięta przez klienta poczty. " + PL],
        text_lacks=["Wersja HTML"],
    ),
    "mixed_pdf_rfc2231.eml": dict(
        subject="Faktura korygująca",
        from_addr="ksiegowosc@example.pl",
        from_name="Księgowość",
        text_has=[f"W załączniku faktura. {PL}."],
        attachments=[("Faktura_zażółć_03-2024.pdf", "application/pdf", 1076)],
    ),
    # A slash in a MIME filename is part of the name, not a path: the whole name is kept, made safe.
    "attachment_names_with_slashes.eml": dict(
        subject="Faktura 2026/11 i umowa",
        from_addr="anna.k@example.pl",
        text_has=["W załączeniu faktura za listopad i umowa."],
        attachments=[
            ("faktura 2026_11.pdf", "application/pdf", 33),
            ("_Umowa 1_2026 załącznik.txt", "text/plain", 30),
        ],
    ),
    "nested_multipart.eml": dict(
        subject="Zdjęcie uszkodzenia",
        from_addr="tomasz@example.pl",
        from_name="Tomasz Wiśniewski",
        text_has=[f"Przesyłam zdjęcie. {PL}."],
        text_lacks=["<p>", "cid:"],
        attachments=[
            ("attachment-1.png", "image/png", 66),
            (
                "Opis szkody.docx",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                174,
            ),
        ],
    ),
    "auto_reply_auto_submitted.eml": dict(
        subject="Nieobecność w biurze: Re: [#88] Zamówienie",
        classification=C.AUTO_REPLY,
        ticket_number=88,
        in_reply_to=["ticket-88@firma.example"],
    ),
    "auto_reply_x_autoreply.eml": dict(
        subject="Re: Potwierdzenie",
        from_addr="biuro@example.com",
        from_name="",
        classification=C.AUTO_REPLY,
    ),
    "auto_reply_subject_prefix.eml": dict(
        subject="Odpowiedź automatyczna: Zamówienie", classification=C.AUTO_REPLY
    ),
    "ooo_subject_without_headers.eml": dict(subject="Urlop a termin reklamacji", classification=C.NORMAL),
    "bounce_dsn.eml": dict(
        subject="Undelivered Mail Returned to Sender",
        from_addr="mailer-daemon@mx.firma.example",
        classification=C.BOUNCE,
        ticket_number=None,
        text_has=["could not\nbe delivered", "550 5.1.1 User unknown"],
        attachments=[
            ("delivery-status-1.txt", "message/delivery-status", 211),
            ("[#101] Odpowiedz w sprawie zgloszenia.eml", "message/rfc822", 161),
        ],
    ),
    "mailing_list.eml": dict(subject="[lista] Nowe zasady", classification=C.LIST),
    "missing_message_id.eml": dict(message_id=None, date=datetime(2024, 3, 22, 8, 30)),
    "missing_date.eml": dict(date=None, message_id="no-date@example.pl", summary={"Date": ""}),
    "garbage_date.eml": dict(date=None, summary={"Date": "w zeszły wtorek po południu"}),
    "broken_boundary_unclosed.eml": dict(
        subject="Urwana wiadomość",
        text_has=[f"Pierwsza część dotarła. {PL}."],
        attachments=[("dane.bin", "application/octet-stream", 48)],
    ),
    "wrong_charset_label.eml": dict(
        subject="Zla etykieta", text_has=[f"Treść w ISO-8859-2: {PL}. Śliwka, Źdźbło."]
    ),
    "unknown_charset_label.eml": dict(text_has=[f"Śmiało: {PL}."]),
    "8bit_no_charset.eml": dict(
        subject="Surowe UTF-8 w nagłówku: żółw",
        from_name="Łukasz Dąbrowski",
        text_has=[f"(windows-1250): {PL}. Świetnie."],
    ),
    "base64_garbage.eml": dict(text_has=[f"Zakodowane base64: {PL}. Koniec."]),
    "reply_w_dniu_pisze.eml": dict(
        subject="Re: [#204] Zamówienie 5521",
        ticket_number=204,
        in_reply_to=["ticket-204-2@firma.example"],
        references=["ticket-204-1@firma.example", "ticket-204-2@firma.example"],
        text_has=[f"Dziękuję, paczka dotarła. {PL}.", "W dniu 25.03.2024 o 10:15, BOK pisze:"],
        new_part=f"Dziękuję, paczka dotarła. {PL}.",
    ),
    "outlook_original_message.eml": dict(
        subject="RE: Reklamacja",
        from_addr="adam@example.pl",
        from_name="Lewandowski, Adam",
        classification=C.NORMAL,  # X-Auto-Response-Suppress alone is not an auto reply
        text_has=[f"Proszę o pilny kontakt. {PL}.", "-----Original Message-----"],
        text_lacks=["\r"],
        new_part=f"Proszę o pilny kontakt. {PL}.\n\nZ poważaniem\nAdam Lewandowski",
    ),
    "subject_ticket_number.eml": dict(subject="RE: FW: [#123] Zwrot towaru", ticket_number=123, from_name=""),
    "markup_escape_subject.eml": dict(
        subject=("[@click=app.quit]x[/] \x1b]52;c;ZWNobyBwd25lZA==\x07 \x1b]52;c;ZWNobyBwd25lZA==\x07"),
        from_name="[bold red]Admin[/]",
        from_addr="evil@example.com",
        text_has=["[link=https://evil.example]kliknij[/link] \x1b[2J\x1b[31mredNUL"],
        text_lacks=["\x00"],
    ),
    "forwarded_rfc822.eml": dict(
        subject="Fwd: Potwierdzenie zamówienia",
        text_has=["Przesyłam potwierdzenie"],
        text_lacks=["Dziękujemy za zamówienie 9001"],
        attachments=[("Potwierdzenie zamówienia 9001.eml", "message/rfc822", 183)],
    ),
}
MUST_RAISE = {
    "not_an_email.eml": "no e-mail headers",
    "no_from_address.eml": "no From",
}


def test_corpus_is_fully_covered() -> None:
    files = {p.name for p in CORPUS.glob("*.eml")}
    assert files == set(EXPECTED) | set(MUST_RAISE)
    assert len(files) >= 20


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file(name: str) -> None:
    exp = EXPECTED[name]
    mail = parse(name)
    for key in (
        "subject",
        "from_addr",
        "from_name",
        "date",
        "message_id",
        "ticket_number",
        "in_reply_to",
        "references",
    ):
        if key in exp:
            assert getattr(mail, key) == exp[key], key
    assert mail.classification == exp.get("classification", C.NORMAL)
    for piece in exp.get("text_has", []):
        assert piece in mail.text
    for piece in exp.get("text_lacks", []):
        assert piece not in mail.text
    got = [(a.filename, a.content_type, a.size) for a in mail.attachments]
    assert got == exp.get("attachments", [])
    for key, value in exp.get("summary", {}).items():
        assert mail.headers_summary[key] == value
    if "new_part" in exp:
        assert split_quoted(mail.text)[0] == exp["new_part"]


@pytest.mark.parametrize("name", sorted(MUST_RAISE))
def test_corpus_file_raises(name: str) -> None:
    with pytest.raises(EmailParseError, match=MUST_RAISE[name]):
        parse(name)


def test_common_invariants_over_corpus() -> None:
    for name in EXPECTED:
        mail = parse(name)
        assert mail.from_addr == mail.from_addr.lower()
        assert "\n" not in mail.subject and "\r" not in mail.subject
        assert "\x00" not in mail.text
        assert mail.date is None or mail.date.tzinfo is None
        assert set(mail.headers_summary) >= {"From", "To", "Subject", "Date"}
        assert (
            mail.to_addrs == ["bok@firma.example"]
            or name in ("mailing_list.eml", "markup_escape_subject.eml")
            or mail.to_addrs
        )


def test_pdf_attachment_bytes_roundtrip() -> None:
    (pdf,) = parse("mixed_pdf_rfc2231.eml").attachments
    assert pdf.data.startswith(b"%PDF-1.4") and pdf.data.endswith(b"%%EOF\n")
    assert not pdf.too_large and pdf.size == len(pdf.data)


def test_attachment_names_are_kept_whole_and_made_safe() -> None:
    from bokdesk.channels.email_mime import MAX_FILENAME, safe_filename

    assert safe_filename("faktura 2026/11.pdf") == "faktura 2026_11.pdf"
    assert safe_filename("C:\\Users\\ola\\skan.pdf") == "C:_Users_ola_skan.pdf"
    assert safe_filename("..\\..\\.bashrc") == "_.._.bashrc"
    assert safe_filename(".ukryty.txt") == "ukryty.txt"  # no hidden files
    assert safe_filename("a\x00b\x1bc\x85d.pdf") == "a_b_c_d.pdf"
    assert safe_filename("faktura\u202efdp.exe") == "faktura_fdp.exe"  # no right-to-left override trick
    assert safe_filename(" ... ") == ""
    long = safe_filename("ż" * 400 + ".pdf")
    assert len(long) == MAX_FILENAME and long.endswith("ż.pdf")


def test_inline_image_counts_as_attachment() -> None:
    png = parse("nested_multipart.eml").attachments[0]
    assert png.inline and png.content_id == "foto1@example.pl"
    assert png.data.startswith(b"\x89PNG")


def test_attachment_over_limit_is_kept_without_data() -> None:
    mail = parse("mixed_pdf_rfc2231.eml", max_attachment_bytes=1000)
    (pdf,) = mail.attachments
    assert pdf.too_large and pdf.data == b"" and pdf.size == 1076
    assert pdf.filename == "Faktura_zażółć_03-2024.pdf"


def test_parsed_attachment_size_defaults_to_data_length() -> None:
    assert ParsedAttachment("a.txt", "text/plain", b"abc").size == 3


# --------------------------------------------------------------------------------------------
# unreadable input


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "empty"),
        (b" \r\n\t\n", "empty"),
        (b"\xef\xbb\xbf", "empty"),
        (b"hello world, this is not an e-mail\n", "no e-mail headers"),
        (b"\x00\x01\x02\xff" * 100, "no e-mail headers"),
        (b"Subject: hi\n\nbody", "no From header"),
        (b"From: Jan Kowalski\nSubject: hi\n\nbody", "no e-mail address"),
        (b"From: undisclosed-recipients:;\n\nx", "no e-mail address"),
        (b"From: " + b"(" * 100_000 + b"\n\nx", "no e-mail address"),
    ],
)
def test_unreadable_input_raises_with_reason(raw: bytes, reason: str) -> None:
    with pytest.raises(EmailParseError, match=reason) as info:
        parse_email(raw)
    assert "\n" not in str(info.value)


def test_non_bytes_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        parse_email("From: a@b.pl\n\nx")  # type: ignore[arg-type]


def test_deep_nesting_is_a_parse_error_not_a_crash() -> None:
    raw = b"From: a@b.pl\nContent-Type: multipart/mixed; boundary=b0\n\n"
    raw += b"".join(
        b"--b%d\nContent-Type: multipart/mixed; boundary=b%d\n\n" % (i - 1, i) for i in range(1, 3000)
    )
    try:
        mail = parse_email(raw)
    except EmailParseError as exc:
        assert "nested too deeply" in str(exc)
    else:
        assert mail.from_addr == "a@b.pl"


@pytest.mark.parametrize("codec", ["idna", "undefined", "base64", "nonexistent"])
def test_bad_rfc2231_charsets_in_parameters_do_not_crash(codec: str) -> None:
    raw = make(
        f"Content-Type: multipart/mixed; boundary*={codec}''abc",
        "--abc\nContent-Type: text/plain; charset*=" + codec + "''x\nContent-Disposition: "
        f"attachment; filename*={codec}''%C5%BC.txt\n\nx\n--abc--\n",
    )
    assert parse_email(raw).from_addr == "a@example.pl"


def test_bytearray_and_memoryview_accepted() -> None:
    raw = load("missing_date.eml")
    assert parse_email(bytearray(raw)).subject == "Bez daty"
    assert parse_email(memoryview(raw)).subject == "Bez daty"


def test_leading_blank_lines_and_mbox_from_line() -> None:
    raw = b"\r\n\nFrom MAILER-DAEMON Thu Mar 28 08:00:00 2024\nFrom: a@b.pl\nSubject: x\n\nbody\n"
    mail = parse_email(raw)
    assert (mail.from_addr, mail.subject, mail.text) == ("a@b.pl", "x", "body")


# --------------------------------------------------------------------------------------------
# headers


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("=?ISO-8859-2?Q?Pawe=B3_=A3=F3dzki?=", "Paweł Łódzki"),
        ("=?windows-1250?B?jHdpuXRlaw==?=", "Świątek"),
        (
            "=?utf-8?q?za=C5=BC=C3=B3=C5=82=C4=87?= =?utf-8?q?_g=C4=99=C5=9Bl=C4=85?=",
            "zażółć gęślą",
        ),
        ("=?utf-8?B?xbzDs8WC?=\r\n =?utf-8?B?xIc=?=", "żółć"),  # folded, adjacent
        ("=?utf-8?B?xbzDs8U=?= =?utf-8?B?gsSH?=", "żółć"),  # one character split over two words
        ("Re: =?iso-8859-2?Q?=BFa?= i =?windows-1250?Q?=9Cwit?=", "Re: ża i świt"),
        ("=?UTF-8*pl?Q?J=C4=99zyk?=", "Język"),  # RFC 2231 language suffix
        ("=?utf-8?B?xbzDs8WCxIc?=", "żółć"),  # missing padding
        ("=?x-unknown?Q?=BF=F3=B3w?=", "żółw"),  # unknown charset: guessed
        ("=?utf-8?B?not base64!?=", "=?utf-8?B?not base64!?="),  # broken: left readable
        ("=?utf-8?Q?unterminated", "=?utf-8?Q?unterminated"),
        ("=?idna?Q?abc?=", "abc"),  # unsafe codec is ignored, not raised
        ("pre=?utf-8?Q?=C5=BC?=post", "preżpost"),  # lenient: inside a word
        ("Zam\udcc3\udcb3wienie", "Zamówienie"),  # raw 8-bit UTF-8 header bytes
        ("Zam\udcf3wienie \udcbf\udcf3\udc9c", "Zamówienie żóś"),  # raw windows-1250 bytes
        ("a\x00b", "ab"),
    ],
)
def test_decode_header_value(raw: str, expected: str) -> None:
    assert decode_header_value(raw) == expected


def test_subject_whitespace_normalised_and_never_none() -> None:
    mail = parse_email(make("Subject: \t Re:   =?utf-8?Q?a?=\n   b\t c  "))
    assert mail.subject == "Re: a b c"
    assert parse_email(make("")).subject == ""


@pytest.mark.parametrize(
    ("header", "name", "addr"),
    [
        ('"Kowalski, Jan" <Jan.Kowalski@Example.PL>', "Kowalski, Jan", "jan.kowalski@example.pl"),
        ("=?utf-8?Q?Kowalski,_Jan?= <j@x.pl>", "Kowalski, Jan", "j@x.pl"),
        ('"=?utf-8?Q?=C5=81ukasz?=" <l@x.pl>', "Łukasz", "l@x.pl"),
        ("jan@x.pl (Jan Kowalski)", "Jan Kowalski", "jan@x.pl"),
        ("Jan Kowalski jan@x.pl", "Jan Kowalski", "jan@x.pl"),
        ("<jan@x.pl>", "", "jan@x.pl"),
        ("'Jan' <jan@x.pl>", "Jan", "jan@x.pl"),
        ("Jan <@relay.example:jan@x.pl>", "Jan", "jan@x.pl"),
        ("MAILER-DAEMON", "", "mailer-daemon"),
        ("Jan ((nested (comment))) <jan@x.pl>", "Jan", "jan@x.pl"),
    ],
)
def test_from_header_variants(header: str, name: str, addr: str) -> None:
    mail = parse_email(make("", from_=header))
    assert (mail.from_name, mail.from_addr) == (name, addr)


def test_raw_utf8_display_name_in_from() -> None:
    raw = "From: Łucja Żak <lucja@example.pl>\n\nx".encode()
    assert parse_email(raw).from_name == "Łucja Żak"


def test_recipient_lists_reply_to_and_summary() -> None:
    mail = parse_email(
        make(
            "To: A <a@x.pl>; b@x.pl, undisclosed-recipients:;\n"
            "To: B@X.PL\n"
            "Cc: =?utf-8?Q?=C5=BBaneta?= <z@x.pl>, broken\n"
            "Reply-To: Obsługa <Reply@X.PL>"
        )
    )
    assert mail.to_addrs == ["a@x.pl", "b@x.pl"]
    assert mail.cc_addrs == ["z@x.pl"]
    assert mail.reply_to_addr == "reply@x.pl"
    assert mail.headers_summary["Cc"] == "Żaneta <z@x.pl>, broken"


def test_parse_address_list_is_linear_and_lenient() -> None:
    assert parse_address_list("a@x.pl; b@x.pl") == [("", "a@x.pl"), ("", "b@x.pl")]
    assert parse_address_list("Grupa: a@x.pl, b@x.pl;") == [("", "a@x.pl"), ("", "b@x.pl")]
    start = time.perf_counter()
    parse_address_list("(" * 200_000 + '"' * 200_000 + "<" * 200_000)
    assert time.perf_counter() - start < 2


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("<abc@example.pl>", "abc@example.pl"),
        ("  < abc@example.pl >  (Outlook)", "abc@example.pl"),
        ("abc@example.pl", "abc@example.pl"),
        ("<>", None),
        ("   ", None),
    ],
)
def test_message_id(header: str, expected: str | None) -> None:
    assert parse_email(make(f"Message-ID: {header}")).message_id == expected


def test_references_and_in_reply_to() -> None:
    mail = parse_email(
        make(
            "In-Reply-To: <p2@x> (Jan's message of Monday)\n"
            "References: <p1@x>\n <p2@x> <p1@x>\nReferences: <p3@x>"
        )
    )
    assert mail.in_reply_to == ["p2@x"]
    assert mail.references == ["p1@x", "p2@x", "p3@x"]
    assert parse_email(make("In-Reply-To: p9@x")).in_reply_to == ["p9@x"]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Mon, 11 Mar 2024 10:15:00 +0100", datetime(2024, 3, 11, 9, 15)),
        ("Mon, 11 Mar 2024 10:15:00 -0000", datetime(2024, 3, 11, 10, 15)),
        ("11 Mar 24 10:15 CET", datetime(2024, 3, 11, 10, 15)),
        ("Mon, 11 Mar 2024 10:15:00 +0100 (CET)", datetime(2024, 3, 11, 9, 15)),
        ("2024-03-11T10:15:00+02:00", datetime(2024, 3, 11, 8, 15)),
        ("Fri, 31 Dec 9999 23:59:59 -1200", None),  # beyond datetime.max in UTC
        ("Mon, 11 Mar 2024 10:15:00 +9999", None),
        ("Mon, 32 Foo 2024 25:61:00", None),
        ("jutro", None),
    ],
)
def test_date(header: str, expected: datetime | None) -> None:
    assert parse_email(make(f"Date: {header}")).date == expected


@pytest.mark.parametrize(
    ("subject", "number"),
    [
        ("[#123] Zwrot", 123),
        ("Re: [#123] Zwrot", 123),
        ("RE: FW: Odp: [#7] x", 7),
        ("Problem z zamówieniem [#4411]", 4411),
        ("Re: [ # 45 ] x", 45),
        ("[#0] x", None),
        ("#123 x", None),
        ("[#12a] x", None),
        ("[#1234567890123] x", None),
        ("", None),
    ],
)
def test_ticket_number(subject: str, number: int | None) -> None:
    assert ticket_number_from_subject(subject) == number


# --------------------------------------------------------------------------------------------
# classification


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ("Auto-Submitted: auto-replied", C.AUTO_REPLY),
        ("Auto-Submitted: auto-generated", C.AUTO_REPLY),
        ("Auto-Submitted: No", C.NORMAL),
        ("X-Autorespond: 1", C.AUTO_REPLY),
        ("X-Autoreply: yes", C.AUTO_REPLY),
        ("Precedence: auto_reply", C.AUTO_REPLY),
        ("Subject: Automatic reply: Zamówienie", C.AUTO_REPLY),
        ("Subject: Autoreply: x", C.AUTO_REPLY),
        ("Subject: RE: Automatic reply: x", C.NORMAL),
        ("Subject: Out of Office", C.NORMAL),
        ("Subject: Poza biurem\nPrecedence: bulk", C.AUTO_REPLY),
        ("Subject: Out of office\nX-Auto-Response-Suppress: All", C.AUTO_REPLY),
        ("Subject: Promocja\nPrecedence: bulk", C.LIST),
        ("Subject: Urlop marzeń w promocji\nPrecedence: bulk", C.LIST),
        ("Precedence: junk", C.LIST),
        ("Precedence: list", C.LIST),
        ("List-Id: <x.lists.example>", C.LIST),
        ("List-Unsubscribe: <mailto:x@example>", C.LIST),
        ("Auto-Submitted: auto-generated\nList-Id: <x>", C.AUTO_REPLY),
        ("Precedence: first-class", C.NORMAL),
        ("", C.NORMAL),
    ],
)
def test_classification_headers(headers: str, expected: Classification) -> None:
    assert parse_email(make(headers)).classification == expected


def test_bounce_from_mailer_daemon_without_report_container() -> None:
    raw = make(
        "Subject: Mail delivery failed: returning message to sender\nX-Failed-Recipients: x@y.pl",
        from_="Mail Delivery System <Mailer-Daemon@mx.example>",
    )
    assert parse_email(raw).classification == C.BOUNCE
    human = make("Subject: Pytanie o konto", from_="postmaster@example.pl")
    assert parse_email(human).classification == C.NORMAL


def test_bounce_beats_auto_submitted_and_read_receipt_is_auto_reply() -> None:
    assert parse("bounce_dsn.eml").classification == C.BOUNCE  # it carries Auto-Submitted too
    mdn = make(
        "Content-Type: multipart/report; report-type=disposition-notification; boundary=b",
        "--b\nContent-Type: text/plain\n\nPrzeczytano.\n--b\n"
        "Content-Type: message/disposition-notification\n\nDisposition: manual-action/MDN-sent-"
        "manually; displayed\n--b--\n",
    )
    mail = parse_email(mdn)
    assert mail.classification == C.AUTO_REPLY and mail.text == "Przeczytano."


# --------------------------------------------------------------------------------------------
# bodies and charsets


@pytest.mark.parametrize(
    ("data", "charset", "expected"),
    [
        (PL.encode("utf-8"), "utf-8", PL),
        (PL.encode("iso-8859-2"), "utf-8", PL),  # mislabelled as UTF-8
        (PL.encode("cp1250"), "us-ascii", PL),  # mislabelled as ASCII
        (PL.encode("utf-8"), "iso-8859-2", PL),  # valid UTF-8 labelled ISO-8859-2
        (PL.encode("cp1250"), "iso-8859-2", PL),  # windows-1250 labelled ISO-8859-2
        (PL.encode("iso-8859-2"), None, PL),
        (PL.encode("cp1250"), None, PL),
        (PL.encode("iso-8859-2"), "x-nonsense", PL),
        (PL.encode("utf-8"), "base64", PL),  # not a text codec
        (PL.encode("utf-8"), "idna", PL),  # codec that refuses errors="replace"
        ("Zażółć".encode()[:-1], "utf-8", "Zażół\ufffd"),  # truncated UTF-8 stays UTF-8
        (b"abc", "utf-16", "\u6261\ufffd"),
        ("Łódź".encode("utf-16"), "UTF-16", "Łódź"),
        (b"", "utf-8", ""),
    ],
)
def test_decode_bytes(data: bytes, charset: str | None, expected: str) -> None:
    assert decode_bytes(data, charset) == expected


def test_charset_in_html_meta_is_used() -> None:
    html = '<html><head><meta charset="iso-8859-2"></head><body><p>Łódź</p></body></html>'
    raw = make("Content-Type: text/html", "").replace(b"\n\n", b"\n\n" + html.encode("iso-8859-2"))
    assert parse_email(raw).text == "Łódź"


def test_text_part_attachment_is_not_body() -> None:
    raw = make(
        'Content-Type: multipart/mixed; boundary="b"',
        "--b\nContent-Type: text/plain; charset=utf-8\n\nTreść główna.\n"
        "--b\nContent-Type: text/plain; charset=utf-8\nContent-Disposition: attachment; "
        'filename="../../etc/notatki.txt"\n\nNotatki w załączniku.\n'
        "--b\nContent-Type: text/calendar\n\nBEGIN:VCALENDAR\n--b--\n",
    )
    mail = parse_email(raw)
    assert mail.text == "Treść główna."
    assert [(a.filename, a.content_type) for a in mail.attachments] == [
        ("_.._etc_notatki.txt", "text/plain"),  # the whole name, never a path
        ("attachment-2.ics", "text/calendar"),
    ]
    assert mail.attachments[0].data == "Notatki w załączniku.".encode()


def test_several_inline_text_parts_are_joined() -> None:
    raw = make(
        'Content-Type: multipart/mixed; boundary="b"',
        "--b\nContent-Type: text/plain\n\nPierwsza.\n--b\nContent-Type: image/jpeg\n"
        "Content-Transfer-Encoding: base64\n\n/9j/4AAQ\n--b\nContent-Type: text/html\n\n"
        "<p>Druga.</p>\n--b--\n",
    )
    mail = parse_email(raw)
    assert mail.text == "Pierwsza.\n\nDruga."
    assert [a.filename for a in mail.attachments] == ["attachment-1.jpg"]


def test_empty_plain_alternative_falls_back_to_html() -> None:
    raw = make(
        'Content-Type: multipart/alternative; boundary="b"',
        "--b\nContent-Type: text/plain\n\n  \n--b\nContent-Type: text/html\n\n"
        "<p>Tylko HTML &ndash; ok</p>\n--b--\n",
    )
    assert parse_email(raw).text == "Tylko HTML – ok"


def test_multipart_without_boundary_is_read_as_text() -> None:
    raw = make("Content-Type: multipart/mixed", "Treść bez granic.\n")
    assert parse_email(raw).text == "Treść bez granic."


def test_quoted_printable_with_raw_8bit_and_crlf() -> None:
    raw = (
        "From: a@b.pl\r\nContent-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: Quoted-Printable \r\n\r\n"
        "za=C5=BC=\r\n\u00f3\u0142\u0107\r\n"
    ).encode("utf-8")
    assert parse_email(raw).text == "zażółć"


def test_nul_bytes_are_stripped_other_controls_kept() -> None:
    mail = parse_email(make("Subject: a\x00b\x07", "x\x00y\x1b[0m\n"))
    assert mail.subject == "ab\x07"
    assert mail.text == "xy\x1b[0m"


def test_huge_body_is_linear_and_capped() -> None:
    line = f"{PL}, lorem ipsum dolor sit amet.\n".encode()
    raw = make("Content-Type: text/plain; charset=utf-8", "") + line * (20_000_000 // len(line))
    start = time.perf_counter()
    mail = parse_email(raw)
    elapsed = time.perf_counter() - start
    assert len(mail.text) <= MAX_TEXT_CHARS
    assert mail.text.endswith(TRUNCATION_NOTE) and mail.text.startswith(PL)
    assert elapsed < 15


def test_huge_html_body_is_capped() -> None:
    raw = make("Content-Type: text/html; charset=utf-8", "") + b"<div><span></span></div>" * 220_000
    raw += b"<p>" + b"tekst " * 300_000 + b"</p>"
    start = time.perf_counter()
    mail = parse_email(raw)
    assert time.perf_counter() - start < 15
    assert mail.text.endswith(TRUNCATION_NOTE) and len(mail.text) <= MAX_TEXT_CHARS


# --------------------------------------------------------------------------------------------
# HTML to text


def test_html_to_text_structure() -> None:
    html = (
        "<h2>Tytuł</h2><p>Linia 1<br/>Linia 2</p><ol><li>jeden</li><li>dwa<ul><li>a</li></ul>"
        "</li></ol><pre>  a  b\n c</pre><hr><table><tr><td>A</td><td>B</td></tr></table>"
    )
    assert html_to_text(html) == (
        "Tytuł\n\nLinia 1\nLinia 2\n\n1. jeden\n2. dwa\n  - a\n\n  a  b\n c\n\n----\nA  B"
    )


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ('<a href="https://x.pl/a">Kliknij</a>', "Kliknij (https://x.pl/a)"),
        ('<a href="https://www.x.pl/">x.pl</a>', "x.pl"),
        ('<a href="mailto:bok@x.pl">bok@x.pl</a>', "bok@x.pl"),
        ('<a href="mailto:bok@x.pl?subject=a">napisz</a>', "napisz (bok@x.pl)"),
        ('<a href="javascript:alert(1)">kliknij</a>', "kliknij"),
        ('<a href="#top">góra</a>', "góra"),
        ('<a href="https://x.pl"></a>', "https://x.pl"),
        ('<a href="https://x.pl/?a=1&amp;b=2">link</a>', "link (https://x.pl/?a=1&b=2)"),
        ("<p>a &lt;b&gt; &amp;&nbsp;c &#x17c; &zwnj;</p>", "a <b> & c ż"),
        ("<style>p{}</style><script>x()</script><p>ok</p>", "ok"),
        ("<title>T</title><p>ok</p>", "ok"),
        ("<p>niezamknięty <b>tag", "niezamknięty tag"),
        ("a < b > c", "a < b > c"),
        ("<p>x<!-- komentarz --> y</p>", "x y"),
        ("<blockquote>cytat<blockquote>głębiej</blockquote></blockquote>po", "> cytat\n>\n> > głębiej\n\npo"),
        ("<p>[@click=app.quit]x[/] \x1b]52;c;x\x07</p>", "[@click=app.quit]x[/] \x1b]52;c;x\x07"),
    ],
)
def test_html_to_text_inline(html: str, text: str) -> None:
    assert html_to_text(html) == text


@pytest.mark.parametrize("pattern", ["<a ", "<a b='", '<a b="c" ', "<!--", "<", "<script>", "<!"])
def test_html_to_text_pathological_input_is_fast(pattern: str) -> None:
    start = time.perf_counter()
    html_to_text(pattern * 100_000)
    assert time.perf_counter() - start < 3


def test_unflow() -> None:
    assert unflow("Ala ma \nkota.\n> cyt \n> dalej\n-- \nJan") == ("Ala ma kota.\n> cyt dalej\n-- \nJan")
    assert unflow("Ala ma \nkota.", delsp=True) == "Ala makota."
    assert unflow(" From here") == "From here"


# --------------------------------------------------------------------------------------------
# split_quoted


@pytest.mark.parametrize(
    ("text", "new", "folded"),
    [
        (
            "Dziękuję.\n\nW dniu 25.03.2024 o 10:15, BOK pisze:\n> stare\n> linie\n",
            "Dziękuję.",
            "W dniu 25.03.2024 o 10:15, BOK pisze:\n> stare\n> linie",
        ),
        (
            "Thanks!\n\nOn Mon, 11 Mar 2024 at 10:15, Jan Kowalski <jan.kowalski@example.com>\n"
            "wrote:\n\n> old\n",
            "Thanks!",
            "On Mon, 11 Mar 2024 at 10:15, Jan Kowalski <jan.kowalski@example.com>\nwrote:\n\n> old",
        ),
        (
            "Ok.\npon., 11 mar 2024 o 10:15 Jan Kowalski <jan@x.pl> napisał(a):\n> a\n",
            "Ok.",
            "pon., 11 mar 2024 o 10:15 Jan Kowalski <jan@x.pl> napisał(a):\n> a",
        ),
        (
            "Pilne.\r\n\r\n-----Original Message-----\r\nFrom: a\r\nSent: b\r\n\r\nold\r\n",
            "Pilne.",
            "-----Original Message-----\nFrom: a\nSent: b\n\nold",
        ),
        (
            "Tak.\n\n-----Wiadomość oryginalna-----\nOd: BOK\n",
            "Tak.",
            "-----Wiadomość oryginalna-----\nOd: BOK",
        ),
        (
            "Nowe.\n\n________________________________\nOd: BOK <bok@x.pl>\n"
            "Wysłano: poniedziałek, 11 marca 2024 10:15\nDo: Jan\nTemat: RE: x\n\nStare.",
            "Nowe.",
            "________________________________\nOd: BOK <bok@x.pl>\n"
            "Wysłano: poniedziałek, 11 marca 2024 10:15\nDo: Jan\nTemat: RE: x\n\nStare.",
        ),
        (
            "Nowe.\nFrom: BOK <bok@x.pl>\nSent: Monday\nTo: Jan\nSubject: RE: x\n\nStare.",
            "Nowe.",
            "From: BOK <bok@x.pl>\nSent: Monday\nTo: Jan\nSubject: RE: x\n\nStare.",
        ),
        ("Nowe.\n\n> tylko cytat\n> bez nagłówka\n", "Nowe.", "> tylko cytat\n> bez nagłówka"),
        (
            "Treść\n-- \nJan Kowalski\ntel. 600\n",
            "Treść",
            "-- \nJan Kowalski\ntel. 600",
        ),
        (
            "Treść\n-- \nJan\n\nW dniu wczoraj, 12:00, BOK pisze:\n> x\n",
            "Treść",
            "-- \nJan\n\nW dniu wczoraj, 12:00, BOK pisze:\n> x",
        ),
        (
            "Treść\n\nOn Monday Jan wrote:\n> x\n\n-- \n> sig\n",
            "Treść",
            "On Monday Jan wrote:\n> x\n\n-- \n> sig",
        ),
        (
            "Treść\nW dniu 1.1.2024 BOK pisze:\nstara treść bez >\n",
            "Treść",
            "W dniu 1.1.2024 BOK pisze:\nstara treść bez >",
        ),
    ],
)
def test_split_quoted_folds(text: str, new: str, folded: str) -> None:
    assert split_quoted(text) == (new, folded)


@pytest.mark.parametrize(
    "text",
    [
        "Zwykła wiadomość bez cytatu.\nDruga linia.",
        # interleaved answers: nothing hidden
        "On Mon Jan wrote:\n> pytanie 1\nodpowiedź 1\n> pytanie 2\nodpowiedź 2",
        "> pytanie\nodpowiedź pod cytatem",
        # nothing new at all: nothing folded
        "> tylko\n> cytat",
        "-----Original Message-----\nFrom: a",
        # a forwarded message is content, not history
        "Zobaczcie:\n---------- Forwarded message ---------\nFrom: Jan <j@x.pl>\n"
        "Date: Mon, 11 Mar 2024\nSubject: x\nTo: <bok@x.pl>\n\nTreść.",
        "Klient pisze: mam problem",  # no date or address: not an attribution
        "a\n> -- \n> quoted signature delimiter\nb",
        "",
    ],
)
def test_split_quoted_keeps(text: str) -> None:
    assert split_quoted(text) == (text, "")


def test_split_quoted_on_html_reply_and_is_fast() -> None:
    text = parse("html_only_newsletter_reply.eml").text
    new, folded = split_quoted(text)
    assert new.endswith("Promocja (https://sklep.example/promo)")
    assert folded.startswith("W dniu 10.03.2024")
    assert folded.endswith("> Prosimy o numer zamówienia.")
    big = "Nowe.\n" + "> cytat\n" * 50_000 + "odpowiedź\n" + "x\n" * 50_000
    start = time.perf_counter()
    assert split_quoted(big) == (big, "")
    assert time.perf_counter() - start < 3


# --------------------------------------------------------------------------------------------
# module hygiene


def test_parser_does_not_import_ui_libraries() -> None:
    code = (
        "import sys, bokdesk.channels.email_parse, bokdesk.channels.email_text;"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')];"
        "assert not bad, bad"
    )
    src = str(Path(__file__).resolve().parents[2] / "src")
    subprocess.run([sys.executable, "-c", code], check=True, env={"PYTHONPATH": src})
