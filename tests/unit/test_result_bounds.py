"""A result file for `misquiz import` is bounded whatever its layout, as a bank is."""

from __future__ import annotations

import time
import tracemalloc

import pytest

from misquiz.core.problems import ProblemsError
from misquiz.files.results import read_result_file


def test_a_flow_map_of_one_character_keys_under_the_old_shortcut_is_counted(tmp_path, bank):
    # 99,981 characters: under the 2-characters-a-value shortcut (100,000), yet 99,980 values, twice the cap.
    path = tmp_path / "result.json"
    path.write_text("{" + ",".join(["a"] * 49_990) + "}", encoding="utf-8")
    tracemalloc.start()
    start = time.perf_counter()
    try:
        with pytest.raises(ProblemsError) as refused:
            read_result_file(path, bank)
        seconds = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1] / 1024 / 1024
    finally:
        tracemalloc.stop()
    assert [str(p) for p in refused.value.problems] == [f"{path}:1:50001: too many values (more than 50,000)"]
    assert peak < 10 and seconds < 5, (peak, seconds)
