"""The queue: seven views, search as you type, take / take next / new ticket."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Input, Label

from ...core.enums import View
from ...core.errors import AlreadyTaken, BokdeskError
from ...i18n import _, format_number, ngettext
from .. import keymap, labels
from ..live import LiveUpdate
from ..queue_source import QueueSource, SearchSource, ViewSource
from ..safe_text import assemble, notify, safe_line
from ..tasks import run_service, show_error
from ..widgets.bars import TopBar, ViewTabs
from ..widgets.key_bar import KeyBar
from ..widgets.kpi_strip import KpiStrip
from ..widgets.queue_table import SLOW_LOAD, QueueTable

if TYPE_CHECKING:
    from ...core.paging import QueueItem
from .base import DeskScreen

# core.search.MAX_QUERY_CHARS (a test keeps them equal): core.search itself is imported when the
# first search runs, not with the queue (start time).
SEARCH_MAX_CHARS = 200


class SearchInput(Input):
    BINDINGS = keymap.SEARCH

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        keymap.translate_bindings(self)

    def action_cancel(self) -> None:
        screen = self.screen
        if isinstance(screen, QueueScreen):
            screen.close_search()

    def action_to_results(self) -> None:
        self.screen.query_one(QueueTable).focus()


class QueueScreen(DeskScreen[None]):
    """The first screen: the agent's work, most urgent first."""

    COMPACT_FOOTER_BELOW = 100

    CSS_PATH = "queue.tcss"
    BINDINGS = keymap.QUEUE
    AUTO_FOCUS = "#queue"

    def __init__(self, start_view: str = "unassigned") -> None:
        super().__init__()
        try:
            self.view = View(start_view)
        except ValueError:
            self.view = View.UNASSIGNED
        self.search_text = ""
        self._stale = False
        self._searching: QueueSource | None = None  # the search being read (one at a time)
        self._search_again = False
        self._counts_running = False
        self._resumed = False
        self._shown = False

    @property
    def table(self) -> QueueTable:
        return self.query_one(QueueTable)

    def compose(self) -> ComposeResult:
        yield TopBar(id="top")
        yield KpiStrip()
        yield ViewTabs(id="tabs")
        with Horizontal(id="search-bar"):
            yield Label(_("Search:"), id="search-label")
            yield SearchInput(
                placeholder=_("number, subject, text, customer, e-mail or phone"),
                id="search",
                max_length=SEARCH_MAX_CHARS,
            )
        yield QueueTable(self.bokdesk.now, id="queue")
        yield KeyBar()

    def on_mount(self) -> None:
        tabs = self.query_one(ViewTabs)
        tabs.current = self.view
        search = self.query_one(SearchInput)
        search.cursor_blink = self.bokdesk.cursor_blink
        self.query_one("#search-bar").display = False
        self.bokdesk.desk_changed.subscribe(self, self._desk_changed)
        self._update_top(None, None)
        self.table.position_changed = lambda _row, position, total: self._update_top(position, total)
        self.table.load(self._view_source())
        self.table.focus()

    def _offer_drafts(self) -> None:
        """After a crash, a lost connection or a restart: say that unsent text is waiting."""
        from .drafts import unsent

        desk, actor = self.desk, self.actor

        def found(rows: list[Any]) -> None:
            if rows:
                notify(
                    self.app,
                    ngettext(
                        "You have {n} unsent draft. Press d to continue it.",
                        "You have {n} unsent drafts. Press d to continue them.",
                        len(rows),
                    ).format(n=len(rows)),
                    title=_("Drafts"),
                    timeout=10,
                )

        run_service(self.app, lambda: unsent(desk, actor), done=found, group="drafts")

    # ------------------------------------------------------------------ data

    def _view_source(self) -> QueueSource:
        label = labels.view(self.view.value)
        boot = self.bokdesk.boot
        if not self.bokdesk.ready and boot is not None:  # a fast start's first moment: its preview
            source = boot.preview(self.view)
            source.label = label
            return source
        return ViewSource(self.desk, self.actor, self.view, label=label)

    def _desk_opened(self) -> None:
        """A fast start's desk is open: page from it now (the cursor stays), then the rest."""
        if not isinstance(self.table.source, ViewSource | SearchSource):
            self.table.load(self._view_source(), keep=self.table.current)
        self._load_counts()
        self._offer_drafts()

    def reload(self) -> None:
        """Read the rows again, keeping the cursor on its ticket."""
        if not self.bokdesk.ready:
            return
        table = self.table
        source = table.source.refreshed() if table.source is not None else self._view_source()
        table.load(source, keep=table.current, on_loaded=lambda: self.call_after_refresh(self._load_counts))

    def _load_counts(self) -> None:
        if self._counts_running or not self.bokdesk.ready:  # a fast start's desk: read once it is open
            return
        self._counts_running = True
        desk, actor = self.desk, self.actor

        def counts() -> dict[View, int]:
            from ...core import paging

            sizes = paging.counts(desk, actor, desk.now())
            return {view: sizes[view] for view in View}

        def done(result: dict[View, int]) -> None:
            self._counts_running = False
            self.query_one(ViewTabs).counts = result

        def failed(error: BokdeskError) -> None:
            self._counts_running = False

        run_service(self.app, counts, done=done, failed=failed, group="queue-counts")

    def _desk_changed(self, update: LiveUpdate) -> None:
        if self.app.screen is self:
            self.reload()
        else:
            self._stale = True

    def on_screen_resume(self) -> None:
        """Back from a ticket or a dialog: what the agent did there shows in the queue at once."""
        if self.table.source is not None and self._resumed:
            self._stale = False
            self.reload()
        self._resumed = True

    # ------------------------------------------------------------------ table events

    @on(QueueTable.Highlighted)
    def _highlighted(self, event: QueueTable.Highlighted) -> None:
        if event.total is not None and not event.table.busy and not self._shown:
            self._shown = True
            self.call_after_refresh(self._first_shown)

    def _first_shown(self) -> None:
        """The first page is on screen: now the rest (view sizes, drafts, KPIs, live refresh)."""
        self.bokdesk.first_queue_painted()
        self.bokdesk.when_ready(self._desk_opened)

    @on(QueueTable.Selected)
    def _selected(self, event: QueueTable.Selected) -> None:
        self.open_ticket(event.row.id)

    @on(ViewTabs.Chosen)
    def _tab_chosen(self, event: ViewTabs.Chosen) -> None:
        self.action_view(event.view.value)

    def _update_top(self, position: int | None, total: int | None) -> None:
        if self.search_text:
            title = _("Search")
        else:
            title = labels.view(self.view.value)
        where = ""
        if total is not None:
            where = (
                f"{format_number(position + 1)}/{format_number(total)}"
                if position is not None and total
                else "0/0"
            )
        self.set_top((title, "bold"), "  ", (where, "$text-muted"))

    # ------------------------------------------------------------------ actions

    def action_view(self, name: str) -> None:
        """Switch views. The tabs and the top bar change with the rows, in the frame that shows
        them (or after ``SLOW_LOAD`` s if the read is slow); the view sizes are read afterwards."""
        view = View(name)
        self.view = view
        if self.search_text or self.query_one("#search-bar").display:
            self.close_search(reload=False)

        def shown() -> None:
            if self.view is view:
                self.query_one(ViewTabs).current = view
            self.call_after_refresh(self._load_counts)  # after the rows are painted, not competing

        def slow() -> None:
            if self.view is view and self.table.busy:
                self.query_one(ViewTabs).current = view
                self._update_top(None, None)

        self.table.load(self._view_source(), on_loaded=shown)
        if not self.table.has_focus:  # focus() repaints the widget even when it has focus already
            self.table.focus()
        self.set_timer(SLOW_LOAD, slow)

    def action_search(self) -> None:
        bar = self.query_one("#search-bar")
        bar.display = True
        self.query_one(SearchInput).focus()

    def action_clear_search(self) -> None:
        if self.search_text or self.query_one("#search-bar").display:
            self.close_search()

    def close_search(self, reload: bool = True) -> None:
        search = self.query_one(SearchInput)
        had_text = bool(self.search_text)
        self.search_text = ""
        search.value = ""
        self.query_one("#search-bar").display = False
        self.query_one(ViewTabs).current = self.view
        self.query_one(ViewTabs).note = Content("")
        self.table.focus()
        if reload and had_text:
            self.table.load(self._view_source())

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        self._run_search()

    @on(Input.Submitted, "#search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        self._run_search()
        self.table.focus()

    def _run_search(self) -> None:
        """Search for what is typed now. No debounce: one search runs at a time, and a keystroke
        that comes while one runs is searched (with all that was typed by then) when it is done.
        The results, the tabs' note and the top bar change together, in one frame."""
        if not self.bokdesk.ready:
            self.bokdesk.when_ready(self._run_search)
            return
        table = self.table
        if self._searching is not None and table.source is self._searching and table.busy:
            self._search_again = True
            return
        text = self.query_one(SearchInput).value.strip()
        if text == self.search_text:
            return
        self.search_text = text
        tabs = self.query_one(ViewTabs)

        def loaded() -> None:
            self._searching = None
            source = self.table.source
            if text and isinstance(source, SearchSource):
                tabs.current = None
                hint = _("(the newest; type more to narrow)") if source.broad else ""
                tabs.note = assemble(
                    (_("search:"), "$text-muted"),
                    " ",
                    safe_line(text, "bold", limit=40),
                    " ",
                    (hint, "$text-muted"),
                )
            if self._search_again:
                self._search_again = False
                self._run_search()

        if not text:
            tabs.current = self.view
            tabs.note = Content("")
            self._searching = self._view_source()
        else:
            table.empty_text = _("Nothing matches. Try fewer letters, a ticket number or a phone number.")
            self._searching = SearchSource(self.desk, text, label=_("Search"))
        table.load(self._searching, on_loaded=loaded)

    def action_open(self) -> None:
        row = self.table.current
        if row is not None:
            self.open_ticket(row.id)

    def open_ticket(self, ticket_id: int) -> None:
        self.bokdesk.open_ticket(ticket_id, opener=self, neighbours=self.neighbour)

    def neighbour(self, ticket_id: int, step: int) -> int | None:
        """The ticket before / after ``ticket_id`` in this queue (for ``[`` and ``]`` on the detail)."""
        row = self.table.neighbour(ticket_id, step)
        if row is not None:
            self.table.move_to_ticket(row.id)
        return row.id if row is not None else None

    def action_take(self) -> None:
        if not self.bokdesk.ready:
            self.bokdesk.when_ready(self.action_take)
            return
        row = self.table.current
        if row is None:
            return
        from ...core.services import tickets

        desk, actor, app = self.desk, self.actor, self.bokdesk

        def done(ticket: Any) -> None:
            app.locally_claimed.add(row.id)
            notify(
                app,
                _("#{number} {subject}").format(number=row.id, subject=labels.subject(row.subject)),
                title=_("Taken: it is yours now"),
            )
            self.reload()
            app.request_refresh()

        def failed(error: BokdeskError) -> None:
            if isinstance(error, AlreadyTaken):
                notify(
                    app,
                    _("#{number} was already taken by {name}.").format(number=row.id, name=error.by_name),
                    title=_("Too late"),
                    severity="warning",
                )
                self.reload()
            else:
                show_error(app, error)

        app.locally_claimed.add(row.id)
        run_service(app, lambda: tickets.take(desk, actor, row.id), done=done, failed=failed, group="take")

    def action_take_next(self) -> None:
        if not self.bokdesk.ready:
            self.bokdesk.when_ready(self.action_take_next)
            return
        from ...core.services import tickets

        desk, actor, app = self.desk, self.actor, self.bokdesk

        def done(ticket: Any) -> None:
            if ticket is None:
                message = (
                    _("Nobody is waiting for your team right now.")
                    if actor.team_id is not None
                    else _("No ticket of no team is waiting right now; a team's tickets wait for its agents.")
                )
                notify(app, message, title=_("Take next"))
                return
            app.locally_claimed.add(ticket.id)
            self.reload()
            app.request_refresh()
            self.open_ticket(ticket.id)

        run_service(app, lambda: tickets.take_next(desk, actor), done=done, group="take")

    def action_new_ticket(self) -> None:
        if not self.bokdesk.ready:
            self.bokdesk.when_ready(self.action_new_ticket)
            return
        from .new_ticket import Created, NewTicketScreen

        def created(result: Created | None) -> None:
            if result is None:
                return
            self.reload()
            self.bokdesk.request_refresh()
            if not result.solved:
                self.open_ticket(result.ticket_id)

        self.app.push_screen(NewTicketScreen(), created)

    def action_drafts(self) -> None:
        if not self.bokdesk.ready:
            self.bokdesk.when_ready(self.action_drafts)
            return
        from .drafts import DraftsScreen

        def chosen(ticket_id: int | None) -> None:
            if ticket_id is not None:
                self.open_ticket(ticket_id)

        self.app.push_screen(DraftsScreen(), chosen)

    def action_reload(self) -> None:
        self.reload()

    def action_quit(self) -> None:
        self.app.exit(0)

    def current_row(self) -> QueueItem | None:
        return self.table.current
