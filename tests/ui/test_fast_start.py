"""Fast start: the first page is read without the ORM and equals the core's; the desk attaches later."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from argparse import Namespace

import pytest
from ui_helpers import NOW, make_app, settle

from bokdesk.core import paging
from bokdesk.core.desk import SYSTEM
from bokdesk.core.enums import View
from bokdesk.core.identity import unix_login
from bokdesk.core.queries import View as CoreView
from bokdesk.core.services import agents
from bokdesk.ui import boot
from bokdesk.ui.queue_source import ViewSource
from bokdesk.ui.widgets.queue_table import QueueTable


def test_views_mirror_the_core():
    assert [v.value for v in View] == [v.value for v in CoreView]


@pytest.mark.parametrize("view", list(View))
def test_preview_first_page_equals_the_cores(desk, boss, db_file, view):
    connection = boot.connect(db_file)
    try:
        preview = boot.first_page(connection, view, boss.id, NOW, 60)
        count = boot.view_count(connection, view, boss.id, NOW)
    finally:
        connection.close()
    core = paging.page(desk, boss, CoreView(view.value), NOW, limit=60)
    assert [r.id for r in preview] == [r.id for r in core]
    assert [
        (r.subject, r.customer, r.assignee, r.next_due_at, r.created_at, r.customer_vip) for r in preview
    ] == [(r.subject, r.customer, r.assignee, r.next_due_at, r.created_at, r.customer_vip) for r in core]
    assert count == paging.count(desk, boss, CoreView(view.value), NOW)


def args_for(db_file, **extra):
    return Namespace(db=str(db_file), config=None, as_login=None, lang="en", **extra)


def test_probe_steps_aside_when_the_normal_path_must_speak(desk, db_file, tmp_path):
    assert boot.probe(args_for(db_file)) is None, "the Unix user is not an agent of this desk"
    agents.add_agent(desk, SYSTEM, unix_login(), "Konsola Testowa")
    found = boot.probe(args_for(db_file))
    assert found is not None and found.actor.login == unix_login()
    found.close()
    assert boot.probe(args_for(tmp_path / "missing.db")) is None
    foreign = tmp_path / "foreign.db"
    sqlite3.connect(foreign).execute("CREATE TABLE x (y)").connection.commit()
    assert boot.probe(args_for(foreign)) is None
    assert (
        boot.probe(Namespace(db=str(db_file), config=None, as_login="ola", lang=None)) is None
    )  # normal path


async def test_fast_start_paints_the_preview_then_attaches_the_desk(desk, db_file):
    agents.add_agent(desk, SYSTEM, unix_login(), "Konsola Testowa", role="supervisor", team="BOK Warszawa")
    started = boot.probe(args_for(db_file))
    assert started is not None
    app = make_app(None, started.actor, boot=started)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            assert app.ready and app.desk is not None
            table = app.screen.query_one(QueueTable)
            assert isinstance(table.source, ViewSource)
            assert app.kpis is not None
            await pilot.press("3")
            await settle(pilot)
            assert table.total == paging.count(app.desk, app.actor, CoreView.OPEN, app.desk.now())
    finally:
        started.close()
        if app.desk is not None:
            app.desk.store.dispose()


def test_first_paint_imports_neither_sqlalchemy_nor_sqlmodel():
    code = (
        "import sys, bokdesk.ui.boot, bokdesk.ui.app, bokdesk.ui.screens.queue, bokdesk.cli, bokdesk.cli.console_cmd\n"
        "bad = sorted(n for n in sys.modules if n.split('.')[0] in ('sqlalchemy', 'sqlmodel', 'babel', 'holidays'))\n"
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
