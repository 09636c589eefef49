"""`redflag users add` and `redflag review` as the CLI layer calls them."""

from __future__ import annotations

import io

import pytest
import typer

from cases.store import CaseStore
from flows.commands.review import review_command, users_add

ADMIN_PASSWORD = "maple-kettle-orbit-93"


def test_users_add_reads_the_password_from_piped_stdin(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'cases.db'}"
    monkeypatch.setattr("sys.stdin", io.StringIO("s3cret-passphrase\n"))
    users_add(url, "dana", "admin")  # the first admin needs no login
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{ADMIN_PASSWORD}\n"))
    with pytest.raises(typer.Exit):  # the next account needs an admin's login
        users_add(url, "erin", "reviewer", user="erin")
    monkeypatch.setattr("sys.stdin", io.StringIO("s3cret-passphrase\nriver-candle-fjord-27\n"))
    users_add(url, "erin", "reviewer", user="dana")
    store = CaseStore(url)
    assert store.check_password("dana", "s3cret-passphrase") == "admin"
    assert store.check_password("dana", "s3cret-passphrase\n") is None
    assert store.check_password("erin", "river-candle-fjord-27") == "reviewer"
    store.close()


def test_without_an_admin_any_account_is_added_then_only_an_admin_adds(
    tmp_path, capsys, monkeypatch
):
    """Contract 2's `users add NAME --role ROLE` works on a store with no admin yet (with a
    warning); once an admin exists, adding an account needs the admin's login."""
    url = f"sqlite:///{tmp_path / 'cases.db'}"
    users_add(url, "dana", "reviewer", "river-candle-fjord-27")
    assert "no admin account yet" in capsys.readouterr().err
    users_add(url, "lead", "admin", "glacier-piano-otter-48")
    monkeypatch.setattr("sys.stdin", io.StringIO("river-candle-fjord-27\n"))  # dana's login
    with pytest.raises(typer.Exit) as exit_info:
        users_add(url, "erin", "reviewer", "meadow-violin-harbor-63", user="dana")
    assert exit_info.value.exit_code == 2 and "needs admin" in capsys.readouterr().err
    store = CaseStore(url)
    assert store.check_password("dana", "river-candle-fjord-27") == "reviewer"
    assert store.accounts.get("erin") is None
    store.close()


@pytest.mark.parametrize(
    ("name", "role", "password", "message"),
    [
        ("dana", "boss", "long-enough-pw", "--role must be one of analyst, reviewer, admin"),
        ("dana", "admin", "short", "at least 12 characters"),
        ("  ", "admin", "river-candle-fjord-27", "a user needs a name"),
    ],
)
def test_users_add_refuses_bad_input_with_exit_2(tmp_path, capsys, name, role, password, message):
    with pytest.raises(typer.Exit) as exit_info:
        users_add(f"sqlite:///{tmp_path / 'cases.db'}", name, role, password)
    assert exit_info.value.exit_code == 2
    assert message in capsys.readouterr().err


def test_users_add_refuses_a_duplicate(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'cases.db'}"
    users_add(url, "dana", "admin", "river-candle-fjord-27")
    with pytest.raises(typer.Exit) as exit_info:
        users_add(url, "DANA", "admin", "glacier-piano-otter-48", token="rft_x_y")
    assert exit_info.value.exit_code == 2 and "token is unknown" in capsys.readouterr().err
    store = CaseStore(url)
    dana = store.accounts.authenticate("dana", "river-candle-fjord-27", "test", "test")
    token = store.accounts.issue_token(dana)
    store.close()
    with pytest.raises(typer.Exit) as exit_info:
        users_add(url, "DANA", "admin", "glacier-piano-otter-48", token=token)
    assert exit_info.value.exit_code == 2 and "already exists" in capsys.readouterr().err


def test_review_refuses_a_port_out_of_range(tmp_path, capsys):
    with pytest.raises(typer.Exit) as exit_info:
        review_command(tmp_path, f"sqlite:///{tmp_path / 'cases.db'}", "127.0.0.1", 70000)
    assert exit_info.value.exit_code == 2 and "--port" in capsys.readouterr().err


def _redflag(workspace, *args: str, stdin: str = "", env: dict | None = None):
    from typer.testing import CliRunner

    from flows.cli import app

    return CliRunner().invoke(app, ["--workspace", str(workspace), *args], input=stdin,
                              env={"REDFLAG_USER": "", "REDFLAG_TOKEN": "", "COLUMNS": "200",
                                   **(env or {})})  # fmt: skip


def test_users_commands_as_an_admin_would_use_them(tmp_path):
    """users add/list/token/disable/enable/passwd through the `redflag` command line."""
    admin, dana = "tundra-violin-parcel-58", "river-candle-fjord-27"
    assert (
        _redflag(tmp_path, "users", "add", "lead", "--role", "admin", stdin=admin + "\n").exit_code
        == 0
    )
    added = _redflag(tmp_path, "users", "add", "Dana", "--role", "reviewer", "--user", "lead",
                     stdin=f"{admin}\n{dana}\n")  # fmt: skip
    assert added.exit_code == 0, added.output
    token = _redflag(tmp_path, "users", "token", "lead", stdin=admin + "\n")
    lead_token = token.stdout.strip().splitlines()[0]
    assert token.exit_code == 0 and lead_token.startswith("rft_")
    listed = _redflag(tmp_path, "users", "list")
    assert "dana" in listed.output and "reviewer" in listed.output and "enabled" in listed.output

    as_dana = {"REDFLAG_USER": "dana"}
    refused = _redflag(tmp_path, "users", "disable", "lead", stdin=dana + "\n", env=as_dana)
    assert refused.exit_code == 2 and "needs admin" in refused.output
    last = _redflag(tmp_path, "users", "disable", "lead", env={"REDFLAG_TOKEN": lead_token})
    assert last.exit_code == 2 and "last enabled admin" in last.output
    off = _redflag(tmp_path, "users", "disable", "dana", "--reason", "left the team",
                   env={"REDFLAG_TOKEN": lead_token})  # fmt: skip
    assert off.exit_code == 0
    assert "disabled: left the team" in _redflag(tmp_path, "users", "list").output
    blocked = _redflag(tmp_path, "users", "token", "dana", stdin=dana + "\n")
    assert blocked.exit_code == 2 and "unknown or disabled" in blocked.output
    assert _redflag(tmp_path, "users", "enable", "DANA",
                    env={"REDFLAG_TOKEN": lead_token}).exit_code == 0  # fmt: skip

    weak = _redflag(tmp_path, "users", "passwd", "dana", stdin=f"{dana}\npassword1234\n")
    assert weak.exit_code == 2 and "common" in weak.output
    changed = _redflag(
        tmp_path, "users", "passwd", "dana", stdin=f"{dana}\nglacier-piano-otter-48\n"
    )
    assert changed.exit_code == 0
    store = CaseStore.for_workspace(tmp_path)
    assert store.check_password("dana", dana) is None
    assert store.check_password("dana", "glacier-piano-otter-48") == "reviewer"
    events = [e for (e,) in store.engine.connect().exec_driver_sql(
        "SELECT event FROM audit_log ORDER BY entry_id")]  # fmt: skip
    assert {"user_added", "token_issued", "user_disabled", "user_enabled",
            "password_changed"} <= set(events)  # fmt: skip
    store.close()
