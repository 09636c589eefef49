"""The words of two names made comparable before they are aligned (`alignment.align`):
words one name writes apart and the other as one word joined (split words, letters,
Arabic compounds: `compound_names`), and the words only one name gives set aside (a
legal form the other kept among its words, a lone patronymic)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection

from detectors.matching.names import AnalyzedName


def rejoin(
    tokens: tuple[str, ...],
    other: tuple[str, ...],
    any_order: bool = True,
    places: Collection[str] = (),
) -> tuple[str, ...]:
    """Two tokens whose concatenation is a token of the other name that this one lacks,
    joined ("patr ushev" against "patrushev", "hong yuan" against "hongyuan"); so are
    three tokens in a row ("chong chon gang" against "chongchongang"). A person's names
    join in either order ("sergei chemezov" against "chemezovsergei", the family name
    first); with `any_order` False (a company's name) only in the order written: "jin tai"
    is not "taijin", but for a place of several words one name writes as one (`places`:
    "east ... middle" against "middleeast")."""
    if len(tokens) < 2:
        return tokens
    mine = set(tokens)
    wanted = {t for t in other if t not in mine and len(t) >= 4}
    # most pairs have no such token: look for a split of a wanted token into two of
    # this name's (or a word of this name and a rest) before pairing every two tokens
    wanted = {t for t in wanted if any(t[:k] in mine for k in range(1, len(t)))}
    if not wanted:
        return tokens
    out = list(_joined_runs(tokens, wanted))
    spare = Counter(out)  # copies of a token beyond those the other name has
    spare.subtract(Counter(other))
    for i in range(len(out)):
        for j in range(len(out)):
            if i == j or not out[i] or not out[j] or out[i] in wanted or out[j] in wanted:
                continue
            if j < i and not any_order and out[i] + out[j] not in places:
                continue
            joined = out[i] + out[j]
            if joined in wanted and spare[out[i]] > 0 and spare[out[j]] > 0:
                out[i], out[j] = joined, ""
                wanted.discard(joined)
    return tuple(t for t in out if t)


def rejoin_both(
    q: tuple[str, ...], c: tuple[str, ...], any_order: bool, places: Collection[str]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """`rejoin` of each name against the other as written."""
    return rejoin(q, c, any_order, places), rejoin(c, q, any_order, places)


def _joined_runs(tokens: tuple[str, ...], wanted: set[str]) -> tuple[str, ...]:
    """Three tokens in a row whose concatenation is a wanted token, joined."""
    out = list(tokens)
    for i in range(len(out) - 2):
        joined = out[i] + out[i + 1] + out[i + 2]
        if all(out[i : i + 3]) and joined in wanted:
            out[i : i + 3] = [joined, "", ""]
            wanted.discard(joined)
    return tuple(t for t in out if t)


def join_letters(tokens: tuple[str, ...], other: tuple[str, ...]) -> tuple[str, ...]:
    """Letters written apart that the other name writes as one word, joined ("M D S
    THMORDA" against "MDS THMORDA")."""
    if len(tokens) < 2 or not any(len(t) == 1 for t in tokens):
        return tokens
    words = set(other)
    out: list[str] = []
    run: list[str] = []
    for token in (*tokens, ""):
        if len(token) == 1 and token.isalpha():
            run.append(token)
            continue
        joined = "".join(run)
        out.extend([joined] if len(run) >= 2 and joined in words else run)
        run = []
        if token:
            out.append(token)
    return tuple(out)


def without_forms_of(tokens: tuple[str, ...], other: AnalyzedName) -> tuple[str, ...]:
    if len(other.full_tokens) == len(other.tokens) or len(tokens) < 2:
        return tokens
    forms = set(other.full_tokens) - set(other.tokens)
    kept = tuple(t for t in tokens if t not in forms)
    return kept or tokens


# a patronymic (Sergeevich, Viktorovna, Leonidovych, Uladzimiravich, Ivanivna): a name
# the lists give in full and others often leave out
_PATRONYMIC = re.compile(r"^[a-z]{3,}(?:[oe]v|[aiy]?ev|av|iv)(?:ich|ych|itch|na)$|^[a-z]{3,}ichna$")


def without_lone_patronymic(
    q_tokens: tuple[str, ...], c_tokens: tuple[str, ...]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Two persons' names of which only one gives a patronymic, without it ("ZALDOSTANOV,
    Aleksandr" against "ZALDASTANOV, Aleksandr Sergeevich"); two patronymics are
    compared as any two words."""
    q_pat = [t for t in q_tokens if _PATRONYMIC.match(t)]
    c_pat = [t for t in c_tokens if _PATRONYMIC.match(t)]
    if bool(q_pat) == bool(c_pat):
        return q_tokens, c_tokens
    if q_pat and len(q_tokens) > len(q_pat) + 1:
        return tuple(t for t in q_tokens if t not in q_pat), c_tokens
    if c_pat and len(c_tokens) > len(c_pat) + 1:
        return q_tokens, tuple(t for t in c_tokens if t not in c_pat)
    return q_tokens, c_tokens
