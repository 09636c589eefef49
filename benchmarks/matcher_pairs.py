"""Labelled name pairs built from a real list snapshot, for training and evaluation.

True pairs: an entry's name against its own aliases (those in another script too, but
for the entries whose scripts `script_eval.py` holds out), and against realistic variants of
itself (typos, dropped or abbreviated words, reordering, transliteration variants,
legal-form changes, "SURNAME, Given" order). Hard negatives: the closest names of other
entries that the candidate index proposes for the same query, and the decoys of
`matcher_decoys.py` (other parties that share all but the words that name the listed one).
Entries are split by a stable hash of their id, so the evaluation set never shares an
entry with the training set whatever the seed. Offline code: the runtime package
(`detectors/matching`) never imports it.
"""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matcher_decoys import (
    LEGAL_FORMS,
    NamesakeVocabulary,
    company_named_after,
    generic_only,
    near_namesake,
    swap_distinctive,
)
from rapidfuzz import fuzz

from detectors.matching.features import PairContext, acronym_match
from detectors.matching.matcher import Matcher
from detectors.matching.names import AnalyzedName, normalize_address
from watchlists.model import items_of, record_of

SHORT_FORMS = {
    "communication": "comm",
    "communications": "comm",
    "group": "grp",
    "international": "intl",
    "technology": "tech",
    "technologies": "tech",
    "electronics": "elec",
    "electronic": "elec",
    "science": "sci",
    "manufacturing": "mfg",
    "import": "imp",
    "export": "exp",
    "company": "co",
    "corporation": "corp",
    "limited": "ltd",
    "industrial": "ind",
    "engineering": "eng",
    "university": "univ",
    "institute": "inst",
    "national": "natl",
}
SPELLING_VARIANTS = (
    ("x", "ks"),
    ("ks", "x"),
    ("ou", "u"),
    ("y", "i"),
    ("ph", "f"),
    ("mm", "m"),
    ("ee", "i"),
    ("kh", "h"),
    ("oo", "u"),
    ("j", "dj"),
    ("sh", "ch"),
    ("v", "w"),
)
PLACES = ("Shenzhen", "Guangzhou", "Beijing", "Shanghai", "Hong Kong", "Dubai", "Moscow")


def held_out(entry_id: str, share: float = 0.2) -> bool:
    """True for the entries kept for evaluation (stable across runs and seeds)."""
    return (zlib.crc32(entry_id.encode()) % 1000) < share * 1000


def script_half(entry_id: str) -> str:
    """`tune` or `held`: the halves of `script_eval.py` (its own salt, not the scorer's
    split). The held half's names in other scripts never become training pairs."""
    return "held" if zlib.crc32(f"script:{entry_id}".encode()) % 2 else "tune"


def typo(name: str, rng: random.Random) -> str:
    positions = [i for i, ch in enumerate(name) if ch.isalpha()]
    if len(positions) < 5:
        return name
    i = rng.choice(positions[1:])
    op = rng.choice(("swap", "drop", "double", "replace"))
    if op == "swap" and i + 1 < len(name):
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    if op == "drop":
        return name[:i] + name[i + 1 :]
    if op == "double":
        return name[:i] + name[i] + name[i:]
    return name[:i] + rng.choice("aeioustnrl") + name[i + 1 :]


def drop_word(name: str, rng: random.Random) -> str:
    words = name.split()
    if len(words) < 3:
        return name
    del words[rng.randrange(1, len(words))]
    return " ".join(words)


def abbreviate(name: str, rng: random.Random) -> str:
    words = [SHORT_FORMS.get(w.lower().strip(".,"), w) for w in name.split()]
    return " ".join(words).upper() if rng.random() < 0.5 else " ".join(words)


def reorder(name: str, rng: random.Random) -> str:
    words = name.replace(",", "").split()
    if len(words) < 2:
        return name
    k = rng.randrange(1, len(words))
    return " ".join(words[k:] + words[:k])


def respell(name: str, rng: random.Random) -> str:
    lowered = name.lower()
    options = [(a, b) for a, b in SPELLING_VARIANTS if a in lowered]
    if not options:
        return typo(name, rng)
    a, b = rng.choice(options)
    return lowered.replace(a, b, 1)


def change_legal_form(name: str, rng: random.Random) -> str:
    base = name
    for form in sorted(LEGAL_FORMS, key=len, reverse=True):
        if base.lower().endswith(form.lower()):
            base = base[: -len(form)].rstrip(" ,")
            break
    return f"{base} {rng.choice(LEGAL_FORMS)}" if rng.random() < 0.6 else base


def person_order(name: str, rng: random.Random) -> str:
    if "," in name:
        surname, given = name.split(",", 1)
        return f"{given.strip()} {surname.strip()}"
    return reorder(name, rng)


def add_place(name: str, rng: random.Random) -> str:
    return (
        f"{rng.choice(PLACES)} {name}" if rng.random() < 0.5 else f"{name} ({rng.choice(PLACES)})"
    )


PERTURBATIONS = {
    "entity": (typo, drop_word, abbreviate, reorder, respell, change_legal_form, add_place),
    "person": (typo, respell, person_order, drop_word),
}


def perturb(name: str, kind: str, rng: random.Random) -> str:
    ops = PERTURBATIONS["person" if kind == "person" else "entity"]
    out = name
    for op in rng.sample(ops, k=rng.choice((1, 1, 2))):
        out = op(out, rng)
    return out


@dataclass(frozen=True)
class PairSpec:
    """One labelled pair: a party (query) against one indexed list name."""

    query: str
    name_id: int
    label: int
    kind: str  # person/entity/unknown as the party states it
    country: str | None
    address: str | None
    variant: str  # alias, perturbed, exact, hard_negative


def _party_attributes(
    matcher: Matcher, row: int, rng: random.Random
) -> tuple[str, str | None, str | None]:
    """Kind, country and address a screened party would carry for this entry."""
    kind = matcher.entry_kinds[row] if rng.random() < 0.5 else "unknown"
    countries = sorted(matcher.entry_countries[row])
    roll = rng.random()
    country = rng.choice(countries) if countries and roll < 0.45 else None
    if roll > 0.9:
        country = rng.choice(("US", "SG", "MY", "HK", "CN", "AE", "DE", "RU"))
    addresses = [record_of(a)["text"] for a in items_of(matcher.entries["addresses"].iat[row])]
    address = rng.choice(addresses) if addresses and rng.random() < 0.1 else None
    return kind, country, address


def build_pairs(
    matcher: Matcher, evaluation: bool, seed: int, negatives_per_query: int = 3
) -> list[PairSpec]:
    """Labelled pairs over the training entries (`evaluation=False`) or the held-out ones."""
    rng = random.Random(seed)
    by_entry = pd.Series(np.arange(len(matcher.names.raw))).groupby(matcher.names.entry_row)
    positives: list[tuple[PairSpec, int]] = []
    decoys: list[PairSpec] = []
    namesakes = NamesakeVocabulary.of(matcher)
    scripts = np.asarray(matcher.names.script)
    for row, ids in by_entry:
        if held_out(matcher.entry_info[row]["entry_id"]) != evaluation:
            continue
        ids = ids.tolist()
        kind = matcher.entry_kinds[row]
        queries = [
            (matcher.names.raw[a], ids[0], "alias")
            for a in ids[1:4]
            if _alias_resembles(matcher, a, ids[0])
        ]
        # the entry's own names in another script than its primary name (real
        # renderings: the UN list's original-script names, the SDN's non-Latin aliases)
        entry_id = matcher.entry_info[row]["entry_id"]
        if evaluation or script_half(entry_id) == "tune":
            other_script = [a for a in ids[1:] if scripts[a] != scripts[ids[0]]]
            queries.extend((matcher.names.raw[a], ids[0], "script_alias") for a in other_script[:2])
        for _ in range(2):
            target = rng.choice(ids)
            variant = perturb(matcher.names.raw[target], kind, rng)
            if keeps_distinctive(matcher, variant, target):
                queries.append((variant, target, "perturbed"))
        misspelt = typo_in_long_word(matcher, ids[0], rng)
        if misspelt and rng.random() < 0.5:
            queries.append((misspelt, ids[0], "perturbed"))
        for query, target, variant in queries:
            party = _party_attributes(matcher, row, rng)
            positives.append((PairSpec(query, target, 1, *party, variant), row))
        for decoy in (swap_distinctive(matcher, ids[0], rng), generic_only(matcher, ids[0])):
            if decoy and rng.random() < 0.4:
                party = _party_attributes(matcher, row, rng)
                decoys.append(PairSpec(decoy, ids[0], 0, *party, "decoy"))
        for decoy in (
            near_namesake(matcher, ids[0], rng, namesakes),
            company_named_after(matcher, ids[0], rng),
        ):
            if decoy and rng.random() < 0.6:
                party = _party_attributes(matcher, row, rng)
                decoys.append(PairSpec(decoy, ids[0], 0, *party, "near_namesake"))
    return _with_hard_negatives(matcher, positives, negatives_per_query, rng) + decoys


def keeps_distinctive(matcher: Matcher, variant: str, name_id: int) -> bool:
    """A variant that lost every distinctive word of its name is no longer that name."""
    original = matcher.list_name(name_id)
    if not any(matcher.weights.distinctive(t) for t in original.tokens):
        return True
    return any(matcher.weights.distinctive(t) for t in matcher.analyze(variant).tokens)


def typo_in_long_word(matcher: Matcher, name_id: int, rng: random.Random) -> str | None:
    """The list name with one typo in its longest distinctive word (7+ letters): the
    misspelling a screened party's name most often carries."""
    raw = matcher.names.raw[name_id]
    words = [w for w in raw.split() if len(w.strip(".,()")) >= 7 and w.strip(".,()").isalpha()]
    words = [w for w in words if matcher.weights.distinctive(w.strip(".,()").lower())]
    if not words:
        return None
    longest = max(words, key=len)
    return raw.replace(longest, typo(longest, rng), 1)


def _alias_resembles(matcher: Matcher, alias: int, primary: int) -> bool:
    """An alias that shares nothing with the primary name (a former name, say) is a fact
    about the entry, not a name variant, and would teach the scorer nothing it can use."""
    a, b = matcher.list_name(alias), matcher.list_name(primary)
    if max(fuzz.token_sort_ratio(a.core, b.core), fuzz.ratio(a.compact, b.compact)) >= 70:
        return True
    return acronym_match(matcher.pair_context(a, primary)) > 0


def homonym(core: str, true_names: list[str]) -> bool:
    """A list name practically identical to one of the true entry's names: another party
    of the same name (or the same party on another list). A screening hit either way, so
    it is neither a fair positive nor a fair negative for the name scorer."""
    return any(
        fuzz.token_sort_ratio(core, t) >= 88
        or fuzz.ratio(core.replace(" ", ""), t.replace(" ", "")) >= 90
        for t in true_names
    )


def same_name_words(query: AnalyzedName, listed: AnalyzedName) -> bool:
    """The listed name has exactly the party's name words, and no legal form of one
    differs from the other's ("RAMCHARAN LTD" against another entry's "RAMCHARAN LTD",
    "NICO LIMITED" against "NICO"): no name matcher can tell them apart, so the pair is
    no fair negative. One word or one legal form different ("Deutsche Bank AG" against
    "Deutsche Bank GmbH") stays a negative."""
    if sorted(query.tokens) != sorted(listed.tokens):
        return False
    return not (query.legal_forms and listed.legal_forms) or (
        query.legal_forms == listed.legal_forms
    )


def _identity_groups(matcher: Matcher) -> dict[str, set[int]]:
    """Entries sharing a name (one party on several lists) must not be each other's negatives."""
    groups: dict[str, set[int]] = {}
    for core, row in zip(matcher.names.core, matcher.names.entry_row.tolist(), strict=True):
        groups.setdefault(core, set()).add(row)
    return groups


def _with_hard_negatives(
    matcher: Matcher, positives: list[tuple[PairSpec, int]], n: int, rng: random.Random
) -> list[PairSpec]:
    groups = _identity_groups(matcher)
    names_of_row = (
        pd.Series(matcher.names.core).groupby(matcher.names.entry_row).agg(list).to_dict()
    )
    specs: list[PairSpec] = []
    chunk = 512
    for start in range(0, len(positives), chunk):
        batch = positives[start : start + chunk]
        queries = [matcher.analyze(spec.query, spec.kind) for spec, _ in batch]
        pairs = matcher.candidate_pairs(queries, min_share=0.0)
        pairs["row"] = matcher.names.entry_row[pairs["name_id"].to_numpy()]
        by_query = pairs.groupby("query")
        for q, (spec, row) in enumerate(batch):
            specs.append(spec)
            same = set().union(*(groups[c] for c in names_of_row[row]))
            found = by_query.get_group(q) if q in by_query.groups else pairs.iloc[:0]
            chosen = found.loc[~found["row"].isin(same), "name_id"].head(n).tolist()
            if rng.random() < 0.3:  # an easy negative now and then keeps the scale honest
                chosen.append(rng.randrange(len(matcher.names.raw)))
            true_names = names_of_row[row]
            for name_id in chosen:
                if int(matcher.names.entry_row[name_id]) in same:
                    continue
                if homonym(matcher.names.core[name_id], true_names):
                    continue
                if same_name_words(queries[q], matcher.list_name(int(name_id))):
                    continue
                party = (spec.kind, spec.country, spec.address)
                specs.append(PairSpec(spec.query, int(name_id), 0, *party, "hard_negative"))
    return specs


def pair_features(matcher: Matcher, specs: list[PairSpec]) -> np.ndarray:
    from detectors.matching.matcher import feature_matrix

    contexts: list[PairContext] = []
    for spec in specs:
        query = matcher.analyze(spec.query, spec.kind)
        address = normalize_address(spec.address, matcher.settings.tables) if spec.address else None
        contexts.append(matcher.pair_context(query, spec.name_id, spec.country, address, spec.kind))
    return feature_matrix(contexts)


def pairs_frame(matcher: Matcher, specs: list[PairSpec]) -> pd.DataFrame:
    """The pairs as a readable frame (query, list name, entry type, label, variant)."""
    rows = matcher.names.entry_row[[s.name_id for s in specs]]
    return pd.DataFrame(
        {
            "query": [s.query for s in specs],
            "list_name": [matcher.names.raw[s.name_id] for s in specs],
            "entry_type": [matcher.entry_kinds[r] for r in rows],
            "label": [s.label for s in specs],
            "variant": [s.variant for s in specs],
        }
    )
