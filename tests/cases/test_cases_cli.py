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


PASSWORDS = {"ann": "maple-kettle-orbit-93", "bob": "river-candle-fjord-27",
             "carol": "glacier-piano-otter-48", "ivy": "lantern-meadow-quartz-15"}  # fmt: skip
ROLES = {"ann": "reviewer", "bob": "reviewer", "carol": "reviewer", "ivy": "analyst"}


@pytest.fixture
def workspace(tmp_path, make_draft) -> Path:
    store = CaseStore.for_workspace(tmp_path)
    for name, role in ROLES.items():
        store.add_user(name, role, PASSWORDS[name])
    store.upsert_drafts(
        [make_draft("A", ("T-A",), priority="low"), make_draft("B", ("T-B",), priority="high",
                                                               match_score=0.9)],
        RunInfo("r1", datetime(2026, 11, 2)),
    )  # fmt: skip
    store.close()
    return tmp_path


def invoke(workspace: Path, *args: str, user: str | None = "ann", password: str | None = None,
           token: str | None = None):  # fmt: skip
    """`redflag cases …` as `user`, the password piped on stdin (theirs unless given)."""
    env = {"REDFLAG_USER": user or "", "COLUMNS": "200", "REDFLAG_TOKEN": token or ""}
    if password is None:
        password = PASSWORDS.get(user or "", "")
    return CliRunner().invoke(_cli(workspace), ["cases", *args], env=env, input=password + "\n")


def test_list_shows_the_queue_by_due_date(workspace):
    result = invoke(workspace, "list", "--sort", "due")
    assert result.exit_code == 0, result.output
    assert result.output.index("C-000002") < result.output.index("C-000001")
    only_low = invoke(workspace, "list", "--priority", "low")
    assert "C-000001" in only_low.output and "C-000002" not in only_low.output
    assert "0 case(s)" in invoke(workspace, "list", "--overdue").output


def test_list_says_how_many_of_how_many_and_sorts_by_risk(workspace, make_draft):
    store = CaseStore.for_workspace(workspace)
    drafts = [make_draft(f"M{n:03d}", (f"T-M{n}",), priority="low") for n in range(5)]
    for n, draft in enumerate(drafts):
        draft.risk_score = 41 + 10 * n  # risk rises as due dates stay equal
    store.upsert_drafts(drafts, RunInfo("r2", datetime(2026, 11, 3)))
    store.close()
    result = invoke(workspace, "list", "--limit", "3", "--status", "open")
    assert result.exit_code == 0, result.output
    assert "3 of 7 case(s), highest risk first" in result.output
    assert "4 more; --limit 0 lists them all" in result.output
    everything = invoke(workspace, "list", "--limit", "0").output
    assert "7 case(s), highest risk first" in everything
    assert everything.index("C-000007") < everything.index("C-000003")  # risk 81 before 41
    found = invoke(workspace, "list", "--search", "T-M4").output
    assert "1 case(s)" in found and "C-000007" in found


def test_show_json_is_the_case_file(workspace):
    result = invoke(workspace, "show", "C-000002", "--json")
    assert result.exit_code == 0
    assert json.loads(result.output)["watchlist_matches"][0]["entry_id"] == "csl:EL-77"
    missing = invoke(workspace, "show", "C-999999")
    assert missing.exit_code == 2 and "no case C-999999" in missing.output


def test_assign_and_decide_record_the_acting_user(workspace):
    assert invoke(workspace, "assign", "C-000001", "BOB").exit_code == 0
    nobody = invoke(workspace, "assign", "C-000001", "nobody-at-all")
    assert nobody.exit_code == 2 and "no enabled account 'nobody-at-all'" in nobody.output
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
    other = invoke(workspace, *args, "--user", "carol", password=PASSWORDS["carol"])
    assert other.exit_code == 0 and "escalated" in other.output


def test_one_operator_cannot_complete_four_eyes_under_two_names(workspace):
    """Finding 2: `decide --user rev1` then `approve --user rev2` by one operator."""
    args = ("decide", "C-000002", "--outcome", "escalated", "--note", "hold it")
    assert invoke(workspace, *args).exit_code == 0
    for name in ("ANN", "ann\u200b", "Ａｎｎ"):  # the same person
        again = invoke(workspace, "approve", "C-000002", "--user", name, password=PASSWORDS["ann"])
        assert again.exit_code == 2 and "four-eyes" in again.output
    guessed = invoke(workspace, "approve", "C-000002", "--user", "bob", password="a guess")
    assert guessed.exit_code == 2 and "cannot authenticate 'bob'" in guessed.output
    for nobody in ("nobody-at-all", "ghost"):
        refused = invoke(workspace, "approve", "C-000002", user=nobody, password="whatever-it-is")
        assert refused.exit_code == 2 and "unknown or disabled account" in refused.output
    analyst = invoke(workspace, "approve", "C-000002", user="ivy")
    assert analyst.exit_code == 2 and "the second approval of" in analyst.output
    history = CaseStore.for_workspace(workspace).get_case("C-000002").history
    assert [e["event"] for e in history] == ["opened", "decision_proposed"]
    assert {e["by"] for e in history} == {"system", "ann"}


def test_a_token_acts_for_its_user_only(workspace):
    store = CaseStore.for_workspace(workspace)
    bob = store.accounts.authenticate("bob", PASSWORDS["bob"], "test", "test")
    token = store.accounts.issue_token(bob)
    note = ("note", "C-000001", "--note", "called the customer")
    assert invoke(workspace, *note, user=None, token=token).exit_code == 0
    assert store.get_case("C-000001").history[-1]["by"] == "bob"
    as_carol = invoke(workspace, *note, user="carol", token=token)
    assert as_carol.exit_code == 2 and "belongs to bob" in as_carol.output
    forged = invoke(workspace, *note, user=None, token=token[:-4] + "AAAA")
    assert forged.exit_code == 2 and "token is unknown" in forged.output
    store.accounts.disable("bob", by="admin")
    assert invoke(workspace, *note, user=None, token=token).exit_code == 2
    store.close()


def test_bad_outcome_and_missing_note_exit_2(workspace):
    bad = invoke(workspace, "decide", "C-000001", "--outcome", "closed", "--note", "x")
    assert bad.exit_code == 2 and "--outcome must be one of" in bad.output
    empty = invoke(workspace, "decide", "C-000001", "--outcome", "cleared", "--note", " ")
    assert empty.exit_code == 2 and "rationale" in empty.output


def test_clear_with_suppression_then_list_it(workspace):
    args = ("decide", "C-000002", "--outcome", "cleared", "--note", "other firm")
    proposed = invoke(workspace, *args, "--suppress-days", "30")  # a 0.90 hit: four-eyes
    assert proposed.exit_code == 0 and "suppress_strong_hit" in proposed.output
    assert invoke(workspace, "suppressions", "list").output.count("active") == 0
    assert invoke(workspace, "approve", "C-000002", user="bob").exit_code == 0
    listed = invoke(workspace, "suppressions", "list")
    assert listed.exit_code == 0 and "csl:EL-77" in listed.output and "active" in listed.output
    refused = invoke(workspace, "suppressions", "revoke", "1", "--note", "x", user="ivy")
    assert refused.exit_code == 2 and "only a reviewer or an admin" in refused.output
    lifted = invoke(workspace, "suppressions", "revoke", "1", "--note", "owner changed")
    assert lifted.exit_code == 0 and "suppression 1 lifted" in lifted.output
    assert "active" not in invoke(workspace, "suppressions", "list").output


def test_export_writes_the_queue(workspace, tmp_path):
    out = tmp_path / "queue.json"
    result = invoke(workspace, "export", "--format", "json", "--out", str(out))
    assert result.exit_code == 0
    records = json.loads(out.read_text())
    assert [r["case_id"] for r in records] == ["C-000002", "C-000001"]
    assert {"country", "flags", "flag_titles", "order_value_usd", "decision"} <= set(records[0])
    assert records[0]["flags"]  # the red flag codes of the case


def test_export_carries_the_decision(workspace, tmp_path):
    assert invoke(workspace, "decide", "C-000001", "--outcome", "cleared", "--note",
                  "known customer").exit_code == 0  # fmt: skip
    out = tmp_path / "queue.csv"
    assert invoke(workspace, "export", "--out", str(out)).exit_code == 0
    text = out.read_text()
    header, *lines = text.splitlines()
    assert "decision,decided_by,decided_at,decision_rationale" in header
    row = next(line for line in lines if line.startswith("C-000001"))
    assert "cleared,ann," in row and "known customer" in row


def test_export_to_a_missing_folder_exits_2_with_one_line(workspace, tmp_path):
    out = tmp_path / "no-such-folder" / "queue.csv"
    result = invoke(workspace, "export", "--out", str(out))
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        f"redflag: error: cannot write {out}: No such file or directory"
    ]
