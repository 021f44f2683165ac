"""Structure-aware mutations of real input files, shared by the tests and tools/fuzz.py.

Each property reads a mutated file and demands one of two outcomes: it loads, or it is
refused with located problems. Anything else (a traceback, a hang) is a defect.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path

import yaml
from hypothesis import strategies as st

from misquiz.core.model import Bank
from misquiz.core.problems import ProblemsError
from misquiz.files.answers import read_answers
from misquiz.files.bank import check_bank, load_bank
from misquiz.files.results import read_result_file

DATA = Path(__file__).resolve().parent.parent / "data"
BANK = load_bank()

# Strings that str.isdigit() (and often int()) takes for numbers: superscripts, Arabic-Indic, Thai,
# fullwidth and mathematical digits, circled and Roman numerals, and int()'s own leniencies.
DIGIT_TRAPS = [
    "²", "1²", "¹²", "١", "٣٤", "๓", "３", "１２", "𝟗", "①", "⁵", "½", "Ⅻ", "߁",
    " 1", "1 ", "+1", "1_000", "0x1", "1e3", "٠", "00001", "9" * 30,
]  # fmt: skip
digit_trap = st.one_of(
    st.sampled_from(DIGIT_TRAPS),
    st.text(st.characters(categories=["Nd", "No", "Nl"]), min_size=1, max_size=6),
)

odd_text = st.one_of(
    digit_trap,
    st.text(max_size=40),
    st.text(alphabet=st.characters(blacklist_categories=["Cs"]), min_size=1, max_size=5000),
    st.sampled_from(["", " ", "\x1b[31m", "\x00", "🙂" * 50, "a: b", "- x", "&a", "*a", "!!python/object:os.system"]),
)
odd_value = st.deferred(
    lambda: st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.integers(min_value=10**30, max_value=10**40),
        st.floats(allow_nan=True, allow_infinity=True),
        odd_text,
        st.lists(odd_value, max_size=4),
        st.dictionaries(odd_text, odd_value, max_size=4),
        st.integers(1, 60).map(lambda depth: _nest(depth)),
    )
)


def _nest(depth: int) -> object:
    value: object = "deep"
    for n in range(depth):
        value = [value] if n % 2 else {"k": value}
    return value


def _paths(node: object, path: tuple = ()) -> list[tuple]:
    found = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _paths(value, (*path, i))
    return found


@st.composite
def mutated(draw: st.DrawFn, original: object) -> object:
    """original with one to three structural changes: removed, duplicated, retyped or replaced parts."""
    data = copy.deepcopy(original)
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(data)
        path = draw(st.sampled_from(paths))
        if not path:
            data = draw(odd_value) if draw(st.integers(0, 9)) == 0 else data
            continue
        parent = data
        for part in path[:-1]:
            parent = parent[part]
        key = path[-1]
        action = draw(st.sampled_from(["remove", "retype", "duplicate", "add", "long"]))
        if action == "remove":
            del parent[key]
        elif action == "retype":
            parent[key] = draw(odd_value)
        elif action == "duplicate" and isinstance(parent, list):
            parent.insert(key, copy.deepcopy(parent[key]))
        elif action == "add" and isinstance(parent, dict):
            parent[draw(odd_text)] = draw(odd_value)
        elif action == "long":
            parent[key] = "x" * draw(st.integers(1000, 200_000))
    return data


@st.composite
def mutated_text(draw: st.DrawFn, original: object) -> str:
    """A YAML or JSON text of a mutated document, sometimes with a duplicated line or a broken byte."""
    data = draw(mutated(original))
    try:
        text = (
            json.dumps(data, ensure_ascii=False)
            if draw(st.booleans())
            else yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
        )
    except (ValueError, TypeError, yaml.YAMLError):
        text = repr(data)
    lines = text.splitlines()
    if lines and draw(st.integers(0, 3)) == 0:
        i = draw(st.integers(0, len(lines) - 1))
        lines.insert(i, lines[i])  # a duplicated key, often
    if lines and draw(st.integers(0, 5)) == 0:
        i = draw(st.integers(0, len(lines) - 1))
        lines[i] = lines[i][: draw(st.integers(0, len(lines[i])))] + draw(odd_text)
    return "\n".join(lines) + "\n"


def bank_data() -> object:
    return yaml.safe_load((DATA / "minimal.yaml").read_text(encoding="utf-8"))


def answers_data() -> object:
    return yaml.safe_load((DATA / "answers-two-held.yaml").read_text(encoding="utf-8"))


def result_data() -> dict:
    return json.loads((DATA / "result.json").read_text(encoding="utf-8"))


def check_located(problems: list) -> None:
    assert problems, "refused without saying why"
    for problem in problems:
        assert problem.file and problem.message
        str(problem)  # renders


def bank_holds(path: Path) -> bool:
    """True if the file loaded, False if it was refused with located problems."""
    result = check_bank(path)
    if not result.ok:
        check_located(result.errors)
    return result.ok


def _reads(read: Callable[[Path, Bank], object], path: Path) -> bool:
    try:
        read(path, BANK)
    except ProblemsError as exc:
        check_located(exc.problems)
        return False
    return True


def answers_hold(path: Path) -> bool:
    return _reads(read_answers, path)


def result_holds(path: Path) -> bool:
    return _reads(read_result_file, path)
