"""Accounts in the case store: normalised unique names, the password rule, argon2id with
the rehash of older hashes, constant-cost logins, disabling, and older stores' names."""

from __future__ import annotations

import hashlib
import os
import statistics
import time
from datetime import datetime

import pytest
import sqlalchemy as sa

from cases.migrations import migrate
from cases.passwords import PasswordRejected, check_new_password
from cases.store import CaseStore
from cases.users import AccountError, normalise_user_name

GOOD = "maple-kettle-orbit-93"


def test_added_user_signs_in_with_the_password_only(store):
    store.add_user("ann", "reviewer", "correct horse battery staple")

    assert store.check_password("ann", "correct horse battery staple") == "reviewer"
    assert store.check_password("ann", "wrong") is None
    assert store.check_password("nobody", "correct horse battery staple") is None
    with store.engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT password_hash FROM users")).scalar_one()
    assert "correct horse" not in stored and stored.startswith("$argon2id$")


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("rev1\u200b", "invisible"),
        ("a\u2060b", "invisible"),
        ("system", "reserved"),
        ("SYSTEM", "reserved"),
        ("x" * 65, "at most 64"),
        ("   ", "needs a name"),
        ("ann smith", "letters, digits"),
        ("-ann", "letters, digits"),
    ],
)
def test_bad_user_names_are_refused(store, name, message):
    with pytest.raises(AccountError, match=message):
        store.add_user(name, "analyst", GOOD)
    assert store.accounts.list() == []


@pytest.mark.parametrize("twin", ["ANN", "Ann", "ａｎｎ", "ann\u00ad"])
def test_names_are_unique_once_normalised(store, twin):
    store.add_user("ann", "analyst", GOOD)
    with pytest.raises(AccountError):
        store.add_user(twin, "admin", GOOD)
    assert [a.name for a in store.accounts.list()] == ["ann"]
    assert store.check_password(twin.replace("\u00ad", ""), GOOD) == "analyst"


def test_normalisation_folds_case_width_and_invisible_characters():
    assert normalise_user_name("Ｒｅｖ1\u200b") == "rev1"
    assert normalise_user_name("STRASSE") == normalise_user_name("straße")
    assert normalise_user_name(" Ana\ufe0f ") == "ana"


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short-pw-1", "at least 12"),
        ("x" * 129, "at most 128"),
        ("password1234", "common"),
        ("qwertyuiop123", "common"),
        ("iloveyou2024!", "common"),
        ("aaaaaaaaaaaaaaaa", "common"),
        ("dana-is-my-login", "user name"),
    ],
)
def test_the_password_rule(password, message):
    with pytest.raises(PasswordRejected, match=message):
        check_new_password(password, "dana")


def test_a_good_password_passes_the_rule():
    check_new_password(GOOD, "dana")
    check_new_password("Tr0ub4dor&3 horse", "dana")


def test_an_older_scrypt_hash_still_logs_in_and_is_replaced_by_argon2id(store):
    salt = os.urandom(16)
    digest = hashlib.scrypt(GOOD.encode(), salt=salt, n=2**14, r=8, p=1)
    old = f"scrypt$16384$8$1${salt.hex()}${digest.hex()}"
    with store.engine.begin() as conn:
        conn.execute(
            sa.text("INSERT INTO users (name, role, password_hash, created_at) "
                    "VALUES ('olga', 'reviewer', :h, :at)"),
            {"h": old, "at": datetime(2026, 1, 1)},
        )  # fmt: skip
    assert store.check_password("olga", "wrong password here") is None
    with store.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT password_hash FROM users")).scalar_one() == old
    assert store.check_password("olga", GOOD) == "reviewer"
    with store.engine.connect() as conn:
        assert (
            conn.execute(sa.text("SELECT password_hash FROM users"))
            .scalar_one()
            .startswith("$argon2id$")
        )
    assert store.check_password("olga", GOOD) == "reviewer"


def _timed(action, repeats: int = 7) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def test_a_login_costs_the_same_for_unknown_disabled_and_real_users(store):
    store.add_user("ann", "reviewer", GOOD)
    store.add_user("dis", "reviewer", GOOD)
    store.accounts.disable("dis", by="adam")
    accounts = store.accounts
    real = _timed(lambda: accounts.authenticate("ann", "wrong guess 123", "t", "test"))
    unknown = _timed(lambda: accounts.authenticate("nobody", "wrong guess 123", "t", "test"))
    disabled = _timed(lambda: accounts.authenticate("dis", GOOD, "t", "test"))
    assert accounts.authenticate("dis", GOOD, "t", "test") is None
    # the hash dominates (tens of milliseconds): without the dummy hash an unknown name
    # answers in well under a tenth of the time
    for other in (unknown, disabled):
        assert 0.33 < other / real < 3.0, (real, unknown, disabled)


def test_a_disabled_user_cannot_log_in_and_loses_tokens_and_sessions(store):
    store.add_user("ann", "reviewer", GOOD)
    actor = store.accounts.authenticate("ann", GOOD, "t", "test")
    token = store.accounts.issue_token(actor)
    store.accounts.start_session("sid-1", actor, "t")
    assert store.accounts.authenticate_token(token, "t") == actor
    assert store.accounts.session_actor("sid-1") == actor

    store.accounts.disable("ann", by="adam")

    assert store.check_password("ann", GOOD) is None
    assert store.accounts.authenticate_token(token, "t") is None
    assert store.accounts.session_actor("sid-1") is None
    store.accounts.enable("ann", by="adam")
    assert store.check_password("ann", GOOD) == "reviewer"
    assert store.accounts.authenticate_token(token, "t") is None  # revoked for good


def test_a_new_password_ends_sessions_and_tokens(store):
    store.add_user("ann", "reviewer", GOOD)
    actor = store.accounts.authenticate("ann", GOOD, "t", "test")
    token = store.accounts.issue_token(actor)
    store.accounts.start_session("sid-1", actor, "t")
    store.accounts.set_password("ann", "river-candle-fjord-27", by="ann")
    assert store.accounts.session_actor("sid-1") is None
    assert store.accounts.authenticate_token(token, "t") is None
    assert store.check_password("ann", "river-candle-fjord-27") == "reviewer"


def test_bad_accounts_are_refused(store):
    store.add_user("ann", "analyst", GOOD)
    with pytest.raises(AccountError, match="already exists"):
        store.add_user("ann", "admin", "river-candle-fjord-27")
    with pytest.raises(AccountError, match="unknown role"):
        store.add_user("bob", "superuser", GOOD)
    with pytest.raises(AccountError, match="a password"):
        store.add_user("carol", "analyst", "")


def test_names_of_an_older_store_are_normalised_and_clashes_reported(store_url, caplog):
    engine = sa.create_engine(store_url)
    migrate(engine, target=3)
    with engine.begin() as conn:
        for name in ("Ana", "ana", "Bob", "System", "zoe\u200b"):
            conn.execute(
                sa.text("INSERT INTO users (name, role, password_hash, created_at) "
                        "VALUES (:n, 'reviewer', 'scrypt$1$1$1$00$00', :at)"),
                {"n": name, "at": datetime(2026, 1, 1)},
            )  # fmt: skip
        conn.execute(
            sa.text(
                "INSERT INTO cases (case_id, seq, case_key, status, priority, risk_score, "
                "subject_json, content_json, assignee, opened_at, updated_at) VALUES "
                "('C-000001', 1, 'k', 'open', 'low', 1, '{}', '{}', 'Bob', :at, :at)"
            ),
            {"at": datetime(2026, 1, 1)},
        )
    engine.dispose()

    store = CaseStore(store_url)

    accounts = {a.name: a for a in store.accounts.list()}
    assert accounts["bob"].enabled and accounts["zoe"].enabled  # renamed, not merged
    assert not accounts["ana"].enabled and not accounts["Ana"].enabled
    assert "'Ana', 'ana'" in accounts["ana"].disabled_reason
    assert not accounts["System"].enabled
    assert {a.name for a in store.accounts.clashes()} == {"Ana", "ana", "System"}
    assert "one name once normalised" in caplog.text
    with store.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT assignee FROM cases")).scalar_one() == "bob"
    with pytest.raises(AccountError, match="belongs to another account"):
        store.accounts.enable("Ana", by="adam")
    assert store.accounts.enable("ana", by="adam") == "ana"
    store.close()
