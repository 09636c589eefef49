"""`redflag users add` and `redflag review` as the CLI layer calls them."""

from __future__ import annotations

import io

import pytest
import typer

from cases.store import CaseStore
from flows.commands.review import review_command, users_add


def test_users_add_reads_the_password_from_piped_stdin(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'cases.db'}"
    monkeypatch.setattr("sys.stdin", io.StringIO("s3cret-passphrase\n"))
    users_add(url, "dana", "reviewer")
    store = CaseStore(url)
    assert store.check_password("dana", "s3cret-passphrase") == "reviewer"
    assert store.check_password("dana", "s3cret-passphrase\n") is None
    store.close()


@pytest.mark.parametrize(
    ("name", "role", "password", "message"),
    [
        ("dana", "boss", "long-enough-pw", "--role must be one of analyst, reviewer, admin"),
        ("dana", "analyst", "short", "at least 8 characters"),
        ("  ", "analyst", "long-enough-pw", "a user needs a name"),
    ],
)
def test_users_add_refuses_bad_input_with_exit_2(tmp_path, capsys, name, role, password, message):
    with pytest.raises(typer.Exit) as exit_info:
        users_add(f"sqlite:///{tmp_path / 'cases.db'}", name, role, password)
    assert exit_info.value.exit_code == 2
    assert message in capsys.readouterr().err


def test_users_add_refuses_a_duplicate(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'cases.db'}"
    users_add(url, "dana", "analyst", "long-enough-pw")
    with pytest.raises(typer.Exit) as exit_info:
        users_add(url, "dana", "admin", "another-password")
    assert exit_info.value.exit_code == 2 and "already exists" in capsys.readouterr().err


def test_review_refuses_a_port_out_of_range(tmp_path, capsys):
    with pytest.raises(typer.Exit) as exit_info:
        review_command(tmp_path, f"sqlite:///{tmp_path / 'cases.db'}", "127.0.0.1", 70000)
    assert exit_info.value.exit_code == 2 and "--port" in capsys.readouterr().err
