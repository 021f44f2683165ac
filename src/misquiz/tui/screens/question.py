"""One statement at a time, with its answer options and progress."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, ProgressBar, Static

from misquiz.core.catalogue import t
from misquiz.core.quiz import QuizSession
from misquiz.tui.widgets.answer_options import AnswerOptions
from misquiz.tui.widgets.key_bar import KeyBar
from misquiz.tui.widgets.literal import Literal, literal


class QuestionScreen(Screen[None]):
    AUTO_FOCUS = ""  # a focused first option would look chosen
    BINDINGS = [
        *(Binding(str(n), f"answer({n})", "key_answer" if n else "key_no_opinion", show=False) for n in range(6)),
        Binding("left,backspace", "back", "key_back", show=False),
        Binding("right", "forward", "key_next", show=False),
    ]

    class Finished(Message):
        """The last statement was answered."""

    @dataclass
    class Changed(Message):
        """An answer was given; the session holds it."""

        statement_id: str

    def __init__(self, session: QuizSession) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        with Horizontal(id="top"):
            yield Literal(id="bank-title")
            yield Literal(id="progress-text")
        yield ProgressBar(total=self.session.total, show_eta=False, show_percentage=False, id="progress")
        with Vertical(id="question-body"):
            with Center():
                yield Literal(id="statement")
            yield Literal(id="prompt")
            with Center():
                yield AnswerOptions(id="options")
            with Center(), Horizontal(id="nav"):
                yield Button("", id="back", compact=True)
                yield Button("", id="switch-language", compact=True)
                yield Button("", id="forward", compact=True)
        yield KeyBar(id="keys")

    def on_mount(self) -> None:
        self.relabel()

    def relabel(self) -> None:
        s, lang = self.session, self.session.lang
        self.query_one("#bank-title", Static).update(Text(s.bank.title[lang], no_wrap=True, overflow="ellipsis"))
        self.query_one("#prompt", Static).update(t(lang, "question"))
        self.query_one("#back", Button).label = literal(f"← {t(lang, 'back')}")
        self.query_one("#forward", Button).label = literal(f"{t(lang, 'next')} →")
        other = s.bank.languages[(s.bank.languages.index(lang) + 1) % len(s.bank.languages)]
        self.query_one("#switch-language", Button).label = literal(other.upper())
        self.query_one(KeyBar).show(
            [
                ("1–5", t(lang, "answer")),
                ("0", s.bank.no_opinion[lang]),
                ("?", t(lang, "help_title")),
                ("l", other.upper()),
                ("q", t(lang, "quit_yes")),
            ]
        )
        self.show_statement()

    def show_statement(self) -> None:
        s, lang = self.session, self.session.lang
        self.query_one("#progress-text", Static).update(t(lang, "progress", n=s.position + 1, total=s.total))
        self.query_one(ProgressBar).update(progress=s.answered)
        self.query_one("#statement", Static).update(s.current.text[lang])
        labels = {o.value: o.label[lang] for o in s.bank.scale} | {0: s.bank.no_opinion[lang]}
        self.query_one(AnswerOptions).show(labels, s.current_answer)
        self.query_one("#back", Button).disabled = s.position == 0
        at_end = s.position == s.total - 1
        self.query_one("#forward", Button).disabled = s.current_answer is None or (at_end and not s.finished)

    def action_answer(self, value: int) -> None:
        statement_id = self.session.current.id
        done = self.session.answer(value)
        self.post_message(self.Changed(statement_id))
        self.show_statement()  # on the last statement too: coming back from the results shows its answer
        if done:
            self.post_message(self.Finished())

    def action_back(self) -> None:
        if self.session.back():
            self.show_statement()

    def action_forward(self) -> None:
        if self.session.forward():
            self.show_statement()
        elif self.session.finished:  # → on the last statement, all answered: back to the results
            self.post_message(self.Finished())

    @on(AnswerOptions.Chosen)
    def _chosen(self, event: AnswerOptions.Chosen) -> None:
        self.action_answer(event.value)

    @on(Button.Pressed, "#back")
    def _back(self) -> None:
        self.action_back()

    @on(Button.Pressed, "#forward")
    def _forward(self) -> None:
        self.action_forward()

    @on(Button.Pressed, "#switch-language")
    def _switch_language(self) -> None:
        self.app.action_toggle_language()  # type: ignore[attr-defined]
