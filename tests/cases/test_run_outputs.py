"""Case files of a large run are rendered by worker processes, byte for byte as in one."""

from __future__ import annotations

from datetime import datetime

from cases.run_outputs import PARALLEL_MIN_CASES, CaseFileWriter, write_cases
from cases.store import CaseStore, RunInfo


def test_parallel_rendering_writes_the_same_files(tmp_path, make_draft):
    store = CaseStore(f"sqlite:///{tmp_path / 'cases.db'}")
    drafts = [
        make_draft(customer=f"K{i}", transactions=(f"T-{i}",))
        for i in range(PARALLEL_MIN_CASES + 10)
    ]
    results = store.upsert_drafts(drafts, RunInfo("r1", datetime(2026, 11, 1)))
    cases = [r.case for r in results]
    write_cases(tmp_path / "one", cases, workers=1)
    write_cases(tmp_path / "two", cases, workers=2)
    one = sorted((tmp_path / "one" / "cases").iterdir())
    two = sorted((tmp_path / "two" / "cases").iterdir())
    assert [p.name for p in one] == [p.name for p in two]
    assert len(one) == 2 * len(cases)
    assert all(a.read_bytes() == b.read_bytes() for a, b in zip(one, two, strict=True))


def test_batches_written_while_the_next_is_prepared_all_land(tmp_path, make_draft):
    store = CaseStore(f"sqlite:///{tmp_path / 'cases.db'}")
    run = RunInfo("r1", datetime(2026, 11, 1))
    batches = [
        [
            r.case
            for r in store.upsert_drafts(
                [
                    make_draft(customer=f"K{b}-{i}", transactions=(f"T-{b}-{i}",))
                    for i in range(PARALLEL_MIN_CASES + 5)
                ],
                run,
            )
        ]
        for b in range(2)
    ]
    with CaseFileWriter(tmp_path / "out", workers=2) as writer:
        for batch in batches:
            writer.submit(batch)
    written = {p.name for p in (tmp_path / "out" / "cases").iterdir()}
    expected = {
        f"{c.case_id}.{kind}" for batch in batches for c in batch for kind in ("json", "html")
    }
    assert written == expected
