"""Import 10,000 messages from a Maildir with ``bokdesk mail fetch --maildir`` and print the time.

The mailbox is a realistic mix for a Polish desk: new questions from ~2,500 customers (UTF-8,
ISO-8859-2 and Windows-1250 subjects, some HTML-only, some with a PDF), replies threaded by
In-Reply-To or by ``[#N]`` in the subject, auto-replies, newsletters, bounces and a few broken
messages. The import runs as the real command, in its own process, on a fresh database file
with the desk's production settings (WAL, synchronous=FULL); the progress bar is on stderr.

    python bench/bench_mail.py [--messages 10000] [--keep DIR]

Prints the figure and checks that every message ended on a ticket, in quarantine or ignored.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from email.header import Header
from pathlib import Path

LIMIT_SECONDS = 60.0
FIRST = [
    "Anna",
    "Piotr",
    "Katarzyna",
    "Tomasz",
    "Małgorzata",
    "Paweł",
    "Zofia",
    "Łukasz",
    "Agnieszka",
    "Michał",
]
LAST = [
    "Nowak",
    "Kowalski",
    "Wiśniewska",
    "Wójcik",
    "Kamińska",
    "Lewandowski",
    "Zielińska",
    "Szymański",
    "Dąbrowska",
]
TOPICS = ["Zamówienie", "Reklamacja", "Zwrot towaru", "Faktura", "Dostawa", "Gwarancja", "Płatność", "Konto"]
BODY = (
    "Dzień dobry,\n\nzamówiłam {thing} w zeszłym tygodniu i nadal nie dotarło. Proszę o informację, "
    "kiedy mogę się spodziewać przesyłki. Numer zamówienia: {n}.\n\nZ poważaniem,\n{name}\n"
)


def _subject(text: str, charset: str) -> str:
    if charset == "utf-8":
        return Header(text, "utf-8").encode()
    return Header(text.encode(charset, "replace").decode(charset), charset).encode()


def build(n: int, seed: int = 10) -> list[bytes]:
    """``n`` raw messages in arrival order."""
    rng = random.Random(seed)
    customers = [(f"{rng.choice(FIRST)} {rng.choice(LAST)}", f"klient{i}@example.pl") for i in range(2500)]
    threads: list[tuple[str, str, str, int]] = []  # (message id, name, addr, ticket number)
    out: list[bytes] = []
    tickets = 0
    for i in range(n):
        roll = rng.random()
        mid = f"bench{i}.{rng.getrandbits(32):x}@example.pl"
        name, addr = rng.choice(customers)
        charset = rng.choice(["utf-8", "utf-8", "iso-8859-2", "windows-1250"])
        topic = rng.choice(TOPICS)
        headers = [
            f"From: {Header(name, 'utf-8').encode()} <{addr}>",
            "To: BOK <bok@firma.example>",
            f"Message-ID: <{mid}>",
            "Date: Tue, 17 Nov 2026 09:00:00 +0100",
            "MIME-Version: 1.0",
        ]
        body = BODY.format(thing=topic.lower(), n=i, name=name)
        content = [f"Content-Type: text/plain; charset={charset}", "Content-Transfer-Encoding: 8bit"]
        payload = body.encode(charset, "replace")
        if roll < 0.55 or not threads:  # a new question
            tickets += 1
            headers.append(f"Subject: {_subject(f'{topic} – pilne, zażółć gęślą jaźń', charset)}")
            threads.append((mid, name, addr, tickets))
            if rng.random() < 0.08:  # HTML only
                html = (
                    "<html><body><p>"
                    + body.replace("\n\n", "</p><p>").replace("\n", "<br>")
                    + "</p></body></html>"
                )
                content = ["Content-Type: text/html; charset=utf-8", "Content-Transfer-Encoding: 8bit"]
                payload = html.encode("utf-8")
            elif rng.random() < 0.05:  # with a small PDF
                content = ['Content-Type: multipart/mixed; boundary="XX"']
                payload = (
                    b"--XX\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
                    + body.encode()
                    + b"\r\n--XX\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; "
                    b'filename="faktura.pdf"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
                    + b"JVBERi0xLjQKJcOkw7zDtsOfCjIgMCBvYmoKPDwvTGVuZ3RoIDMgMCBSPj4Kc3RyZWFtCg==\r\n--XX--\r\n"
                )
        elif roll < 0.85:  # a reply in a thread
            parent, name, addr, number = rng.choice(threads)
            headers[0] = f"From: {Header(name, 'utf-8').encode()} <{addr}>"
            if rng.random() < 0.7:
                headers += [f"Subject: Re: {topic}", f"In-Reply-To: <{parent}>", f"References: <{parent}>"]
            else:
                headers.append(f"Subject: Re: [#{number}] {topic}")
            payload = (f"Dziękuję, ale nadal czekam.\n\nW dniu 17.11.2026 BOK pisze:\n> {body}").encode(
                charset, "replace"
            )
        elif roll < 0.91:
            headers += ["Subject: Automatyczna odpowiedź: urlop", "Auto-Submitted: auto-replied"]
        elif roll < 0.95:
            headers += ["Subject: Promocja tygodnia", "List-Id: <promo.shop.example>", "Precedence: bulk"]
        elif roll < 0.98:
            headers = [
                "From: MAILER-DAEMON@mx.example.pl",
                f"Message-ID: <{mid}>",
                "Subject: Undelivered Mail Returned to Sender",
            ]
            content = ['Content-Type: multipart/report; report-type=delivery-status; boundary="R"']
            payload = (
                b"--R\r\nContent-Type: text/plain\r\n\r\nNot delivered.\r\n--R\r\n"
                b"Content-Type: message/delivery-status\r\n\r\nAction: failed\r\nStatus: 5.1.1\r\n--R--\r\n"
            )
        else:  # broken: no sender at all
            out.append(f"Subject: {topic}\r\nMessage-ID: <{mid}>\r\n\r\n{body}".encode())
            continue
        out.append(("\r\n".join(headers + content)).encode() + b"\r\n\r\n" + payload)
    return out


def _floor(messages: list[bytes]) -> tuple[float, float]:
    """The same machine's speed right now: parse every message with the channel's own parser (no
    database), wall and CPU seconds. The import reads and parses the same bytes and files them."""
    from bokdesk.channels.ingest import RawMail, prepare_many

    items = [RawMail(raw, f"bench:{n}") for n, raw in enumerate(messages)]
    wall, cpu = time.perf_counter(), time.process_time()
    prepare_many(items, 50_000_000, 10_000_000)
    return time.perf_counter() - wall, time.process_time() - cpu


def write_maildir(root: Path, messages: list[bytes]) -> Path:
    box = root / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (box / sub).mkdir(parents=True)
    start = time.time() - len(messages)
    for i, raw in enumerate(messages):
        path = box / "new" / f"{int(start) + i}.M{i}P1.bench"
        path.write_bytes(raw)
        os.utime(path, (start + i, start + i))
    return box


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument(
        "--keep", metavar="DIR", help="work in DIR and keep it (default: a temporary directory)"
    )
    args = parser.parse_args(argv)
    root = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bokdesk-bench-mail-"))
    root.mkdir(parents=True, exist_ok=True)
    try:
        messages = build(args.messages)
        box = write_maildir(root, messages)
        config = root / "mail.toml"
        config.write_text('[mail]\nfrom = "BOK Firma <bok@firma.example>"\n', encoding="utf-8")
        db = root / "desk.db"
        env = dict(
            os.environ,
            XDG_CONFIG_HOME=str(root / "cfg"),
            XDG_CONFIG_DIRS=str(root / "site"),
            XDG_DATA_HOME=str(root / "data"),
        )
        env.pop("BOKDESK_DB", None)
        env.pop("BOKDESK_CONFIG", None)
        subprocess.run(
            [sys.executable, "-m", "bokdesk", "db", "upgrade", "--db", str(db)],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        floor_wall, floor_cpu = _floor(messages)
        load_before = os.getloadavg()[0]
        print(f"bench_mail: importing {len(messages):,} messages from {box}", flush=True)
        cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "bokdesk",
                "mail",
                "fetch",
                "--maildir",
                str(box),
                "--db",
                str(db),
                "--config",
                str(config),
            ],
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        elapsed = time.perf_counter() - started
        cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
        print(done.stdout.rstrip())
        if done.returncode != 0:
            print(f"bench_mail: the import failed (exit {done.returncode})", file=sys.stderr)
            return 1
        con = sqlite3.connect(db)
        seen = con.execute("SELECT count(*) FROM mailseen").fetchone()[0]
        tickets = con.execute("SELECT count(*) FROM ticket").fetchone()[0]
        stored = con.execute("SELECT count(*) FROM message WHERE email_message_id IS NOT NULL").fetchone()[0]
        quarantined = con.execute("SELECT count(*) FROM mailquarantine WHERE NOT resolved").fetchone()[0]
        kept = con.execute("SELECT count(*) FROM mailquarantine WHERE resolved").fetchone()[0]
        con.close()
        left = len(os.listdir(box / "new"))
        rate = len(messages) / elapsed
        load = os.getloadavg()[0]
        print(
            f"bench_mail: {len(messages):,} messages in {elapsed:.1f} s ({rate:,.0f}/s), wall time of the "
            f"`bokdesk mail fetch` process; it used {cpu:.1f} s of CPU (load average {load:.1f} on "
            f"{os.cpu_count()} CPUs); {tickets:,} tickets, {stored:,} stored messages, {quarantined:,} "
            f"quarantined, {kept:,} ignored and kept, {seen:,} recorded, {left} left unread"
        )
        ok = seen == len(messages) and left == 0
        if not ok:
            print("bench_mail: FAILED: not every message was recorded", file=sys.stderr)
            return 1
        per = 1000 / len(messages)
        rows = [
            ("floor: parse every message (no database)", floor_wall, floor_cpu),
            ("import: bokdesk mail fetch --maildir", elapsed, cpu),
        ]
        print(f"\n{'step':44} {'wall s':>8} {'CPU s':>8} {'ms/msg':>8} {'× floor':>8}")
        for label, wall, used in rows:
            print(f"{label:44} {wall:8.1f} {used:8.1f} {wall * per:8.2f} {wall / floor_wall:8.1f}")
        print(
            f"load average {load_before:.1f} before, {load:.1f} after, {os.cpu_count()} CPUs; the floor runs in "
            "this process just before the import, so the ratio is comparable between a quiet and a busy box\n"
        )
        verdict = "OK" if elapsed < LIMIT_SECONDS else "TOO SLOW"
        print(f"bench_mail: {verdict} (limit {LIMIT_SECONDS:.0f} s)")
        return 0 if elapsed < LIMIT_SECONDS else 1
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
