"""Results: the overall profile, a bar per misconception, and the advice summary."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Static

from misquiz.core.catalogue import format_date, t
from misquiz.core.quiz import QuizSession
from misquiz.core.scoring import Result
from misquiz.tui.widgets.key_bar import KeyBar
from misquiz.tui.widgets.myth_row import MythRow


class ResultsScreen(Screen[None]):
    BINDINGS = [
        Binding("left,backspace", "back", show=False),
        Binding("m", "app.export('md')", show=False),
        Binding("h", "app.export('html')", show=False),
        Binding("down,j", "app.focus_next", show=False),
        Binding("up,k", "app.focus_previous", show=False),
    ]

    def __init__(self, session: QuizSession, previous: tuple[str, dict[str, float | None]] | None = None) -> None:
        super().__init__()
        self.session = session
        self.previous = previous  # (finished at, myth id -> score) of this person's last result

    def compose(self) -> ComposeResult:
        s, lang = self.session, self.session.lang
        result = s.result()
        labels = {"mixed": t(lang, "mixed"), "not_assessed": t(lang, "not_assessed")}
        with VerticalScroll(id="results"):
            heading = t(lang, "results_for", name=s.name) if s.name else t(lang, "results_title")
            yield Static(Text(heading, style="bold"), id="results-title", classes="title")
            if result.profile is None or result.overall is None:
                yield Static(t(lang, "summary_nothing"), classes="text")
            else:
                yield Static(Text(t(lang, "overall"), style="bold"), classes="heading")
                yield Static(
                    Text.assemble(
                        (result.profile.title[lang], "bold"), f" — {t(lang, 'score_of', score=round(result.overall))}"
                    ),
                    id="profile-title",
                )
                yield Static(" ".join(result.profile.text[lang].split()), id="profile-text", classes="text")
            yield Static(Text(t(lang, "per_myth"), style="bold"), classes="heading")
            hint = t(lang, "per_myth_hint")
            if self.previous:
                hint += "\n" + t(lang, "change_since", date=format_date(self.previous[0], lang))
            yield Static(Text(hint, style="italic"), classes="hint")
            before = self.previous[1] if self.previous else {}
            for score in result.by_hold():
                then = before.get(score.myth.id)
                change = None if then is None or score.score is None else score.score - then
                yield MythRow(score, s.bank.bands, lang, labels, change)
            if any(m.mixed_signals for m in result.myths):
                yield Static(t(lang, "mixed_note"), id="mixed-note", classes="text note")
            yield from self._advice(result)
            # Every action can be tapped too (phones in a workshop have no keyboard).
            with Horizontal(id="results-actions"):
                yield Button(t(lang, "export_md"), id="save-md", compact=True)
                yield Button(t(lang, "export_html"), id="save-html", compact=True)
                yield Button(f"← {t(lang, 'back')}", id="results-back", compact=True)
        yield KeyBar(id="keys")

    def _advice(self, result: Result) -> ComposeResult:
        lang = self.session.lang
        yield Static(Text(t(lang, "priorities"), style="bold"), classes="heading", id="priorities")
        if not result.priorities:
            yield Static(t(lang, "no_priorities"), classes="text")
        for n, m in enumerate(result.priorities, 1):
            assert m.band is not None and m.score is not None
            head = Text.assemble((f"{n}. {m.myth.title[lang]}", f"bold {m.band.color}"), f"  ({round(m.score)})")
            yield Static(head, classes="advice-title")
            yield Static(m.myth.advice[m.band.id][lang], classes="text advice")
            actions = Text(f"{t(lang, 'actions')}:\n", style="italic")
            for action in m.myth.actions:
                actions.append(f"  ☐ {action[lang]}\n", style="not italic")
            actions.rstrip()
            yield Static(actions, classes="text actions")
        if result.second_look:
            yield Static(Text(t(lang, "second_look"), style="bold"), classes="heading", id="second-look")
            for m in result.second_look:
                assert m.band is not None and m.score is not None
                yield Static(
                    Text.assemble((m.myth.title[lang], "bold"), f"  ({round(m.score)})"), classes="advice-title"
                )
                yield Static(m.myth.advice[m.band.id][lang], classes="text advice")
        if result.clear:
            yield Static(Text(t(lang, "clear"), style="bold"), classes="heading", id="clear")
            yield Static("\n".join(f"✓ {m.myth.title[lang]}" for m in result.clear), classes="text")

    def on_mount(self) -> None:
        self._keys()
        self.query_one(MythRow).focus()
        self.query_one("#results").scroll_home(animate=False)

    def _keys(self) -> None:
        lang = self.session.lang
        self.query_one(KeyBar).show(
            [
                ("Enter", t(lang, "why")),
                ("m", "Markdown"),
                ("h", "HTML"),
                ("←", t(lang, "back")),
                ("?", t(lang, "help_title")),
                ("q", t(lang, "quit_yes")),
            ]
        )

    def relabel(self) -> None:
        self.refresh(recompose=True)
        self.call_after_refresh(self.on_mount)

    def action_back(self) -> None:
        self.app.pop_screen()

    @on(Button.Pressed, "#save-md")
    def _save_md(self) -> None:
        self.app.action_export("md")  # type: ignore[attr-defined]

    @on(Button.Pressed, "#save-html")
    def _save_html(self) -> None:
        self.app.action_export("html")  # type: ignore[attr-defined]

    @on(Button.Pressed, "#results-back")
    def _back(self) -> None:
        self.action_back()

    @on(MythRow.Opened)
    def _open(self, event: MythRow.Opened) -> None:
        from misquiz.tui.screens.myth import MythScreen

        score = self.session.result().by_id[event.myth_id]
        self.app.push_screen(MythScreen(score, self.session.lang))
