"""The "independent" clean population: customers, names and end uses written from how GPU
and server buyers describe themselves, not from what the detectors look for.

Each customer has a sector (a finer grain than the standard population's industries: a
render studio, a hospital, a fintech, a telco, a cloud reseller, a distributor selling in its
own country, ...). A sector gives the words in the company's name, the shapes its name takes
("{city} University Hospital", "{brand} Render Works") and the end uses its buyers type into an
order, in English and, for some countries, their own language. Ordinary wording that sounds
alarming out of context is kept on purpose: render and server farms, data and process
mining, algorithmic trading, nuclear medicine, "not for military use".

Brand names come from pools of their own (kept apart from the restricted-list syllables in
`geography.LIST_PREFIXES`), by naming style per country. Everything is drawn column-wise;
loops run over sectors or styles, never over customers."""

from flows.synthetic.independent.customers import client_names, customer_names
from flows.synthetic.independent.end_use_forms import end_uses
from flows.synthetic.independent.sectors import ACADEMIC_SECTORS, pick_sectors
from flows.synthetic.independent.templates import country_words

__all__ = [
    "ACADEMIC_SECTORS", "client_names", "country_words", "customer_names", "end_uses",
    "pick_sectors",
]  # fmt: skip
