"""The resolution of an ownership snapshot's names, kept in the workspace: the next run
reads it back instead of screening again, and screens again when anything it depends on
differs (the names, the list, the matcher's settings)."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
from owners import links, list_matcher, match_settings

from detectors.ownership import OwnershipScreen, resolution_report
from flows.assembly import matcher_version
from watchlists.ownership import OwnershipStore

ROOT = Path(__file__).resolve().parents[2]
ROWS = [("Volkov Trading House", "Harbour Holdings Ltd", 100),
        ("Harbour Holdings Ltd", "Lion Gate Pte Ltd", 60)]  # fmt: skip


class CountingMatcher:
    """The real matcher, counting the names it is asked to screen."""

    def __init__(self) -> None:
        self.matcher = list_matcher()
        self.screened = 0

    def screen(self, parties: pd.DataFrame) -> pd.DataFrame:
        self.screened += len(parties)
        return self.matcher.screen(parties)


def test_the_next_build_reads_the_kept_resolution_and_finds_the_same_hits(tmp_path):
    kept = OwnershipStore(tmp_path).resolution_path("own-0001", "wl-0001", "abc")
    counting = CountingMatcher()
    first = OwnershipScreen.build(links(ROWS), counting, resolved=kept)
    assert kept.exists() and counting.screened == 3
    again = OwnershipScreen.build(links(ROWS), counting, resolved=kept)
    assert counting.screened == 3  # nothing screened the second time
    pd.testing.assert_frame_equal(first.hits, again.hits)
    assert set(first.hits["entry_id"]) == {"t:volkov"}
    assert resolution_report(first)["resolution_reused"] is False
    assert resolution_report(again)["resolution_reused"] is True


def test_other_names_or_an_unreadable_file_are_screened_again(tmp_path):
    kept = tmp_path / "resolved.pickle"
    counting = CountingMatcher()
    OwnershipScreen.build(links(ROWS), counting, resolved=kept)
    other = OwnershipScreen.build(links([*ROWS, ("Crimson Star Holdings", "Evergreen Cloud Inc", 30)]),
                                  counting, resolved=kept)  # fmt: skip
    assert counting.screened == 3 + 5
    assert set(other.hits["entry_id"]) == {"t:volkov", "t:crimson"}
    kept.write_bytes(b"not a pickle")
    screen = OwnershipScreen.build(links(ROWS), counting, resolved=kept)
    assert counting.screened == 3 + 5 + 3 and set(screen.hits["entry_id"]) == {"t:volkov"}


def test_the_matcher_version_follows_its_settings_whatever_the_hash_seed():
    settings = match_settings()
    version = matcher_version(SimpleNamespace(settings=settings))
    stricter = dataclasses.replace(settings, default_threshold=settings.default_threshold + 0.1)
    assert matcher_version(SimpleNamespace(settings=stricter)) != version
    script = (
        "from types import SimpleNamespace; import sys; sys.path.insert(0, 'tests/ownership');"
        "from owners import match_settings; from flows.assembly import matcher_version;"
        "print(matcher_version(SimpleNamespace(settings=match_settings())))"
    )
    for seed in ("1", "2"):  # set and frozenset order depend on the seed
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)}
        found = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, check=True,
                               capture_output=True, text=True).stdout.strip()  # fmt: skip
        assert found == version
