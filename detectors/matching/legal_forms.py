"""Legal forms by their canonical form, from OpenSanctions' `rigour` organisation types.

A legal form found in a name is kept as a code "<kind>.<form>": the kind is rigour's
generic type (llc, jsc, lp, ...) and the form its comparison form ("Aktiengesellschaft"
and "AG" are both "jsc.ag", "OAO" and "Open Joint Stock Company" both of kind jsc,
"GmbH" is "llc.gmbh", "有限公司" and "Youxian Gongsi" are "llc.ltd"). Spellings rigour does
not know keep the code of configs/matching.yaml (`corp`, `company`, ...), without a kind.

Two names' forms agree when they share a kind. They clash when no kind is shared and
both carry a national form (AG against GmbH, OOO against OAO): English forms (Ltd,
Co., Ltd., Inc, LLC, PLC, JSC) are how other forms are translated ("股份有限公司" is
written "Co., Ltd." as often as "Joint Stock Company"), so they clash with nothing,
but for PLC against a private company's form (Ltd, LLC, Inc): a public limited company
is a form a private one cannot carry, "Silverbridge Shipping plc" is not "SILVER BRIDGE
SHIPPING CO., LIMITED".
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from rigour.names import extract_org_types

# rigour kinds kept as legal forms; the others (coop, ngo, ...) are words of the name
KINDS = frozenset({"llc", "jsc", "lp", "llp", "gp", "sole"})
# comparison forms that translate other forms rather than name one national form
ENGLISH_FORMS = frozenset(
    {"ltd", "coltd", "inc", "llc", "plc", "llp", "jsc", "corp", "co", "pte ltd", "lp"}
)


@lru_cache(maxsize=65_536)
def form_code(spelling: str) -> str | None:
    """The code of a whole legal-form spelling ("aktiengesellschaft" -> "jsc.ag"), or None
    when rigour does not read all of it as one legal form of a kept kind."""
    spelling = spelling.strip()
    if not spelling:
        return None
    generic = extract_org_types(spelling, generic=True)
    specific = extract_org_types(spelling)
    if len(generic) != 1 or len(specific) != 1 or generic[0][0] != spelling:
        return None
    kind = generic[0][1]
    if kind not in KINDS:
        return None
    return f"{kind}.{specific[0][1]}"


def kind_of(code: str) -> str | None:
    kind, dot, _ = code.partition(".")
    return kind if dot else None


def _native(code: str) -> bool:
    kind, dot, form = code.partition(".")
    return bool(dot) and form not in ENGLISH_FORMS


def forms_agree(a: Iterable[str], b: Iterable[str]) -> bool:
    """Some form of one name is the same form, or of the same kind, as one of the other."""
    a, b = set(a), set(b)
    if a & b:
        return True
    return bool({kind_of(c) for c in a} & {kind_of(c) for c in b} - {None})


# public companies' forms no private company carries, against the private kind
PUBLIC_ONLY = frozenset({"jsc.plc"})
PRIVATE_KIND = "llc"


def _public_against_private(a: set[str], b: set[str]) -> bool:
    return bool(a & PUBLIC_ONLY) and all(kind_of(c) == PRIVATE_KIND for c in b)


def forms_clash(a: Iterable[str], b: Iterable[str]) -> bool:
    """Both names carry a national legal form and no form of one is of a kind of the
    other's (AG against GmbH), or one is a public limited company (PLC) and the other
    only a private company's form (Ltd, LLC, Inc)."""
    a, b = set(a), set(b)
    if not a or not b or forms_agree(a, b):
        return False
    if _public_against_private(a, b) or _public_against_private(b, a):
        return True
    return any(_native(c) for c in a) and any(_native(c) for c in b)
