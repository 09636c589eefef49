"""The indexed names of a snapshot (primary names and aliases) and their analysis."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from detectors.matching.names import AnalyzedName
from detectors.matching.numbers import numbers_of
from detectors.matching.packed import PackedText

NO_NUMBERS: frozenset[str] = frozenset()


@dataclass
class ListNames:
    """One row per indexed name (primary names and aliases), with its analysis kept so
    that screening never analyses a list name again."""

    entry_row: np.ndarray  # int32
    weak: np.ndarray  # bool
    raw: list[str]
    core: list[str]
    full: list[str]  # tokens before the legal forms were set aside, space-joined
    form_sets: list[frozenset[str]]  # distinct sets of legal forms
    forms: np.ndarray  # int16 per name: its set of legal forms in `form_sets`
    reordered: np.ndarray  # bool: "SURNAME, Given" was turned into "Given SURNAME"
    scripts: list[str]  # distinct scripts the names were written in ("latin" first)
    script: np.ndarray  # int8 per name: its script in `scripts`
    arabic: np.ndarray  # bool: written (in part) in Arabic script
    # the names with business words read as their English word: name id -> (word, English)
    translated: dict[int, tuple[tuple[str, str], ...]]

    @classmethod
    def of(cls, rows: list[int], weak: list[bool], analyzed: list[AnalyzedName]) -> ListNames:
        form_sets: dict[frozenset[str], int] = {}
        forms = [form_sets.setdefault(a.legal_forms, len(form_sets)) for a in analyzed]
        scripts: dict[str, int] = {"latin": 0}
        script = [scripts.setdefault(a.script, len(scripts)) for a in analyzed]
        return cls(
            entry_row=np.asarray(rows, dtype=np.int32),
            weak=np.asarray(weak, dtype=bool),
            raw=[a.raw for a in analyzed],
            core=[a.core for a in analyzed],
            full=[" ".join(a.full_tokens) for a in analyzed],
            form_sets=list(form_sets),
            forms=np.asarray(forms, dtype=np.int16),
            reordered=np.asarray([a.reordered for a in analyzed], dtype=bool),
            scripts=list(scripts),
            script=np.asarray(script, dtype=np.int8),
            arabic=np.asarray([a.arabic for a in analyzed], dtype=bool),
            translated={i: a.translated for i, a in enumerate(analyzed) if a.translated},
        )

    def __post_init__(self) -> None:
        self._pack()

    def __getstate__(self) -> dict[str, object]:
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_")}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._pack()

    def _pack(self) -> None:
        """The texts again, packed: screening reads them without touching their objects."""
        self._raw, self._core, self._full = (
            PackedText(t) for t in (self.raw, self.core, self.full)
        )

    @property
    def packed_core(self) -> PackedText:
        return self._core

    def foreign(self) -> np.ndarray:
        """Ids of the names written in a script other than Latin."""
        return np.flatnonzero(self.script != 0)

    def analyzed(self, name_id: int) -> AnalyzedName:
        return self.analyzed_many([name_id])[0]

    def analyzed_many(self, name_ids: list[int]) -> list[AnalyzedName]:
        """The analysis of each name, its texts gathered for all of them at once."""
        ids = np.asarray(name_ids, dtype=np.int64)
        form_sets, scripts, translated = self.form_sets, self.scripts, self.translated
        return [
            AnalyzedName(
                raw=raw,
                tokens=(tokens := tuple(core.split())),
                legal_forms=form_sets[form],
                numbers=numbers_of(tokens)
                if not core.replace(" ", "").isalpha()  # letters only: no digit (most names)
                else NO_NUMBERS,
                reordered=reordered,
                full_tokens=tuple(full.split()),
                arabic=arabic,
                script=scripts[script],
                translated=translated.get(name_id, ()),
            )
            for name_id, raw, core, full, form, reordered, arabic, script in zip(
                ids.tolist(),
                self._raw.take(ids),
                self._core.take(ids),
                self._full.take(ids),
                self.forms[ids].tolist(),
                self.reordered[ids].tolist(),
                self.arabic[ids].tolist(),
                self.script[ids].tolist(),
                strict=True,
            )
        ]
