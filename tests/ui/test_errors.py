"""Errors travel as a code and its values: English on the command line, the agent's language in the
console (``core/errors.py``, ``core/error_messages.py``, ``ui/errors.py``)."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import string
from datetime import date
from pathlib import Path

import pytest
from ui_helpers import focus, make_app, paste, settle, type_text

import bokdesk
from bokdesk import i18n
from bokdesk.core import notices
from bokdesk.core.error_messages import MESSAGES
from bokdesk.core.errors import (
    BokdeskError,
    CodedError,
    NotFound,
    PermissionDenied,
    StaleWrite,
    ValidationError,
)
from bokdesk.core.notices import Notice
from bokdesk.core.services import tickets
from bokdesk.core.services.customers import CustomerSpec
from bokdesk.ui import labels
from bokdesk.ui.errors import OWN_WORDS, describe, say_notice
from bokdesk.ui.screens.new_ticket import NewTicketScreen

SRC = Path(bokdesk.__file__).parent
# Where a code is passed on rather than written out (each checked at its callers).
PASSED_ON = {
    ("core/services/ticket_write.py", "enum_value"),
    ("core/services/ticket_write.py", "clean_body"),
    ("core/services/policies.py", "_minutes"),
    ("core/services/shifts.py", "set_week"),
    ("core/config.py", "blame"),
    ("channels/mailconfig.py", "check_private"),
}
# Errors whose code is not their first argument, and the values they fill in themselves.
CODE_ARGUMENT = {"SettingError": 1}
IMPLIED = {"SettingError": {"setting", "table"}}


@pytest.fixture
def polish():
    i18n.set_language("pl")
    yield
    i18n.set_language("en")


async def test_a_core_error_is_shown_in_polish(desk, ola, polish):
    """A new customer with a phone number the core refuses: the notification speaks Polish."""
    app = make_app(desk, ola)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        screen = app.screen
        await type_text(pilot, "zofia.nowa@example.pl")
        await pilot.pause(0.3)
        await settle(pilot)
        await pilot.press("enter")  # the only option: a new customer
        await settle(pilot)
        assert screen.new_customer
        await paste(pilot, "Zofia Nowa")  # the name field has the focus
        screen.query_one("#new-phone").value = "12"
        await focus(pilot, "#subject")
        await paste(pilot, "Telefon w sprawie faktury")
        app.clear_notifications()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, NewTicketScreen)  # nothing was created
        shown = [n.message for n in app._notifications]  # noqa: SLF001
    assert any("'12' nie jest poprawnym numerem telefonu" in m for m in shown), shown
    assert not any("is not a valid" in m for m in shown), shown


async def test_the_stats_period_dialog_refuses_a_bad_date_in_polish(desk, boss, polish):
    """The dialog names its own field ("Od") and says the rest in Polish too."""
    from bokdesk.ui.screens.stats import StatsScreen

    app = make_app(desk, boss)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.push_screen(StatsScreen(desk, boss))
        await settle(pilot)
        await pilot.press("6")
        await settle(pilot)
        dialog = app.screen
        dialog.query_one("#first").value = "1.13.2026"
        app.clear_notifications()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is dialog
        shown = [n.message for n in app._notifications]  # noqa: SLF001
    assert shown == ["Od: '1.13.2026' to nie jest data; wpisz ją jak 2026-11-24."], shown


def core_errors(desk, ola) -> list[BokdeskError]:
    """Errors the core really raises, one per kind the console meets most."""
    errors = []
    ticket = tickets.create_ticket(
        desk,
        ola,
        tickets.NewTicket(
            subject="Faktura", customer=CustomerSpec(name="Jan Kowalski", email="jan@example.pl")
        ),
    )
    tickets.set_status(desk, ola, ticket.id, "closed")
    for call in (
        lambda: tickets.set_status(desk, ola, ticket.id, "open"),
        lambda: tickets.reply(desk, ola, ticket.id, "Dzień dobry"),
        lambda: tickets.add_note(desk, ola, 10**9, "x"),
        lambda: tickets.add_note(desk, ola, ticket.id, " "),
        lambda: tickets.assign(desk, ola, 10**9, agent_id=ola.id),
        lambda: tickets.create_ticket(
            desk, ola, tickets.NewTicket(subject="", customer=CustomerSpec(name="Jan"))
        ),
        lambda: tickets.create_ticket(
            desk,
            ola,
            tickets.NewTicket(subject="x", customer=CustomerSpec(name="Jan", email="not an address")),
        ),
    ):
        with pytest.raises(BokdeskError) as caught:
            call()
        errors.append(caught.value)
    return errors


def test_the_console_says_the_cores_errors_by_their_code(desk, ola, polish):
    errors = core_errors(desk, ola)
    assert [e.code for e in errors] == [
        "ticket_closed_final",
        "ticket_closed_follow_up",
        "ticket_missing",
        "note_empty",
        "ticket_missing",
        "subject_empty",
        "email_invalid",
    ]
    assert str(errors[0]) == f"Ticket #{errors[0].params['number']} is closed; closed is final."
    for error in errors:
        said = describe(error)
        assert said != str(error) and said == say_notice(error.notice, "?"), error.code


def test_statuses_and_roles_are_named_in_the_agents_language(polish):
    error = ValidationError("status_not_allowed", number=7, current="on_hold", target="new")
    assert str(error) == "Ticket #7 cannot go from on_hold to new."
    on_hold, new = labels.status("on_hold"), labels.status("new")
    assert on_hold != "on_hold" and describe(error) == (
        f"Zgłoszenia #7 nie można przenieść ze stanu „{on_hold}” do „{new}”."
    )
    refused = PermissionDenied(
        "role_needed", action=Notice("action_view_stats"), needed="supervisor", role="agent"
    )
    assert str(refused) == "The stats screen needs the supervisor role; you are agent."
    supervisor, agent = labels.role("supervisor"), labels.role("agent")
    assert describe(refused) == f"To wymaga roli „{supervisor}”; Twoja rola to „{agent}”."


def test_a_value_of_another_language_is_said_in_it(polish):
    """The stats period dialog names its field in the agent's language, and the rest follows."""
    error = ValidationError("period_bad_day", what=i18n._("From"), value="1.13.2026")
    assert str(error) == "Od must be a date like 2026-11-24, not '1.13.2026'."
    assert describe(error) == "Od: '1.13.2026' to nie jest data; wpisz ją jak 2026-11-24."


def test_the_rota_says_its_refusals_in_its_own_words(polish):
    clash = ValidationError(
        "absence_overlap",
        name="Ola",
        first=date(2026, 11, 23),
        last=date(2026, 11, 27),
        kind="leave",
        number=4,
    )
    assert str(clash) == "Ola is already away 2026-11-23..2026-11-27 (leave, #4); cancel that one first."
    assert describe(clash) == "Ola ma już nieobecność 2026-11-23 – 2026-11-27 (#4); najpierw ją anuluj."
    i18n.set_language("en")
    assert describe(clash) == "Ola is already away 2026-11-23 – 2026-11-27 (#4); cancel that absence first."


def test_a_code_without_a_template_is_shown_as_written():
    error = NotFound("No such thing.")
    assert str(error) == "No such thing." and describe(error) == "No such thing."


def test_an_error_inside_a_text_is_said_in_the_same_language(polish):
    inner = ValidationError("email_invalid", value="x@")
    outer = Notice("not_filed", {"error": inner.notice})
    assert outer.english() == "could not be filed: 'x@' is not a valid e-mail address."
    assert say_notice(outer, "?") == "nie udało się przyjąć: 'x@' nie jest poprawnym adresem e-mail."
    stored = notices.load("not_filed", outer.dumps())
    assert say_notice(stored, "?") == say_notice(outer, "?")
    clause = Notice("not_filed", {"error": inner.notice.as_clause()})
    assert clause.english() == "could not be filed: 'x@' is not a valid e-mail address"


def test_every_code_the_console_can_show_is_in_the_polish_catalog():
    """Each template of an error or a stored text, and the console's own words, has its Polish
    (the i18n check's extraction covers them: scripts/i18n.py SOURCES)."""
    from babel.messages.pofile import read_po

    po = Path(i18n.LOCALE_DIR) / "pl" / "LC_MESSAGES" / "bokdesk.po"
    with po.open("rb") as fh:
        catalog = read_po(fh, locale="pl")
    templates = {**notices.CATALOG, **OWN_WORDS}
    missing = [
        code for code, template in templates.items() if not getattr(catalog.get(template), "string", "")
    ]
    assert missing == []


def test_error_and_notice_codes_are_apart():
    assert not MESSAGES.keys() & notices.TEMPLATES.keys()
    assert not OWN_WORDS.keys() - MESSAGES.keys()
    for code, own in OWN_WORDS.items():  # the console's words use the values the core gives
        assert _fields(own) - {"time"} <= _fields(MESSAGES[code]), code


def _fields(template: str) -> set[str]:
    return {name for _text, name, _spec, _conv in string.Formatter().parse(template) if name}


def _coded_error_names() -> set[str]:
    for package in ("core", "channels"):
        for module in pkgutil.walk_packages([str(SRC / package)], f"bokdesk.{package}."):
            importlib.import_module(module.name)
    names, todo = set(), [CodedError]
    while todo:
        cls = todo.pop()
        names.add(cls.__name__)
        todo += cls.__subclasses__()
    return names


def _calls() -> list[tuple[str, str, ast.Call, str]]:
    """Every call in the core and the channels: file, function, call, callee."""
    found: list[tuple[str, str, ast.Call, str]] = []

    def visit(node: ast.AST, path: str, function: str) -> None:
        for child in ast.iter_child_nodes(node):
            inner = child.name if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) else function
            if isinstance(child, ast.Call):
                callee = child.func
                called = getattr(callee, "id", None) or getattr(callee, "attr", None) or ""
                found.append((path, function, child, called))
            visit(child, path, inner)

    for package in ("core", "channels"):
        for path in sorted((SRC / package).rglob("*.py")):
            visit(ast.parse(path.read_text(encoding="utf-8")), str(path.relative_to(SRC)), "")
    return found


def test_every_error_raised_names_a_code_with_its_values():
    """Each error the core and the channels construct has a code of the catalog and the values its
    template needs; a code passed on (not written out) only where listed. (The command line's own
    refusals of its arguments are English lines of its own: the console never shows them.)"""
    errors = _coded_error_names()
    problems, passed_on = [], set()
    for path, function, call, called in _calls():
        if called not in errors and called != "Notice":
            continue
        index = CODE_ARGUMENT.get(called, 0)
        if len(call.args) <= index:
            continue  # the subclasses' own signatures (AlreadyTaken, StaleWrite)
        first = call.args[index]
        if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
            if called in errors and called not in ("AlreadyTaken", "StaleWrite"):
                passed_on.add((path, function))
            continue
        code = first.value
        template = notices.CATALOG.get(code)
        if template is None:
            problems.append(f"{path}:{call.lineno}: {code!r} has no template")
            continue
        given = {k.arg for k in call.keywords} | IMPLIED.get(called, set())
        if called == "Notice" and len(call.args) > 1 and isinstance(call.args[1], ast.Dict):
            given = {k.value for k in call.args[1].keys if isinstance(k, ast.Constant)}
        elif called == "Notice":
            given = {None} if len(call.args) > 1 else set()
        if None not in given and not _fields(template) <= given:
            problems.append(f"{path}:{call.lineno}: {code!r} lacks {sorted(_fields(template) - given)}")
    assert problems == []
    assert passed_on == PASSED_ON


def test_every_template_of_an_error_is_used():
    """No code lingers in the catalog after its error is gone (codes are written out where they are
    raised or passed on; a refusal's action by its permission)."""
    from bokdesk.core.roles import DESCRIPTION

    written = set(DESCRIPTION.values())
    for package in ("core", "channels"):
        for path in (SRC / package).rglob("*.py"):
            if path.name != "error_messages.py":
                tree = ast.parse(path.read_text(encoding="utf-8"))
                written |= {
                    n.value
                    for n in ast.walk(tree)
                    if isinstance(n, ast.Constant) and isinstance(n.value, str)
                }
    assert sorted(set(MESSAGES) - written) == []


def test_a_stale_write_says_when_in_the_desks_time_and_language(desk, ola, polish):
    """The conflict names the other agent's change in the desk's local time, the language's way (the
    core's line says UTC for the command line); a canned response's conflict names the response."""
    ticket = tickets.create_ticket(
        desk,
        ola,
        tickets.NewTicket(
            subject="Faktura", customer=CustomerSpec(name="Jan Kowalski", email="jan@example.pl")
        ),
    )
    tickets.add_note(desk, ola, ticket.id, "Sprawdzam.")
    with pytest.raises(StaleWrite) as caught:
        tickets.add_note(desk, ola, ticket.id, "Za późno.", expected_version=ticket.version)
    error = caught.value
    assert error.changed_at is not None and "UTC" in str(error)
    assert str(error).endswith("after you opened it; reload it and try again.")
    local = i18n.format_datetime(error.changed_at, desk.calendar.tz)
    said = describe(error, desk.calendar.tz)
    assert (
        said
        == f"Zgłoszenie #{ticket.id} zostało zmienione przez: {ola.name} ({local}) po tym, jak je otworzono."
    )
    assert "UTC" not in said
    canned_error = StaleWrite(
        7, "another agent", "2026-11-24 13:30 UTC", 1, 2, changed_at=error.changed_at, what="Canned response"
    )
    assert str(canned_error).startswith(
        "Canned response #7 was changed by another agent at 2026-11-24 13:30 UTC"
    )
    assert describe(canned_error, desk.calendar.tz).startswith("Szablon #7 ")
    assert local in describe(canned_error, desk.calendar.tz)
