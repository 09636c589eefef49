"""`redflag cases …` as an investigator types it."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from cases.store import CaseStore, RunInfo
from flows.commands.cases import app as cases_app


def _cli(workspace: Path) -> typer.Typer:
    """The cases sub-app under a main callback that sets the workspace, as `redflag` does."""
    main = typer.Typer()

    @main.callback()
    def setup(ctx: typer.Context) -> None:
        ctx.obj = {"workspace": workspace, "case_store_url": None}

    main.add_typer(cases_app, name="cases")
    return main


@pytest.fixture
def workspace(tmp_path, make_draft) -> Path:
    store = CaseStore.for_workspace(tmp_path)
    store.upsert_drafts(
        [make_draft("A", ("T-A",), priority="low"), make_draft("B", ("T-B",), priority="high",
                                                               match_score=0.9)],
        RunInfo("r1", datetime(2026, 11, 2)),
    )  # fmt: skip
    store.close()
    return tmp_path


def invoke(workspace: Path, *args: str, user: str | None = "ann"):
    env = {"REDFLAG_USER": user or "", "COLUMNS": "200"}
    return CliRunner().invoke(_cli(workspace), ["cases", *args], env=env)


def test_list_shows_the_queue_by_priority(workspace):
    result = invoke(workspace, "list")
    assert result.exit_code == 0, result.output
    assert result.output.index("C-000002") < result.output.index("C-000001")
    only_low = invoke(workspace, "list", "--priority", "low")
    assert "C-000001" in only_low.output and "C-000002" not in only_low.output
    assert "0 case(s)" in invoke(workspace, "list", "--overdue").output


def test_show_json_is_the_case_file(workspace):
    result = invoke(workspace, "show", "C-000002", "--json")
    assert result.exit_code == 0
    assert json.loads(result.output)["watchlist_matches"][0]["entry_id"] == "csl:EL-77"
    missing = invoke(workspace, "show", "C-999999")
    assert missing.exit_code == 2 and "no case C-999999" in missing.output


def test_assign_and_decide_record_the_acting_user(workspace):
    assert invoke(workspace, "assign", "C-000001", "bob").exit_code == 0
    result = invoke(workspace, "decide", "C-000001", "--outcome", "cleared", "--note", "fine")
    assert result.exit_code == 0 and "cleared" in result.output
    history = CaseStore.for_workspace(workspace).get_case("C-000001").history
    assert [(e["event"], e["by"]) for e in history] == [
        ("opened", "system"), ("assigned", "ann"), ("decided", "ann"),
    ]  # fmt: skip


def test_same_user_second_approval_exits_2_with_one_line(workspace):
    args = ("decide", "C-000002", "--outcome", "escalated", "--note", "hold it")
    assert invoke(workspace, *args).exit_code == 0
    again = invoke(workspace, *args)
    assert again.exit_code == 2
    assert len(again.output.strip().splitlines()) == 1 and "four-eyes" in again.output
    other = invoke(workspace, *args, "--user", "carol")
    assert other.exit_code == 0 and "escalated" in other.output


def test_bad_outcome_and_missing_note_exit_2(workspace):
    bad = invoke(workspace, "decide", "C-000001", "--outcome", "closed", "--note", "x")
    assert bad.exit_code == 2 and "--outcome must be one of" in bad.output
    empty = invoke(workspace, "decide", "C-000001", "--outcome", "cleared", "--note", " ")
    assert empty.exit_code == 2 and "rationale" in empty.output


def test_clear_with_suppression_then_list_it(workspace):
    args = ("decide", "C-000002", "--outcome", "cleared", "--note", "other firm")
    assert invoke(workspace, *args, "--suppress-days", "30").exit_code == 0
    listed = invoke(workspace, "suppressions", "list")
    assert listed.exit_code == 0 and "csl:EL-77" in listed.output and "active" in listed.output


def test_export_writes_the_queue(workspace, tmp_path):
    out = tmp_path / "queue.json"
    result = invoke(workspace, "export", "--format", "json", "--out", str(out))
    assert result.exit_code == 0
    assert [r["case_id"] for r in json.loads(out.read_text())] == ["C-000002", "C-000001"]


def test_export_to_a_missing_folder_exits_2_with_one_line(workspace, tmp_path):
    out = tmp_path / "no-such-folder" / "queue.csv"
    result = invoke(workspace, "export", "--out", str(out))
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        f"redflag: error: cannot write {out}: No such file or directory"
    ]
