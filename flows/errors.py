"""The project's errors: one base, a few kinds, each with the exit code a user sees.

The command line turns a `RedflagError` into one line on stderr and its `exit_code`;
anything else that escapes a command is reported as an internal failure (exit 1), so a
bug is never shown as bad input (docs/ARCHITECTURE.md, "Errors").

    RedflagError                 the base; exit_code 2 unless a kind says otherwise
    ├── InputError               a file, row, option or request the user gave is unusable
    │   └── ListFormatError      a file is not the restricted-party list it claims to be
    ├── ConfigError              a settings file, column map or configs/ YAML is wrong
    │   └── PackError            a policy pack (rules, layers, parameters) is wrong
    ├── StaleIndexError          a cache in the workspace was built by another version (exit 1)
    └── RunFailure               the run could not be carried out; not the user's input (exit 1)

The input, config and stale-index kinds also derive from `ValueError` (what they were
raised as before), so code and tests that catch `ValueError` keep working; the command line
looks at the kind first. This module imports nothing of ours: every package may use it.
"""

from __future__ import annotations


class RedflagError(Exception):
    """A failure the project knows how to explain in one line; `exit_code` is what the
    command line returns for it."""

    exit_code: int = 2


class InputError(RedflagError, ValueError):
    """Bad input: a file that cannot be read, a missing column, an option or a request
    that cannot be honoured. Exit 2."""


class ListFormatError(InputError):
    """A file that is not a restricted-party list, or not the format it claims. Exit 2."""


class ConfigError(RedflagError, ValueError):
    """A settings value, column map or configs/ YAML entry that is wrong. Exit 2."""


class PackError(ConfigError):
    """A policy pack, its layers or its rule parameters are wrong. Exit 2."""


class StaleIndexError(RedflagError, ValueError):
    """A cache kept in the workspace (a matcher index, say) was built by another version of
    the code and must be rebuilt. Not bad input, not a bug: exit 1, with what to do."""

    exit_code = 1


class RunFailure(RedflagError, RuntimeError):
    """The run could not be carried out for a reason outside the user's input (the
    orchestration server did not start, a download failed). Exit 1."""

    exit_code = 1


def first_line(error: BaseException) -> str:
    """The error's message cut to its first line, or its class name when it has none."""
    text = str(error)
    return text.splitlines()[0] if text.strip() else type(error).__name__
