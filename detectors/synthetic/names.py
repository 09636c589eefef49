"""Company names as a real customer file carries them: an industry per customer (what it
does with GPUs), the words such companies put in their names (including "Farm", "Mining",
"Realty" where a legitimate firm would), and names written in the country's own script
(Chinese, Japanese, Korean, Vietnamese, Turkish, ...) next to the Latin ones.

Every name also has a Latin slug for its web and mail domain. Pools are invented syllables,
kept apart from the restricted-list pools (`geography.LIST_PREFIXES`)."""

from __future__ import annotations

from typing import Any

import numpy as np

# Which industries each customer type belongs to (relative weights).
# fmt: off
TYPE_INDUSTRIES: dict[str, dict[str, float]] = {
    "distributor": {"it_channel": 0.9, "trading": 0.05, "telecom": 0.05},
    "reseller": {"it_channel": 0.9, "media": 0.05, "telecom": 0.05},
    "system_integrator": {"it_channel": 0.85, "ai_lab": 0.1, "telecom": 0.05},
    "oem": {"it_channel": 0.6, "manufacturing": 0.25, "auto": 0.15},
    "cloud_provider": {"cloud": 0.8, "ai_lab": 0.1, "telecom": 0.1},
    "data_center": {"cloud": 0.9, "telecom": 0.1},
    "research": {"research": 0.6, "biotech": 0.15, "ai_lab": 0.1, "healthcare": 0.1,
                 "energy": 0.05},
    "end_user": {"ai_lab": 0.12, "media": 0.12, "auto": 0.09, "biotech": 0.08,
                 "finance": 0.12, "energy": 0.08, "agri": 0.04, "property": 0.04,
                 "telecom": 0.06, "retail": 0.1, "manufacturing": 0.1, "healthcare": 0.05},
    "trading_company": {"trading": 0.9, "it_channel": 0.1},
    "other": {"property": 0.2, "agri": 0.2, "retail": 0.2, "energy": 0.1,
              "manufacturing": 0.2, "finance": 0.1},
}

# The words between brand and legal form, per industry.
INDUSTRY_WORDS: dict[str, tuple[str, ...]] = {
    "ai_lab": ("AI", "Intelligence", "Machine Learning", "AI Labs", "Robotics", "Cognition"),
    "cloud": ("Cloud", "Hosting", "Compute", "Server Farm", "Data Centres", "Colocation",
              "GPU Cloud", "Digital Infrastructure", "Internet Data Center"),
    "it_channel": ("Computing", "Systems", "Solutions", "Technologies", "Distribution",
                   "Supply", "Integration", "IT Services", "Micro Systems", "Electronics",
                   "Infotech", "Data Systems", "Digital", "Networks"),
    "research": ("Research Institute", "Institute of Technology", "Supercomputing Centre",
                 "Laboratory", "Research Centre", "Academy of Sciences"),
    "media": ("Visual Effects", "Animation", "Render Farm", "Studios", "Post Production",
              "Games", "Pictures", "Rendering Farm"),
    "auto": ("Automotive", "Mobility", "Autonomous Systems", "Motors"),
    "biotech": ("Biosciences", "Genomics", "Therapeutics", "Life Sciences", "Bio"),
    "finance": ("Capital", "Securities", "Asset Management", "Quant Partners", "Bank",
                "Insurance"),
    "energy": ("Mining", "Resources", "Minerals", "Energy", "Geoscience", "Oil & Gas"),
    "agri": ("Farms", "Agritech", "Agri Sciences", "Harvest Analytics", "Crop Science",
             "Dairy Farms"),
    "property": ("Realty Analytics", "Property Technologies", "PropTech", "Real Estate Data",
                 "Realty", "Properties"),
    "telecom": ("Telecom", "Communications", "Mobile", "Broadband"),
    "retail": ("Retail", "Commerce", "Marketplace", "Logistics", "E-Commerce"),
    "manufacturing": ("Industries", "Manufacturing", "Precision", "Engineering",
                      "Heavy Industries"),
    "healthcare": ("Medical", "Health", "Imaging", "Hospital Group"),
    "trading": ("Trading", "Import & Export", "International Trade", "Commerce", "Supply"),
}

# Local-language industry words used by some customers of these countries.
LOCAL_WORDS: dict[str, tuple[str, ...]] = {
    "DE": ("Datentechnik", "Informationstechnik", "Rechenzentrum", "Systemhaus", "IT-Dienste"),
    "FR": ("Informatique", "Systèmes", "Calcul", "Numérique"),
    "ES": ("Informática", "Sistemas", "Tecnologías", "Soluciones"),
    "MX": ("Sistemas", "Tecnologías", "Soluciones Digitales", "Cómputo"),
    "CL": ("Tecnologías", "Minería", "Soluciones"),
    "BR": ("Tecnologia", "Soluções em TI", "Informática", "Computação"),
    "IT": ("Informatica", "Sistemi", "Tecnologie"),
    "NL": ("Automatisering", "Datacenters", "ICT"),
    "SE": ("Datateknik", "IT-konsult"),
    "PL": ("Informatyka", "Systemy"),
    "TR": ("Bilişim Teknolojileri", "Yazılım ve Donanım", "Bilgisayar Sistemleri"),
    "ID": ("Teknologi Informasi", "Solusi Digital", "Data Nusantara", "Komputindo"),
}

# Native-script names: (brand pieces with romanisation, industry words, legal forms, layout).
# Layout: "cn" = city + brand + industry + legal; "pre" = legal + brand + industry;
# "post" = brand + industry + legal; "vn" = legal + industry + brand.
_HAN_SIMPLIFIED = (("华", "hua"), ("鑫", "xin"), ("泰", "tai"), ("康", "kang"), ("金", "jin"),
                   ("明", "ming"), ("瑞", "rui"), ("盛", "sheng"), ("天", "tian"), ("宇", "yu"),
                   ("宝", "bao"), ("福", "fu"), ("恒", "heng"), ("智", "zhi"), ("光", "guang"),
                   ("弘", "hong"), ("伟", "wei"), ("博", "bo"))
_HAN_SIMPLIFIED_2 = (("丰", "feng"), ("通", "tong"), ("兴", "xing"), ("源", "yuan"), ("海", "hai"),
                     ("诚", "cheng"), ("联", "lian"), ("能", "neng"), ("顺", "shun"), ("科", "ke"),
                     ("杰", "jie"), ("荣", "rong"), ("安", "an"), ("汇", "hui"), ("创", "chuang"),
                     ("讯", "xun"))
_HAN_TRADITIONAL = (("華", "hua"), ("鴻", "hong"), ("台", "tai"), ("嘉", "jia"), ("昇", "sheng"),
                    ("宏", "hong"), ("瑞", "rui"), ("智", "zhi"), ("光", "guang"), ("宇", "yu"))
_HAN_TRADITIONAL_2 = (("豐", "feng"), ("聯", "lian"), ("達", "da"), ("碩", "shuo"), ("通", "tong"),
                      ("興", "xing"), ("源", "yuan"), ("訊", "xun"), ("創", "chuang"), ("益", "yi"))
_KANA = (("サクラ", "sakura"), ("ミライ", "mirai"), ("ヒカリ", "hikari"), ("アオバ", "aoba"),
         ("ツバサ", "tsubasa"), ("ハヤテ", "hayate"), ("カエデ", "kaede"), ("ソラ", "sora"))
_KANA_2 = (("データ", "data"), ("テック", "tech"), ("ネット", "net"), ("システム", "system"),
           ("ラボ", "lab"), ("ワークス", "works"))
_HANGUL = (("한빛", "hanbit"), ("미래", "mirae"), ("새봄", "saebom"), ("다온", "daon"),
           ("누리", "nuri"), ("한결", "hangyeol"), ("가람", "garam"), ("온누리", "onnuri"))
_HANGUL_2 = (("데이터", "data"), ("테크", "tech"), ("시스템즈", "systems"), ("클라우드", "cloud"),
             ("솔루션", "solution"), ("랩스", "labs"))
_VIET = (("Minh", "minh"), ("Hoàng", "hoang"), ("Thành", "thanh"), ("Việt", "viet"),
         ("An", "an"), ("Đại", "dai"), ("Phúc", "phuc"), ("Tân", "tan"))
_VIET_2 = ((" Phát", "phat"), (" Long", "long"), (" Công", "cong"), (" Tiến", "tien"),
           (" Phú", "phu"), (" Dương", "duong"), (" Hưng", "hung"), (" Thịnh", "thinh"))
NATIVE: dict[str, tuple[Any, ...]] = {
    "CN": (_HAN_SIMPLIFIED, _HAN_SIMPLIFIED_2,
           ("科技", "信息技术", "数据科技", "云计算", "网络科技", "智能科技", "电子", "计算机系统",
            "影视动画", "生物科技", "矿业", "农业科技", "置业", "贸易"),
           ("有限公司", "股份有限公司", "有限责任公司"), "cn",
           ("深圳市", "上海", "北京", "杭州", "苏州", "广州市", "成都", "南京")),
    "TW": (_HAN_TRADITIONAL, _HAN_TRADITIONAL_2, ("科技", "電腦", "資訊", "電子", "雲端", "數位"),
           ("股份有限公司", "有限公司"), "post", ()),
    "HK": (_HAN_TRADITIONAL, _HAN_TRADITIONAL_2, ("科技", "電子", "數據", "資訊科技", "貿易"),
           ("有限公司",), "post", ()),
    "MO": (_HAN_TRADITIONAL, _HAN_TRADITIONAL_2, ("科技", "電子", "資訊"), ("有限公司",), "post", ()),
    "JP": (_KANA, _KANA_2, ("", "", "研究所", "ソリューションズ"), ("株式会社",), "pre", ()),
    "KR": (_HANGUL, _HANGUL_2, ("", "코리아"), ("주식회사", "(주)"), "pre", ()),
    "VN": (_VIET, _VIET_2, ("Công nghệ", "Giải pháp Dữ liệu", "Điện toán", "Thương mại và Dịch vụ Tin học"),
           ("Công ty TNHH", "Công ty Cổ phần"), "vn", ()),
}
# fmt: on


def _pool(pairs: tuple[tuple[str, str], ...]) -> tuple[np.ndarray, np.ndarray]:
    return np.array([p[0] for p in pairs], dtype=object), np.array(
        [p[1] for p in pairs], dtype=object
    )


def native_names(rng: np.random.Generator, country: str, n: int) -> tuple[np.ndarray, np.ndarray]:
    """(name in the country's script, Latin slug of its brand) for `n` customers of `country`."""
    first, second, words, legal, layout, cities = NATIVE[country]
    head, head_latin = _pool(first)
    tail, tail_latin = _pool(second)
    i, j = rng.integers(0, len(head), size=n), rng.integers(0, len(tail), size=n)
    brand = head[i] + tail[j]
    slug = head_latin[i] + tail_latin[j]
    word = np.asarray(words, dtype=object)[rng.integers(0, len(words), size=n)]
    form = np.asarray(legal, dtype=object)[rng.integers(0, len(legal), size=n)]
    if layout == "cn":
        city = np.asarray(cities, dtype=object)[rng.integers(0, len(cities), size=n)]
        with_city = rng.random(n) < 0.7
        name = np.where(with_city, city, "") + brand + word + form
    elif layout == "pre":
        name = form + np.where(rng.random(n) < 0.5, " ", "") + brand + word
        post = rng.random(n) < 0.4  # "サクラデータ株式会社" as often as "株式会社サクラデータ"
        name = np.where(post, brand + word + form, name)
    elif layout == "vn":
        name = form + " " + word + " " + brand
    else:
        name = brand + word + form
    return name, slug


def industry_words(
    rng: np.random.Generator, industries: np.ndarray, countries: np.ndarray, local_rate: float
) -> np.ndarray:
    """The word(s) between brand and legal form, by industry, some in the local language."""
    n = len(industries)
    words = np.empty(n, dtype=object)
    for industry, pool in INDUSTRY_WORDS.items():
        rows = np.flatnonzero(industries == industry)
        words[rows] = np.asarray(pool, dtype=object)[rng.integers(0, len(pool), size=len(rows))]
    channel = np.isin(industries, ("it_channel", "cloud", "trading"))
    for country, pool in LOCAL_WORDS.items():
        rows = np.flatnonzero(channel & (countries == country) & (rng.random(n) < local_rate))
        words[rows] = np.asarray(pool, dtype=object)[rng.integers(0, len(pool), size=len(rows))]
    return words


def pick_industries(rng: np.random.Generator, types: np.ndarray) -> np.ndarray:
    """An industry per customer, drawn by its customer type."""
    out = np.full(len(types), "it_channel", dtype=object)
    for kind, weights in TYPE_INDUSTRIES.items():
        rows = np.flatnonzero(types == kind)
        keys = list(weights)
        p = np.array([weights[k] for k in keys], dtype=float)
        out[rows] = np.asarray(keys, dtype=object)[
            rng.choice(len(keys), size=len(rows), p=p / p.sum())
        ]
    return out
