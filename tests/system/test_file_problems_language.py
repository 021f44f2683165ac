"""Bad input gets a clear message in the person's language (issue 23): what is wrong in a result file
(`misquiz import`), an answers file (`misquiz score`) or any file misquiz reads is told in --lang, never with a
traceback; the English lines stay as they were (tests, scripts and JSON read them)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from misquiz.cli import main
from misquiz.core.catalogue import Explained, t
from misquiz.core.problems import Problem
from misquiz.core.scoring import score_attempt
from misquiz.files.results import check_stored, read_result_file

DATA = Path(__file__).resolve().parent.parent / "data"
NBSP = "\u00a0"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.stdout + result.stderr
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Files named as a person names them, in the folder they work in."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    return tmp_path


def result_file(here: Path, name: str, **changes: object) -> str:
    data = json.loads((DATA / "result.json").read_text(encoding="utf-8"))
    data.update(changes)
    (here / name).write_text(json.dumps(data, indent=2), encoding="utf-8")
    return name


def test_a_missing_result_file_in_french(here: Path):
    code, out, err = run("--lang", "fr", "import", "--db", "t.db", "missing.json")
    assert code == 1
    assert err.strip() == "missing.json\u00a0: ce fichier n'existe pas"
    assert out.strip() == t("fr", "cli_imported", added=0, already=0, failed=1)


def test_a_result_file_that_is_not_json_in_french(here: Path):
    (here / "notes.json").write_text("just a few words\n", encoding="utf-8")
    (here / "broken.json").write_text('{"format": "misquiz-result",\n', encoding="utf-8")
    code, _, err = run("--lang", "fr", "import", "--db", "t.db", "notes.json", "broken.json")
    assert code == 1
    lines = err.strip().splitlines()
    assert lines[0] == (
        f"notes.json:1:1: attendu{NBSP}: un fichier de résultat de misquiz (un objet JSON)"
        f"{NBSP}; trouvé{NBSP}: un texte"
    )
    assert lines[1] == f"broken.json:2:1: YAML non valide{NBSP}: il manque une valeur"


def test_a_result_file_with_an_unknown_statement_in_french(here: Path):
    data = json.loads((DATA / "result.json").read_text(encoding="utf-8"))
    name = result_file(here, "unknown.json", answers={**data["answers"], "no-such-statement": 3})
    code, _, err = run("--lang", "fr", "import", "--db", "t.db", name)
    assert code == 1
    assert err.strip().endswith(
        f": answers.no-such-statement{NBSP}: affirmation inconnue{NBSP}: «{NBSP}no-such-statement{NBSP}»"
    )


def test_a_result_file_with_a_forged_score_is_imported_with_its_true_score(here: Path):
    """A result file's scores are never read (they are recomputed from its answers): a forged one is no problem."""
    name = result_file(here, "forged.json", scores={"overall": {"score": 100}})
    code, out, err = run("--lang", "fr", "import", "--db", "t.db", name)
    assert code == 0, err
    assert err == ""
    assert out.strip() == t("fr", "cli_imported", added=1, already=0, failed=0)


def test_forged_stored_scores_are_told_in_the_persons_language(bank):
    """Scores that are not the score of the answers, found in another database (`misquiz db copy`)."""
    attempt = read_result_file(DATA / "result.json", bank)
    other = {sid: (1 if value == 5 else 5) for sid, value in attempt.answers.items()}
    attempt.result = score_attempt(bank, other).record()
    (problem,) = check_stored(attempt, bank, "old.db")
    assert str(problem) == "old.db: result: the stored scores are not the score of its answers (forged or damaged)"
    assert problem.told("fr") == (
        "old.db\u00a0: result\u00a0: les scores enregistrés ne correspondent pas aux réponses (falsifiés ou endommagés)"
    )
    assert problem.told("nl") == (
        "old.db: result: de bewaarde scores komen niet overeen met de antwoorden (vervalst of beschadigd)"
    )


def test_an_answers_file_with_a_bad_value_in_dutch(here: Path):
    (here / "bad.yaml").write_text("sales-goal-1: 7\nsales-goal-2: true\n", encoding="utf-8")
    code, out, err = run("--lang", "nl", "score", "bad.yaml")
    assert code == 1
    assert out == ""
    assert err.strip().splitlines() == [
        "bad.yaml:1:15: sales-goal-1: verwacht: 1 tot 5, of null voor ‘Geen mening’; gevonden: 7",
        "bad.yaml:2:15: sales-goal-2: verwacht: 1 tot 5, of null voor ‘Geen mening’; gevonden: True",
    ]


def test_reading_problems_in_dutch_and_french(here: Path):
    (here / "empty.yaml").write_text("  \n", encoding="utf-8")
    (here / "twice.yaml").write_text("sales-goal-1: 2\nsales-goal-1: 3\n", encoding="utf-8")
    (here / "tab.yaml").write_text("sales-goal-1: 2\n\tsales-goal-2: 3\n", encoding="utf-8")
    (here / "folder").mkdir()
    _, _, err = run("--lang", "nl", "score", "empty.yaml")
    assert err.strip() == "empty.yaml: het bestand is leeg"
    _, _, err = run("--lang", "fr", "score", "twice.yaml")
    assert (
        err.strip()
        == f"twice.yaml:2:1: sales-goal-1{NBSP}: clé en double «{NBSP}sales-goal-1{NBSP}» (déjà à la ligne 1)"
    )
    _, _, err = run("--lang", "fr", "score", "tab.yaml")
    assert err.strip().endswith(f"(probablement une tabulation{NBSP}: en YAML, on n'indente qu'avec des espaces)")
    _, _, err = run("--lang", "nl", "score", "folder")
    assert err.strip() == "folder: is een map, geen bestand"


def test_english_is_unchanged(here: Path):
    (here / "bad.yaml").write_text("sales-goal-1: 7\nno-such-statement: 3\n", encoding="utf-8")
    code, _, err = run("--lang", "en", "score", "bad.yaml")
    assert code == 1
    assert err.strip().splitlines() == [
        "bad.yaml:1:15: sales-goal-1: expected 1 to 5, or null for no opinion; found 7",
        "bad.yaml:2:1: no-such-statement: unknown statement id 'no-such-statement'",
    ]
    (here / "notes.json").write_text("just a few words\n", encoding="utf-8")
    code, out, err = run("--lang", "en", "import", "--db", "t.db", "missing.json", "notes.json")
    assert code == 1
    assert err.strip().splitlines() == [
        "missing.json: no such file",
        "notes.json:1:1: expected a misquiz result file (a JSON object), found text",
    ]
    assert out.strip() == t("en", "cli_imported", added=0, already=0, failed=2)


def test_the_locale_is_the_language_without_lang(here: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("LANG", "fr_BE.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    _, _, err = run("import", "--db", "t.db", "missing.json")
    assert err.strip() == "missing.json\u00a0: ce fichier n'existe pas"


def test_a_problem_without_a_catalogue_sentence_stays_as_it_is():
    """A bank's own checks are English for the people who write banks, in every language."""
    plain = Problem("bank.yaml", 3, 5, "myths[0].id", "duplicate myth id 'x'")
    assert plain.told("fr") == str(plain) == "bank.yaml:3:5: myths[0].id: duplicate myth id 'x'"
    warned = Problem("a.yaml", None, None, "", "file is empty", "warning", Explained("file_empty"))
    assert str(warned) == "a.yaml: warning: file is empty"
    assert warned.told("fr") == f"a.yaml{NBSP}: avertissement{NBSP}: le fichier est vide"


def test_a_bad_bank_before_the_quiz_in_french(here: Path, capsys: pytest.CaptureFixture[str]):
    """`misquiz --lang fr --bank X` at a terminal: the bank's reading problems in French before any screen."""
    from misquiz.tui.launch import QuickOptions, quick_start

    (here / "bank.yaml").write_text("bank: [\n", encoding="utf-8")
    assert quick_start(QuickOptions(lang="fr", bank="missing.yaml")) == 1
    assert capsys.readouterr().err.strip() == "missing.yaml\u00a0: ce fichier n'existe pas"
    assert quick_start(QuickOptions(lang="fr", bank="bank.yaml")) == 1
    assert capsys.readouterr().err.startswith(f"bank.yaml:2:1: YAML non valide{NBSP}: ")


def test_a_bad_bank_for_take_and_score_follows_lang(here: Path):
    _, _, err = run("--lang", "nl", "score", "--bank", "missing.yaml", "answers.yaml")
    assert err.strip() == "missing.yaml: dit bestand bestaat niet"
    _, _, err = run("take", "--lang", "fr", "--plain", "--bank", "missing.yaml")
    assert err.strip() == "missing.yaml\u00a0: ce fichier n'existe pas"


@pytest.mark.parametrize(
    ("text", "french"),
    [
        ('a: "x', "le fichier s'arrête trop tôt (probablement un guillemet ouvert et jamais fermé)"),
        ("a: *x", "un alias sans ancre"),
        ('{"a" "b"}', "il manque une ',' ou une '}' (probablement des clés et leurs valeurs entre {accolades} "
         "non fermées, ou une virgule manquante)"),
    ],
)  # fmt: skip
def test_the_parsers_words_in_french(here: Path, text: str, french: str):
    (here / "bad.yaml").write_text(text, encoding="utf-8")
    _, _, err = run("--lang", "fr", "score", "bad.yaml")
    assert err.strip().endswith(f": YAML non valide{NBSP}: {french}"), err
    _, _, err = run("--lang", "en", "score", "bad.yaml")
    assert ": not valid YAML: " in err and "YAML non valide" not in err
