"""Passwords: the rule a new password must meet, argon2id hashing, and verification that
costs the same whether or not the account exists.

Hashes are argon2id with the parameters the OWASP Password Storage Cheat Sheet
recommends (19 MiB of memory, 2 passes, 1 lane). Hashes made by older versions (scrypt,
or argon2id with other parameters) still verify, and `verify` says when a hash should be
replaced, which the login does. At most `CONCURRENT_HASHES` hashes are computed at once
in a process, so a burst of logins cannot take more than that many times 19 MiB.

The password rule (NIST SP 800-63B, OWASP ASVS 2.1): 12 to 128 characters, and not a
common or easily guessed password. "Common" is judged by zxcvbn, whose built-in lists
include the 30,000 most frequent passwords of a published corpus of leaked passwords
(and English words, names and keyboard patterns): a password it estimates below 10^8
guesses is refused, with its reason.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from dataclasses import dataclass
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from zxcvbn import zxcvbn

from flows.errors import InputError

MIN_LENGTH = 12
MAX_LENGTH = 128
MIN_GUESSES_LOG10 = 8.0  # zxcvbn's score 3 ("safely unguessable: moderate protection")
CONCURRENT_HASHES = 2
_HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)  # argon2id
_SLOTS = threading.BoundedSemaphore(CONCURRENT_HASHES)


class PasswordRejected(InputError):
    """A new password that does not meet the rule; the message says why."""


def check_new_password(password: str, user_name: str = "") -> None:
    """Raise `PasswordRejected` unless `password` meets the rule."""
    if len(password) < MIN_LENGTH:
        raise PasswordRejected(f"the password needs at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise PasswordRejected(f"the password may have at most {MAX_LENGTH} characters")
    if user_name and user_name.casefold() in password.casefold():
        raise PasswordRejected("the password must not contain the user name")
    estimate = zxcvbn(password, user_inputs=[user_name, "redflag"], max_length=MAX_LENGTH)
    if estimate["guesses_log10"] < MIN_GUESSES_LOG10:
        warning = estimate["feedback"].get("warning") or "it is too easy to guess"
        raise PasswordRejected(
            f"the password is too common or easy to guess ({warning.rstrip('.')}); "
            "a few unrelated words make a good one"
        )


def hash_password(password: str) -> str:
    with _SLOTS:
        return _HASHER.hash(password)


@dataclass(frozen=True)
class Verified:
    ok: bool
    needs_rehash: bool = False


def verify_password(password: str, stored: str) -> Verified:
    """Check `password` against a stored hash (argon2id, or scrypt from older versions)."""
    with _SLOTS:
        if stored.startswith("scrypt$"):
            return Verified(_scrypt_matches(password, stored), needs_rehash=True)
        try:
            _HASHER.verify(stored, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return Verified(False)
        return Verified(True, _HASHER.check_needs_rehash(stored))


@cache
def _dummy_hash() -> str:
    return _HASHER.hash(secrets.token_urlsafe(24))


def verify_dummy(password: str) -> None:
    """Spend the time a real verification takes, for a name with no (usable) account."""
    verify_password(password, _dummy_hash())


def _scrypt_matches(password: str, stored: str) -> bool:
    """Hashes of redflag before argon2id: scrypt$N$r$p$salt$digest."""
    try:
        _, n, r, p, salt, digest = stored.split("$")
        candidate = hashlib.scrypt(
            password.encode("utf-8"), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p),
            maxmem=256 * 1024 * 1024,
        )  # fmt: skip
    except ValueError:
        return False
    return hmac.compare_digest(candidate.hex(), digest)
