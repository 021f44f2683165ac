"""Plain mode and commitments (issue 24, points 4 and 5): one question at the end, at a terminal only; the
next attempt of the same person first asks what became of them; the plan then shows what they did."""

from __future__ import annotations

import io

from misquiz.core.commitments import DONE, Commitment
from misquiz.core.quiz import QuizOptions
from misquiz.lines.plain import PlainQuiz
from misquiz.storage.sqlite import SQLiteStore
from support.quiz import answers_holding

HOSTILE = "\x1b]0;pwned\x07 call [red]two[/red] clients"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def take(db, bank, before: list[str], after: list[str], *, tty: bool = True, name: str = "Anna"):
    store = SQLiteStore(db)
    stdin, stdout = (Terminal() if tty else io.StringIO()), io.StringIO()
    quiz = PlainQuiz(bank, QuizOptions("en", 3, "", None, None, None), store, stdin, stdout)
    answers = answers_holding(bank, {"sales-goal": (5, 1), "no-plan": (5, 1)})
    lines = ([name] if tty else []) + before + [str(answers[sid]) for sid in quiz.session.order] + after
    stdin.write("\n".join(lines) + "\n")
    stdin.seek(0)
    assert quiz.run() == 0
    return store, quiz, stdout.getvalue()


def test_choose_at_the_end_refused_choices_say_why_and_ask_again(tmp_path, bank):
    store, quiz, out = take(tmp_path / "m.db", bank, [], ["1 2 3 4", "99", HOSTILE])
    assert "Choose up to 3 actions (you chose 4)." in out
    assert "There is no action 99 in the list: choose numbers from 1 to" in out
    (mine,) = store.commitments(quiz.session.attempt_id)
    assert mine.myth is None and mine.own is not None and "\x1b" not in mine.own and "\x07" not in mine.own
    assert "\x1b" not in out and "What you will do" in out and "--format ics" in out


def test_numbers_pick_the_plans_actions(tmp_path, bank):
    store, quiz, _out = take(tmp_path / "m.db", bank, [], ["2 1"])
    assert [c.key for c in store.commitments(quiz.session.attempt_id)] == [
        "no-plan.2",
        "no-plan.1",
    ]  # bank order breaks the tie


def test_enter_skips_and_a_pipe_is_never_asked(tmp_path, bank):
    store, quiz, out = take(tmp_path / "m.db", bank, [], [""])
    assert store.commitments(quiz.session.attempt_id) == ()
    store, quiz, out = take(tmp_path / "p.db", bank, [], [], tty=False)
    assert "Which of these will you do" not in out


def test_the_same_person_is_asked_what_they_did_and_the_plan_shows_it(tmp_path, bank):
    db = tmp_path / "m.db"
    store, first, _ = take(db, bank, [], ["1 2"])
    store.close()
    store, _second, out = take(db, bank, ["1", ""], [""], name=" anna ")
    assert "Last time you said you would do these" in out
    statuses = [c.status for c in store.commitments(first.session.attempt_id)]
    assert statuses == [DONE, None]
    assert "What you have done since" in out and "— done" in out
    store.close()
    # somebody else on the same database is never asked about Anna's
    store, _third, out = take(db, bank, [], [""], name="Bob")
    assert "Last time you said" not in out


def test_nothing_open_nothing_asked(tmp_path, bank):
    db = tmp_path / "m.db"
    store, first, _ = take(db, bank, [], [""])
    store.set_commitments(first.session.attempt_id, (Commitment("sales-goal", 1, None, DONE),))
    store.close()
    store, _second, out = take(db, bank, [], [""])
    assert "Last time you said" not in out
