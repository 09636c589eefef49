"""The matcher: screens parties against every name, alias and address of a snapshot.

Per batch of distinct party names: the candidate index proposes a few hundred list names,
a cheap rapidfuzz score (`cpdist`, all cores) keeps the best few, and the calibrated
scorer gives each survivor a probability with its explanation. A party is a hit on an
entry when its best pair reaches the threshold of the entry's list and the party's role.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from detectors.matching.address import AddressBook
from detectors.matching.alignment import Alignment, TokenWeights
from detectors.matching.explain import explain_address_hit, explain_name_hit
from detectors.matching.features import FEATURE_NAMES, PairContext
from detectors.matching.index import CandidateIndex, core_without_forms
from detectors.matching.list_names import ListNames
from detectors.matching.names import AnalyzedName, analyze_name, normalize_address
from detectors.matching.pairs import reference_weights
from detectors.matching.parties import prepare_parties
from detectors.matching.ranking import group_starts, rank_within
from detectors.matching.settings import MatchSettings
from detectors.matching.transliteration import ScriptKeys, key_method, keyed
from detectors.matching.word_slips import compared
from flows.errors import StaleIndexError
from flows.runtime.bulk import collector_paused
from flows.runtime.forking import can_fork
from flows.runtime.memory import settle_long_lived
from flows.runtime.sharing import share_out
from watchlists.model import items_of, record_of

HIT_COLUMNS: tuple[str, ...] = (
    "party_id",
    "entry_id",
    "list",
    "list_code",
    "matched_name",
    "alias_strength",
    "match_kind",
    "score",
    "threshold",
    "explanation",
    "features",
)
CHUNK = 512
CACHE_FORMAT = "redflag-matcher-15"  # bump when the saved structures or name analysis change
Progress = Callable[[int, int], None]


NO_COUNTRIES: frozenset[str] = frozenset()
SMALL_LIST = 5_000  # below this many names, word rarity is taken from the reference lists
SHORT_KEY = 4  # letters of a name's keys below which they are compared whole, not as a set
LARGE_LIST = 100_000  # from this many names the matcher's objects are frozen (`settle_long_lived`)


def snapshot_weights(index: CandidateIndex, settings: MatchSettings) -> TokenWeights:
    """Word rarity over the snapshot; a small snapshot (a sample, the changes of a new
    list version) says little about which words are generic, so the reference lists'
    frequencies are used instead."""
    if index.size < SMALL_LIST:
        return reference_weights(settings)
    return TokenWeights(index.idf_table(), index.max_idf, settings.tables)


CRAFT_TYPES = frozenset({"vessel", "aircraft"})  # entries that are a ship or a plane


def entry_kind(entry_type: object) -> str:
    return {"person": "person", "entity": "entity"}.get(str(entry_type), "unknown")


class Matcher:
    """A built index plus everything needed to score and explain hits on one snapshot."""

    def __init__(
        self,
        entries: pd.DataFrame,
        names: ListNames,
        index: CandidateIndex,
        addresses: AddressBook,
        settings: MatchSettings,
        script_keys: ScriptKeys | None = None,
    ) -> None:
        self.entries = entries
        self.names = names
        self.index = index
        # the list names by the keys of their words across scripts (`transliteration`)
        self.script_keys = script_keys or ScriptKeys.build(
            names.analyzed_many(list(range(len(names.raw))))
        )
        self.addresses = addresses
        self.settings = settings
        self.weights = snapshot_weights(index, settings)
        self.entry_kinds = [entry_kind(t) for t in entries["type"]]
        self.entry_crafts = [str(t) in CRAFT_TYPES for t in entries["type"]]
        # entries without countries or addresses share one empty value (a synthetic list
        # of a million names has no countries: a million frozensets less to keep)
        self.entry_countries = [
            frozenset(c for c in items_of(cs) if isinstance(c, str) and c) or NO_COUNTRIES
            for cs in entries["countries"]
        ]
        self.entry_addresses = [
            tuple(normalize_address(record_of(a)["text"], settings.tables) for a in items_of(addrs))
            for addrs in entries["addresses"]
        ]
        self.entry_info = (
            entries[["entry_id", "list", "list_code", "name"]].astype(str).to_dict("records")
        )
        codes, self._list_codes = pd.factorize(entries["list_code"].astype(str))
        self._entry_list_code = codes.astype(np.int32)  # read per scored pair, not entry_info
        self._thresholds: dict[tuple[int, str], float] = {}
        self._threads = -1  # rapidfuzz threads: all cores, one in a screening worker process
        self._analyzed: dict[tuple[str, str], AnalyzedName] = {}
        if index.size >= LARGE_LIST:
            settle_long_lived()

    # ---- building and caching ---------------------------------------------------------

    @classmethod
    def build(cls, entries: pd.DataFrame, settings: MatchSettings) -> Matcher:
        """Index every name and alias of an entries frame (`entries_to_frame(...)`)."""
        entries = entries.reset_index(drop=True)
        rows, weak, analyzed = [], [], []
        for row, entry in enumerate(entries.itertuples(index=False)):
            kind = entry_kind(entry.type)
            candidates = [(str(entry.name), "strong")] + [
                (str(record_of(a)["name"]), record_of(a).get("strength", "strong"))
                for a in items_of(entry.aliases)
            ]
            seen: set[str] = set()
            for name, strength in candidates:
                a = analyze_name(name, settings.tables, kind)
                if not a.tokens or a.core in seen:
                    continue
                seen.add(a.core)
                rows.append(row)
                weak.append(strength == "weak")
                analyzed.append(a)
        names = ListNames.of(rows, weak, analyzed)
        index = CandidateIndex.build(analyzed, ngram=settings.ngram)
        book = AddressBook.build(
            [
                [(record_of(a)["text"], record_of(a).get("country")) for a in items_of(addrs)]
                for addrs in entries["addresses"]
            ],
            settings.tables,
        )
        return cls(entries, names, index, book, settings, ScriptKeys.build(analyzed))

    def save(self, path: Path) -> None:
        built = (self.entries, self.names, self.index, self.addresses, self.script_keys)
        state = (CACHE_FORMAT, self.settings.build_key, *built)
        with Path(path).open("wb") as fh:
            pickle.dump(state, fh, protocol=pickle.HIGHEST_PROTOCOL)

    @classmethod
    def load(cls, path: Path, settings: MatchSettings) -> Matcher:
        with Path(path).open("rb") as fh:
            state = pickle.load(fh)
        if not isinstance(state, tuple) or state[0] != CACHE_FORMAT:
            raise StaleIndexError(f"{path} was built by another version of the matcher; rebuild it")
        if state[1] != settings.build_key:
            raise StaleIndexError(f"{path} was built with other name tables or n-grams; rebuild it")
        _, _, entries, names, index, addresses, script_keys = state
        return cls(entries, names, index, addresses, settings, script_keys)

    def analyze(self, name: str, kind: str = "unknown") -> AnalyzedName:
        key = (name, kind)
        found = self._analyzed.get(key)
        if found is None:
            if len(self._analyzed) > 500_000:
                self._analyzed.clear()
            found = self._analyzed[key] = analyze_name(name, self.settings.tables, kind)
        return found

    def list_name(self, name_id: int) -> AnalyzedName:
        return self.names.analyzed(name_id)

    # ---- screening --------------------------------------------------------------------

    def candidate_pairs(
        self, queries: list[AnalyzedName], min_share: float | None = None
    ) -> pd.DataFrame:
        """(query, name_id, prefilter) for the best few list names of each query;
        `min_share` overrides the settings' `min_evidence_share` (labelled pairs take
        every look-alike the index finds, whatever screening is tuned to)."""
        s = self.settings
        found = self.index.candidates_many(
            queries,
            s.candidates_per_query,
            s.max_token_df,
            s.ngrams_per_query,
            s.postings_budget,
            s.min_evidence_share if min_share is None else min_share,
            s.word_cover_bonus,
        )
        # list names written in another script than the query, found by their keys
        across = self.script_keys.candidates_many(
            queries, s.candidates_per_query, s.postings_budget
        )
        found = [np.union1d(f, a) if len(a) else f for f, a in zip(found, across, strict=True)]
        qi = np.repeat(np.arange(len(queries)), [len(f) for f in found])
        ci = np.concatenate(found) if found else np.empty(0, dtype=np.int32)
        if not len(ci):
            return pd.DataFrame({"query": qi, "name_id": ci, "prefilter": np.empty(0)})
        q_core = np.asarray([q.core for q in queries], dtype=object)[qi]
        q_compact = np.asarray([q.compact for q in queries], dtype=object)[qi]
        c_core = self.names.packed_core.take(ci)
        c_compact = [c.replace(" ", "") for c in c_core]
        threads = self._threads
        set_score = process.cpdist(q_core, c_core, scorer=fuzz.token_set_ratio, workers=threads)
        # a legal form left among the party name's words weighs as a list name's does: none
        bare = np.asarray([core_without_forms(q, s.tables.legal_forms) for q in queries])[qi]
        other = np.flatnonzero(bare != q_core)
        if len(other):
            set_score[other] = np.maximum(
                set_score[other],
                process.cpdist(
                    bare[other],
                    [c_core[i] for i in other.tolist()],
                    scorer=fuzz.token_set_ratio,
                    workers=threads,
                ),
            )
        compact = process.cpdist(q_compact, c_compact, scorer=fuzz.ratio, workers=threads)
        prefilter = np.maximum(set_score, compact) / 100.0
        self._prefilter_across_scripts(queries, qi, ci, prefilter)
        starts = group_starts(qi)
        best = np.maximum.reduceat(prefilter, starts)
        best_of = np.repeat(best, np.diff(np.r_[starts, len(qi)]))
        kept = np.flatnonzero(
            (prefilter >= s.prefilter) & (prefilter >= best_of - s.prefilter_margin)
        )
        # best first within a query; the closer compact spelling breaks ties between names
        order = kept[np.lexsort((-compact[kept], -prefilter[kept], qi[kept]))]
        entry = self.names.entry_row[ci[order]]
        within = rank_within(qi[order], entry)
        order, within = order[within < s.names_per_entry], within[within < s.names_per_entry]
        # at equal cheap scores an entry not yet taken goes before another name of one taken
        order = order[np.lexsort((within, -compact[order], -prefilter[order], qi[order]))]
        # the list names holding every word of the party name ("Bonggewen" in "Bonggewen
        # Logistics Industrial"), or whose every word it holds, tie at the top of the cheap
        # score: they are all scored, up to `scored_holding_per_query`, not the first few
        rank = rank_within(qi[order])
        holding = set_score[order] >= 100
        order = order[(rank < s.scored_per_query) | (holding & (rank < s.scored_holding_per_query))]
        return pd.DataFrame(
            {"query": qi[order], "name_id": ci[order], "prefilter": prefilter[order]}
        )

    def _prefilter_across_scripts(
        self, queries: list[AnalyzedName], qi: np.ndarray, ci: np.ndarray, prefilter: np.ndarray
    ) -> None:
        """The cheap score of pairs of names in two scripts, on their words' keys (the
        consonant skeleton against Arabic script, the transliteration key otherwise):
        their folded spellings differ however alike the names are."""
        q_script = np.asarray([q.script != "latin" for q in queries], dtype=bool)[qi]
        q_arabic = np.asarray([q.arabic for q in queries], dtype=bool)[qi]
        c_script = self.names.script[ci] != 0
        c_arabic = self.names.arabic[ci]
        across = np.flatnonzero(
            (q_script | c_script) & (q_script != c_script) | (q_arabic != c_arabic)
        )
        if not len(across):
            return
        listed = self.names.analyzed_many(ci[across].tolist())
        q_keys, c_keys = [], []
        for q, candidate in zip(qi[across].tolist(), listed, strict=True):
            method = key_method(queries[q], candidate)
            if method is None:
                q_keys.append(queries[q].core)
                c_keys.append(candidate.core)
            else:
                q_keys.append(" ".join(keyed(queries[q].tokens, method)))
                c_keys.append(" ".join(keyed(candidate.tokens, method)))
        score = process.cpdist(q_keys, c_keys, scorer=fuzz.token_set_ratio, workers=self._threads)
        # keys of a few letters are the keys of many names: one of them inside a longer
        # name ("sd", "El-aichDhou", in "sd hmd shd kl") is no reason to score the pair
        whole = process.cpdist(q_keys, c_keys, scorer=fuzz.ratio, workers=self._threads)
        letters = np.asarray(
            [min(_letters(q), _letters(c)) for q, c in zip(q_keys, c_keys, strict=True)]
        )
        score = np.where(letters < SHORT_KEY, whole, score)
        prefilter[across] = np.maximum(prefilter[across], score / 100.0)

    def pair_context(
        self,
        query: AnalyzedName,
        name_id: int,
        country: Any = None,
        address: Any = None,
        kind: str = "unknown",
        aligned: tuple[AnalyzedName, AnalyzedName, Alignment] | None = None,
    ) -> PairContext:
        """`aligned`: the two names as compared and their alignment (`aligned`), when
        already worked out (one name borne by parties at several addresses)."""
        query, candidate, alignment = aligned or self.aligned(query, name_id)
        row = int(self.names.entry_row[name_id])
        return PairContext(
            query=query,
            candidate=candidate,
            alignment=alignment,
            weights=self.weights,
            query_country=country if isinstance(country, str) and country else None,
            query_address=address,
            query_type=kind,
            entry_countries=self.entry_countries[row],
            entry_addresses=self.entry_addresses[row],
            entry_type=self.entry_kinds[row],
            entry_craft=self.entry_crafts[row],
            weak_alias=bool(self.names.weak[name_id]),
        )

    def aligned(
        self, query: AnalyzedName, name_id: int
    ) -> tuple[AnalyzedName, AnalyzedName, Alignment]:
        """The query and the list name as compared (a legal form or a generic word
        written with a slip read as the other's: `word_slips`), and their alignment."""
        return compared(query, self.list_name(name_id), self.weights)

    def screen(self, parties: pd.DataFrame, progress: Progress | None = None) -> pd.DataFrame:
        """One row per (party, entry) hit at or above its threshold (`HIT_COLUMNS`)."""
        parties = prepare_parties(parties)
        parties["address_norm"] = self._normalized_addresses(parties["address"])
        # distinct (name, kind) in order of first appearance; the parties sorted by them,
        # so a chunk of names is handed only the parties that bear those names
        codes, _ = pd.factorize(parties["name"] + "\x1f" + parties["kind"])
        order = np.argsort(codes, kind="stable")
        codes = codes[order]
        by_name = parties.iloc[order].reset_index(drop=True)
        first = np.r_[0, np.flatnonzero(codes[1:] != codes[:-1]) + 1] if len(codes) else codes
        keys = by_name.loc[first, ["name", "kind"]].reset_index(drop=True)
        hits: list[dict[str, Any]] = []
        total = len(keys)
        bounds = np.searchsorted(codes, np.arange(0, total + CHUNK, CHUNK).clip(max=total))
        chunks = [
            (keys.iloc[start : start + CHUNK], by_name.iloc[bounds[i] : bounds[i + 1]])
            for i, start in enumerate(range(0, total, CHUNK))
        ]
        # screening makes no reference cycles; the collector's walks over what lives on were
        # a tenth of a loaded matcher's screening (forked helpers inherit the pause)
        with collector_paused():
            for done, found in enumerate(self._screen_chunks(chunks), start=1):
                hits.extend(found)
                if progress:
                    progress(min(done * CHUNK, total), total)
        hits.extend(self._screen_addresses(parties))
        frame = pd.DataFrame(hits, columns=list(HIT_COLUMNS))
        if frame.empty:
            return frame
        frame = frame.sort_values("score", ascending=False, kind="stable")
        frame = frame.drop_duplicates(["party_id", "entry_id"]).reset_index(drop=True)
        return frame

    def _normalized_addresses(self, addresses: pd.Series) -> list[str | None]:
        """Each distinct address normalized once (many parties share one)."""
        distinct = {a: None for a in addresses if a}
        normal = {a: normalize_address(a, self.settings.tables) for a in distinct}
        return [normal[a] if a else None for a in addresses]

    def _screen_chunks(
        self, chunks: list[tuple[pd.DataFrame, pd.DataFrame]]
    ) -> Iterator[list[dict[str, Any]]]:
        """Hits chunk by chunk, in order; a large input is shared between this process and
        forked helpers (`share_out`: they share the built index without copying it)."""
        workers = self.settings.screen_workers
        if workers <= 1 or len(chunks) < self.settings.parallel_min_chunks or not can_fork():
            for names, bearers in chunks:
                yield self._screen_names(names, bearers)
            return
        threads, self._threads = self._threads, 1  # one core per process; helpers inherit it
        try:
            yield from share_out(lambda i: self._screen_names(*chunks[i]), len(chunks), workers - 1)
        finally:
            self._threads = threads

    def _screen_names(self, keys: pd.DataFrame, parties: pd.DataFrame) -> list[dict[str, Any]]:
        queries = [self.analyze(n, k) for n, k in zip(keys["name"], keys["kind"], strict=True)]
        pairs = self.candidate_pairs(queries)
        if pairs.empty:
            return []
        # each (name, list name) pair is aligned once, whatever the parties bearing it
        listed = self.names.analyzed_many(pairs["name_id"].tolist())
        aligned = [
            compared(queries[q], candidate, self.weights)
            for q, candidate in zip(pairs["query"].tolist(), listed, strict=True)
        ]
        pairs["pair"] = np.arange(len(pairs))
        pairs["name"] = keys["name"].to_numpy()[pairs["query"].to_numpy()]
        pairs["kind"] = keys["kind"].to_numpy()[pairs["query"].to_numpy()]
        scored = pairs.merge(parties, on=["name", "kind"])
        name_ids = scored["name_id"].tolist()
        contexts = [
            self.pair_context(queries[q], n, c, a, k, aligned[p])
            for q, n, c, a, k, p in zip(
                scored["query"].tolist(),
                name_ids,
                scored["country"].tolist(),
                scored["address_norm"].tolist(),
                scored["kind"].tolist(),
                scored["pair"].tolist(),
                strict=True,
            )
        ]
        x = feature_matrix(contexts)
        scores = self.settings.model.probability(x)
        rows = self.names.entry_row[name_ids].tolist()
        codes = self._entry_list_code[rows].tolist()
        out = []
        for i, (party_id, role) in enumerate(zip(scored["party_id"], scored["role"], strict=True)):
            threshold = self._threshold(codes[i], role)
            if scores[i] < threshold:
                continue
            entry = self.entry_info[rows[i]]
            ctx = contexts[i]
            out.append(
                {
                    "party_id": party_id,
                    "entry_id": entry["entry_id"],
                    "list": entry["list"],
                    "list_code": entry["list_code"],
                    "matched_name": ctx.candidate.raw,
                    "alias_strength": "weak" if ctx.weak_alias else "strong",
                    "match_kind": "name",
                    "score": round(float(scores[i]), 4),
                    "threshold": threshold,
                    "explanation": explain_name_hit(
                        ctx, x[i], float(scores[i]), entry, self.settings.model
                    ),
                    "features": dict(zip(FEATURE_NAMES, np.round(x[i], 4).tolist(), strict=True)),
                }
            )
        return out

    def _threshold(self, list_code: int, role: str) -> float:
        key = (list_code, role)
        found = self._thresholds.get(key)
        if found is None:
            found = self._thresholds[key] = self.settings.threshold(
                self._list_codes[list_code], role
            )
        return found

    def _screen_addresses(self, parties: pd.DataFrame) -> list[dict[str, Any]]:
        with_address = parties[parties["address"].notna()].reset_index(drop=True)
        if with_address.empty:
            return []
        threshold = self.settings.address_threshold
        found = self.addresses.screen(
            with_address["address"].tolist(),
            with_address["country"].tolist(),
            threshold,
            self.settings.tables,
        )
        out = []
        for q, row, listed, score in found.itertuples(index=False):
            entry = self.entry_info[int(row)]
            party = with_address.iloc[int(q)]
            out.append(
                {
                    "party_id": party["party_id"],
                    "entry_id": entry["entry_id"],
                    "list": entry["list"],
                    "list_code": entry["list_code"],
                    "matched_name": str(entry["name"]),
                    "alias_strength": "strong",
                    "match_kind": "address",
                    "score": round(float(score), 4),
                    "threshold": threshold,
                    "explanation": explain_address_hit(
                        party["address"], listed, float(score), entry
                    ),
                    "features": {"address": round(float(score), 4)},
                }
            )
        return out


def feature_matrix(contexts: list[PairContext]) -> np.ndarray:
    from detectors.matching.features import feature_vector

    if not contexts:
        return np.zeros((0, len(FEATURE_NAMES)))
    return np.asarray([feature_vector(c) for c in contexts], dtype=float)


def _letters(keys: str) -> int:
    return len(keys) - keys.count(" ")
