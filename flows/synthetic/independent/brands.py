"""Brand names of the independent population, from pools of their own (kept apart from the
restricted-list syllables in `geography.LIST_PREFIXES`), by naming style per country."""

from __future__ import annotations

import numpy as np
import pandas as pd

from flows.synthetic.independent.templates import draw

# fmt: off
# Brand pools by naming style: (first parts, second parts); a brand is one of each.
BRANDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "west": (("Kestrel", "Lumen", "Harbor", "Juniper", "Meridian", "Tessel", "Corvid", "Halcyon",
              "Brightwater", "Ironbark", "Quarry", "Larkspur", "Tidewater", "Cinder", "Orchid",
              "Saffron", "Marble", "Copper", "Lantern", "Heron", "Willow", "Foxglove", "Anvil",
              "Sextant", "Compass", "Keystone", "Bluefin", "Moraine", "Basalt", "Nimbus"),
             ("", "", "", "light", "works", "field", "point", "stream", "line", "forge", "gate",
              "view", "leaf")),
    "pinyin": (("Jia", "Bo", "Yun", "Hao", "Chuang", "Ming", "Jing", "Tong", "Yi", "Rong",
                "Zhong", "Hai", "Feng", "Ke", "An"),
               ("hong", "tian", "yu", "da", "sheng", "hui", "ze", "chen", "ning", "jie", "fei")),
    "japanese": (("Aozora", "Hinata", "Midori", "Kawa", "Yama", "Asahi", "Hoshi", "Kaze",
                  "Umi", "Tsuki"), ("", " Systems", " Denki", " Joho", " Giken")),
    "korean": (("Hanul", "Saerom", "Bitna", "Areum", "Haneul", "Dasom", "Narae", "Yerim"),
               ("", " Tech", " Soft", " Data")),
    "indian": (("Akash", "Vayu", "Prithvi", "Tara", "Neel", "Surya", "Kaveri", "Deccan",
                "Ganga", "Himal", "Indus", "Sahyadri"), ("", " Infotech", " Soft", " Digital",
                                                         " Data", " Compute")),
    "latin": (("Araucaria", "Ipê", "Jacaranda", "Cerrado", "Pampa", "Sertão", "Paraná",
               "Tucano", "Guará", "Mangue"), ("", " Tec", " Digital", " Dados", " Sistemas")),
    "arabic": (("Al Noor", "Al Waha", "Sahara", "Nakheel", "Marjan", "Zayed Park", "Al Fajr",
                "Dana", "Layan", "Rimal"), ("", " Digital", " Technologies", " Data",
                                            " Systems")),
    "hebrew": (("Tzafon", "Kinneret", "Arava", "Negev", "Yarden", "Carmel", "Gilboa",
                "Tavor"), ("", " Labs", " Systems", " Technologies", " Vision")),
    "vietnamese": (("Sao Mai", "Bach Dang", "Hong Ha", "Truong Son", "Cuu Long", "Thang Long",
                    "Song Han", "Lac Hong"), ("", " Tech", " Digital", " Data", " Soft")),
    "malay": (("Cahaya", "Bayu", "Gemilang", "Seri", "Mutiara", "Nusantara", "Permata",
               "Suria"), ("", " Teknologi", " Digital", " Data", " Sistem")),
    "thai": (("Siri", "Chao Phraya", "Rattana", "Kasem", "Sukhothai", "Lanna"),
             ("", " Tech", " Digital", " Data")),
    "turkish": (("Anka", "Bosphorus", "Toros", "Ege", "Kapadokya", "Yildiz"),
                ("", " Bilisim", " Teknoloji", " Yazilim")),
}
STYLE_BY_COUNTRY = {
    "CN": "pinyin", "HK": "pinyin", "MO": "pinyin", "TW": "pinyin", "SG": "west", "JP": "japanese",
    "KR": "korean", "IN": "indian", "BR": "latin", "MX": "latin", "CL": "latin", "ES": "latin",
    "AE": "arabic", "SA": "arabic", "IL": "hebrew", "VN": "vietnamese", "MY": "malay",
    "ID": "malay", "TH": "thai", "TR": "turkish",
}  # fmt: skip
# fmt: on


def brands(rng: np.random.Generator, countries: np.ndarray) -> np.ndarray:
    """A brand per customer in its country's naming style (English-style where none is set)."""
    n = len(countries)
    style = pd.Series(countries, dtype=object).map(STYLE_BY_COUNTRY).fillna("west")
    style = style.to_numpy(dtype=object)
    out = np.empty(n, dtype=object)
    for name, (first, second) in BRANDS.items():
        rows = np.flatnonzero(style == name)
        joined = draw(rng, first, len(rows)) + draw(rng, second, len(rows))
        out[rows] = joined
    return out
