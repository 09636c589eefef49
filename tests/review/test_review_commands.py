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


def test_without_an_admin_only_an_admin_is_added(tmp_path, capsys):
    with pytest.raises(typer.Exit) as exit_info:
        users_add(f"sqlite:///{tmp_path / 'cases.db'}", "dana", "reviewer", "river-candle-fjord-27")
    assert exit_info.value.exit_code == 2 and "no admin yet" in capsys.readouterr().err


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
