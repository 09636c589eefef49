"""Accounts for the review app live in the case store, with hashed passwords."""

from __future__ import annotations

import pytest
import sqlalchemy as sa


def test_added_user_signs_in_with_the_password_only(store):
    store.add_user("ann", "reviewer", "correct horse battery staple")

    assert store.check_password("ann", "correct horse battery staple") == "reviewer"
    assert store.check_password("ann", "wrong") is None
    assert store.check_password("nobody", "correct horse battery staple") is None
    with store.engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT password_hash FROM users")).scalar_one()
    assert "correct horse" not in stored and stored.startswith("scrypt$")


def test_bad_accounts_are_refused(store):
    store.add_user("ann", "analyst", "pw")
    with pytest.raises(ValueError, match="already exists"):
        store.add_user("ann", "admin", "other")
    with pytest.raises(ValueError, match="unknown role"):
        store.add_user("bob", "superuser", "pw")
    with pytest.raises(ValueError, match="name and a password"):
        store.add_user("carol", "analyst", "")
