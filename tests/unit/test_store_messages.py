"""The database's messages (store_ keys) in every language: all there, the same placeholders, French typography,
and every key the storage code raises is one the catalogues hold."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import misquiz.storage
from misquiz.core import catalogue
from misquiz.storage.protocol import AttemptFinished, Count, StoreError, UidConflict

PLACEHOLDER = re.compile(r"{(\w+)}")
STORAGE = Path(misquiz.storage.__file__).resolve().parent


def store_keys() -> set[str]:
    return {key for lang in ("en", "nl", "fr") for key in catalogue.strings(lang) if key.startswith("store_")}


def test_there_are_store_keys():
    assert len(store_keys()) >= 40


@pytest.mark.parametrize("key", sorted(store_keys()))
def test_every_store_key_is_in_every_catalogue_with_the_same_placeholders(key: str):
    english = catalogue.strings("en")[key]
    for lang in ("nl", "fr"):
        text = catalogue.strings(lang).get(key)
        assert text, f"{key} missing in {lang}"
        assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(english)), (key, lang)
        assert text != english or key == "store_failed", f"{key} is not translated into {lang}"


@pytest.mark.parametrize("key", sorted(store_keys()))
def test_french_store_messages_keep_french_typography(key: str):
    text = catalogue.strings("fr")[key]
    prose = re.sub(r"postgresql://\S+|%[0-9A-F]{2}", " ", text)  # the address's form, quoted as it is
    assert not re.search(r"[^\u00a0][:;?!]", prose), text
    assert not re.search(r"«(?!\u00a0)|(?<!\u00a0)»", text), text
    assert "’" not in text, text  # straight apostrophes, as the rest of the French catalogue
    assert not re.search(r"\b(tu|te|ton|ta|tes)\b", text), text  # the person is « vous »


@pytest.mark.parametrize("key", sorted(store_keys()))
def test_dutch_store_messages_address_the_person_as_u(key: str):
    words = set(re.findall(r"\w+", catalogue.strings("nl")[key].lower()))
    assert not words & {"je", "jij", "jouw", "jou"}, key


def test_every_key_the_storage_raises_is_in_the_catalogues():
    source = "\n".join(path.read_text(encoding="utf-8") for path in STORAGE.glob("*.py"))
    used = set(re.findall(r"""["'](store_[a-z_]+)["']""", source))
    assert used, "no store_ keys found in the storage code"
    assert used - store_keys() == set()


def test_a_store_error_is_english_by_str_and_said_in_each_language():
    error = StoreError("store_same_database", where="/tmp/a.db")
    assert str(error) == "/tmp/a.db: the source and the target are the same database"
    assert catalogue.said(error, "fr") == "/tmp/a.db\u00a0: la source et la cible sont la même base de données"
    assert catalogue.said(error, "nl") == "/tmp/a.db: de bron en het doel zijn dezelfde database"


def test_numbers_are_written_as_the_language_writes_them():
    locked = StoreError("store_locked", where="x", seconds=0.5)
    assert (
        "0.5 seconds" in str(locked)
        and "0,5\u00a0secondes" in locked.said("fr")
        and "0,5 seconden" in locked.said("nl")
    )
    many = StoreError("store_too_many", where="x", limit=Count(100_000))
    assert "more than 100,000 results" in str(many)
    assert "plus de 100\u202f000\u00a0participations" in many.said("fr")
    assert "meer dan 100.000 deelnames" in many.said("nl")
    assert "quiz 12345:" in str(AttemptFinished("store_attempt_finished", attempt=12345))  # an id, not a number


def test_subclasses_take_a_key_and_values_or_a_plain_sentence():
    conflict = UidConflict("store_uid_conflict", where="db", uid="u-1")
    assert isinstance(conflict, StoreError)
    assert str(conflict) == "db: already holds another result with uid u-1; nothing was imported for it"
    assert "deelname met uid u-1" in conflict.said("nl")
    assert catalogue.said(AttemptFinished("refused"), "fr") == "refused"


def test_a_reason_inside_a_message_is_said_in_the_same_language():
    error = StoreError("store_attempt_damaged", attempt=7, error=catalogue.Explained("store_answer_out_of_range"))
    assert str(error) == (
        "result 7: damaged in the database (an answer is not 1-5 or no opinion); the other results are readable"
    )
    assert "«\u00a0Sans opinion\u00a0»" in error.said("fr") and "‘Geen mening’" in error.said("nl")


def test_a_copy_stopped_after_some_were_copied_drops_nothing_was_copied_in_each_language():
    from misquiz.storage.transfer import _AllButNothingCopied

    inner = StoreError("store_copy_deadline", where="src.db")
    error = StoreError("store_copy_partly", error=_AllButNothingCopied(inner), copied=3)
    assert str(error) == (
        "src.db: a read took longer than the deadline and was stopped; 3 results were copied before this; "
        "run the copy again (each result is copied once)"
    )
    assert "rien n'a été copié" not in error.said("fr") and "participations copiées auparavant\u00a0: 3" in error.said(
        "fr"
    )
    assert "niets gekopieerd" not in error.said("nl") and "3 deelnames waren al gekopieerd" in error.said("nl")


def test_a_damaged_attempt_is_named_with_what_is_wrong_in_each_language(bank, tmp_path):
    import sqlite3

    from misquiz.core.quiz import QuizOptions
    from misquiz.storage.sqlite import SQLiteStore
    from support.quiz import stored_attempt

    store = SQLiteStore(tmp_path / "d.db")
    session = stored_attempt(store, bank, QuizOptions("en", 1), 3)
    conn = sqlite3.connect(tmp_path / "d.db")
    conn.execute("UPDATE attempts SET seed = 'x'")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError) as caught:
        store.attempt(session.attempt_id)
    store.close()
    number = session.attempt_id
    assert str(caught.value) == (
        f"result {number}: damaged in the database (its seed is not a whole number); the other results are readable"
    )
    assert catalogue.said(caught.value, "fr") == (
        f"participation {number}\u00a0: endommagée dans la base de données (le nombre qui fixe l'ordre (seed) n'est "
        "pas un nombre entier)\u00a0; les autres participations restent lisibles"
    )
    assert "het startgetal van de volgorde (seed) is geen geheel getal" in catalogue.said(caught.value, "nl")
