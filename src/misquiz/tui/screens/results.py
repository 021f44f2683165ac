"""Results: the overall profile, a bar per misconception, and the advice summary."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Button

from misquiz.core.advice import CLEAR, NOT_ASSESSED, PRIORITIES, AdvicePlan
from misquiz.core.catalogue import t
from misquiz.core.quiz import QuizSession
from misquiz.tui.widgets.button_row import ButtonRow
from misquiz.tui.widgets.key_bar import KeyBar
from misquiz.tui.widgets.literal import Literal, literal
from misquiz.tui.widgets.myth_row import MythRow


class ResultsScreen(Screen[None]):
    BINDINGS = [
        # priority: the scrolling container would otherwise take ← and the page keys for itself
        Binding("left,backspace", "back", "key_back_to_last", show=False, priority=True),
        Binding("h", "app.export('html')", "export_html_help", show=False),
        Binding("m", "app.export('md')", "export_md_help", show=False),
        Binding("c", "app.commit", "key_commit", show=False),
        Binding("a", "app.calendar", "export_ics_help", show=False),  # a: agenda (k moves the selection)
        Binding("pagedown", "page(1)", "key_scroll", show=False, priority=True),
        Binding("pageup", "page(-1)", "key_scroll", show=False, priority=True),
        Binding("home", "top", "key_top", show=False, priority=True),
    ]

    def __init__(self, session: QuizSession) -> None:
        super().__init__()
        self.session = session

    def plan(self) -> AdvicePlan:
        return self.app.plan()  # type: ignore[attr-defined, no-any-return]

    def compose(self) -> ComposeResult:
        plan, lang = self.plan(), self.session.lang
        with VerticalScroll(id="results"):
            yield Literal(Text(plan.heading, style="bold"), id="results-title", classes="title")
            if plan.commitments_title:  # what the person will do leads, as in every saved plan
                mine = Text(f"{plan.commitments_title}\n", style="bold")
                for line in plan.commitments:
                    mine.append(f"  ☐ {line}\n", style="not bold")
                mine.append(plan.commitments_by or "", style="italic")
                yield Literal(mine, id="commitments", classes="text")
            if plan.nothing is not None:
                yield Literal(plan.nothing, classes="text")
            else:
                yield Literal(Text(plan.labels["overall"], style="bold"), classes="heading")
                yield Literal(
                    Text.assemble((plan.profile_title or "", "bold"), f" — {plan.overall_line}"), id="profile-title"
                )
                yield Literal(plan.profile_text or "", id="profile-text", classes="text")
                if plan.style_note:
                    yield Literal(plan.style_note, id="style-note", classes="text note")
                if plan.coverage:
                    yield Literal(Text(plan.coverage, style="italic"), id="coverage", classes="text")
            yield Literal(Text(plan.labels["per_myth"], style="bold"), classes="heading")
            hint = plan.labels["per_myth_hint"] + (f"\n{plan.progress_note}" if plan.progress_note else "")
            yield Literal(Text(hint, style="italic"), classes="hint")
            width = max(len(row.band_label) for row in plan.rows)
            for row in plan.rows:
                yield MythRow(row, width)
            if plan.follow_up_title:
                done = Text(f"{plan.follow_up_title}\n", style="bold")
                done.append("\n".join(f"  {line}" for line in plan.follow_up), style="not bold")
                yield Literal(done, id="follow-up", classes="text")
            if plan.mixed_note:
                yield Literal(plan.mixed_note, id="mixed-note", classes="text note")
            yield from self._sections(plan)
            if plan.source:
                yield Literal(Text(plan.source, style="italic"), id="source", classes="hint")
            # Every action can be tapped too (phones in a workshop have no keyboard); the row wraps, never cuts.
            with ButtonRow(id="results-actions"):
                yield Button(literal(t(lang, "export_html")), id="save-html", compact=True)
                yield Button(literal(t(lang, "export_md")), id="save-md", compact=True)
                yield Button(literal(t(lang, "key_commit")), id="commit", compact=True)
                yield Button(literal(t(lang, "key_calendar")), id="calendar", compact=True)
                yield Button(literal(f"← {t(lang, 'back')}"), id="results-back", compact=True)
        yield KeyBar(id="keys")

    def _sections(self, plan: AdvicePlan) -> ComposeResult:
        for section in plan.sections:
            yield Literal(Text(section.title, style="bold"), classes="heading", id=section.key.replace("_", "-"))
            if not section.items and section.note:
                yield Literal(section.note, classes="text")
            if section.key in (CLEAR, NOT_ASSESSED):
                mark = "✓" if section.key == CLEAR else "·"
                yield Literal(Text("\n".join(f"{mark} {item.title}" for item in section.items)), classes="text")
                continue
            for n, item in enumerate(section.items, 1):
                lead = f"{n}. " if section.key == PRIORITIES else ""
                style = f"bold {item.color}" if section.key == PRIORITIES else "bold"
                yield Literal(
                    Text.assemble((f"{lead}{item.title}", style), f"  ({item.score})"), classes="advice-title"
                )
                if item.clash:
                    yield Literal(f"⚑ {item.clash}", classes="text note")
                if item.advice:
                    yield Literal(Text(item.advice), classes="text advice")
                if item.actions:
                    actions = Text(t(plan.lang, "lead_in", label=plan.labels["actions"]) + "\n", style="italic")
                    for action in item.actions:
                        actions.append(f"  ☐ {action}\n", style="not italic")
                    actions.rstrip()
                    yield Literal(actions, classes="text actions")

    def on_mount(self) -> None:
        self._keys()
        self.query_one(MythRow).focus()
        self.query_one("#results").scroll_home(animate=False)

    def _keys(self) -> None:
        lang = self.session.lang
        self.query_one(KeyBar).show(
            [
                # short, so that saving (m, h) keeps its place at 80 columns
                (t(lang, "key_name_enter"), t(lang, "why_short")),
                ("h", t(lang, "key_save_page")),  # words a participant knows, not "HTML" and "Markdown"
                ("m", t(lang, "key_save_text")),
                ("←", t(lang, "back")),
                ("?", t(lang, "help_title")),
                ("q", t(lang, "quit_yes")),
                # the first to go when narrow: at 80 columns the wrapped row of buttons shows it instead
                ("c", t(lang, "key_commit")),
            ]
        )

    def relabel(self) -> None:
        self.refresh(recompose=True)
        self.call_after_refresh(self.on_mount)

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_page(self, direction: int) -> None:
        results = self.query_one("#results", VerticalScroll)
        results.scroll_relative(y=direction * max(1, results.size.height - 2), animate=False)

    def action_top(self) -> None:
        self.query_one("#results", VerticalScroll).scroll_home(animate=False)
        self.query_one(MythRow).focus()

    @on(Button.Pressed, "#save-md")
    async def _save_md(self) -> None:
        await self.run_action("app.export('md')")

    @on(Button.Pressed, "#save-html")
    async def _save_html(self) -> None:
        await self.run_action("app.export('html')")

    @on(Button.Pressed, "#commit")
    async def _commit(self) -> None:
        await self.run_action("app.commit")

    @on(Button.Pressed, "#calendar")
    async def _calendar(self) -> None:
        await self.run_action("app.calendar")

    @on(Button.Pressed, "#results-back")
    def _back(self) -> None:
        self.action_back()

    @on(MythRow.Opened)
    def _open(self, event: MythRow.Opened) -> None:
        from misquiz.core.advice import myth_detail
        from misquiz.tui.screens.myth import MythScreen

        s = self.session
        self.app.push_screen(MythScreen(myth_detail(s.bank, s.result(), event.myth_id, s.lang), s.lang))
