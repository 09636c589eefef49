"""Synthetic order books with labelled diversion typologies, and the matching fictional
restricted-party list (for the demo, tests and evaluation)."""

from flows.synthetic.generator import LABEL_COLUMNS, SyntheticData, generate
from flows.synthetic.orders import OUTPUT_COLUMNS
from flows.synthetic.params import PROFILES, TYPOLOGIES, GeneratorParams
from flows.synthetic.writers import CSL_COLUMNS, write_csl_csv, write_labels, write_transactions

__all__ = [
    "CSL_COLUMNS",
    "LABEL_COLUMNS",
    "OUTPUT_COLUMNS",
    "PROFILES",
    "TYPOLOGIES",
    "GeneratorParams",
    "SyntheticData",
    "generate",
    "write_csl_csv",
    "write_labels",
    "write_transactions",
]
