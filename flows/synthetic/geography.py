"""Countries, cities, calling codes and company-name pieces the synthetic population is
drawn from. Names are invented from syllable pools so that no generated company is a
real one; the restricted-list pools are kept apart from the clean-business pools."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CountryProfile:
    calling_code: str
    cities: tuple[str, ...]
    legal_forms: tuple[str, ...]
    streets: tuple[str, ...]
    tld: str
    name_style: str  # "west" or "asia": which syllable pool the brand names come from


_WEST_STREETS = (
    "Main Street",
    "Market Street",
    "Park Avenue",
    "Oak Road",
    "Harbour Way",
    "Mill Lane",
)
_ASIA_STREETS = (
    "Zhongshan Road",
    "Nathan Road",
    "Jalan Ampang",
    "Orchard Road",
    "Xinhua Road",
    "Jianguo Road",
)

# fmt: off
COUNTRIES: dict[str, CountryProfile] = {
    "US": CountryProfile("1", ("San Jose", "Austin", "Seattle", "Boston", "Miami", "Chicago"), ("Inc.", "LLC", "Corp."), _WEST_STREETS, "com", "west"),
    "CA": CountryProfile("1", ("Toronto", "Vancouver", "Montreal"), ("Inc.", "Ltd.", "Corp."), _WEST_STREETS, "ca", "west"),
    "GB": CountryProfile("44", ("London", "Manchester", "Cambridge", "Edinburgh"), ("Ltd", "plc", "LLP"), _WEST_STREETS, "co.uk", "west"),
    "DE": CountryProfile("49", ("Frankfurt", "Munich", "Berlin", "Hamburg"), ("GmbH", "AG", "GmbH & Co. KG"), ("Hauptstrasse", "Bahnhofstrasse", "Industriestrasse"), "de", "west"),
    "FR": CountryProfile("33", ("Paris", "Lyon", "Grenoble"), ("SAS", "SA", "SARL"), ("Rue de la Paix", "Avenue Victor Hugo"), "fr", "west"),
    "NL": CountryProfile("31", ("Amsterdam", "Eindhoven", "Rotterdam"), ("B.V.", "N.V."), ("Keizersgracht", "Stationsplein"), "nl", "west"),
    "IE": CountryProfile("353", ("Dublin", "Cork"), ("Ltd", "DAC"), _WEST_STREETS, "ie", "west"),
    "SE": CountryProfile("46", ("Stockholm", "Gothenburg"), ("AB",), ("Drottninggatan", "Kungsgatan"), "se", "west"),
    "FI": CountryProfile("358", ("Helsinki", "Espoo"), ("Oy", "Oyj"), ("Mannerheimintie", "Aleksanterinkatu"), "fi", "west"),
    "ES": CountryProfile("34", ("Madrid", "Barcelona"), ("S.L.", "S.A."), ("Calle Mayor", "Gran Via"), "es", "west"),
    "IT": CountryProfile("39", ("Milan", "Rome", "Turin"), ("S.r.l.", "S.p.A."), ("Via Roma", "Corso Italia"), "it", "west"),
    "BE": CountryProfile("32", ("Brussels", "Antwerp"), ("NV", "SRL"), ("Avenue Louise", "Meir"), "be", "west"),
    "DK": CountryProfile("45", ("Copenhagen", "Aarhus"), ("A/S", "ApS"), ("Stroget", "Vesterbrogade"), "dk", "west"),
    "NO": CountryProfile("47", ("Oslo", "Bergen"), ("AS", "ASA"), ("Karl Johans gate", "Storgata"), "no", "west"),
    "CH": CountryProfile("41", ("Zurich", "Geneva", "Basel"), ("AG", "SA", "GmbH"), ("Bahnhofstrasse", "Rue du Rhone"), "ch", "west"),
    "PL": CountryProfile("48", ("Warsaw", "Krakow"), ("Sp. z o.o.", "S.A."), ("ul. Marszalkowska", "ul. Florianska"), "pl", "west"),
    "IL": CountryProfile("972", ("Tel Aviv", "Haifa"), ("Ltd.",), ("Rothschild Boulevard", "HaBarzel Street"), "co.il", "west"),
    "JP": CountryProfile("81", ("Tokyo", "Osaka", "Yokohama"), ("K.K.", "Co., Ltd."), ("Marunouchi", "Shibaura", "Umeda"), "co.jp", "asia"),
    "KR": CountryProfile("82", ("Seoul", "Busan", "Pangyo"), ("Co., Ltd.", "Inc."), ("Teheran-ro", "Gangnam-daero"), "co.kr", "asia"),
    "TW": CountryProfile("886", ("Taipei", "Hsinchu", "Taichung"), ("Co., Ltd.", "Corp."), ("Zhongxiao East Road", "Science Park Road"), "com.tw", "asia"),
    "AU": CountryProfile("61", ("Sydney", "Melbourne", "Brisbane"), ("Pty Ltd",), _WEST_STREETS, "com.au", "west"),
    "NZ": CountryProfile("64", ("Auckland", "Wellington"), ("Limited",), _WEST_STREETS, "co.nz", "west"),
    "SG": CountryProfile("65", ("Singapore",), ("Pte. Ltd.",), ("Jurong East Street", "Ubi Avenue", "Changi Business Park"), "com.sg", "asia"),
    "MY": CountryProfile("60", ("Kuala Lumpur", "Penang", "Johor Bahru", "Cyberjaya"), ("Sdn. Bhd.", "Bhd."), ("Jalan Ampang", "Jalan Sultan Ismail"), "com.my", "asia"),
    "TH": CountryProfile("66", ("Bangkok", "Chonburi"), ("Co., Ltd.", "Public Co., Ltd."), ("Sukhumvit Road", "Silom Road"), "co.th", "asia"),
    "HK": CountryProfile("852", ("Hong Kong", "Kowloon", "Tsuen Wan"), ("Limited", "Co., Limited"), ("Nathan Road", "Queen's Road Central", "Kwun Tong Road"), "com.hk", "asia"),
    "MO": CountryProfile("853", ("Macau",), ("Limitada", "Limited"), ("Avenida da Praia Grande", "Rua do Campo"), "com.mo", "asia"),
    "CN": CountryProfile("86", ("Shenzhen", "Shanghai", "Beijing", "Hangzhou", "Suzhou"), ("Co., Ltd.", "Technology Co., Ltd."), ("Xinhua Road", "Keji Road", "Jianguo Road"), "com.cn", "asia"),
    "AE": CountryProfile("971", ("Dubai", "Abu Dhabi", "Sharjah"), ("LLC", "FZE", "FZCO"), ("Sheikh Zayed Road", "Jebel Ali Free Zone"), "ae", "asia"),
    "SA": CountryProfile("966", ("Riyadh", "Jeddah"), ("LLC", "Co."), ("King Fahd Road", "Olaya Street"), "com.sa", "asia"),
    "IN": CountryProfile("91", ("Bengaluru", "Mumbai", "Hyderabad", "Pune"), ("Pvt. Ltd.", "Ltd."), ("MG Road", "Outer Ring Road"), "co.in", "west"),
    "VN": CountryProfile("84", ("Hanoi", "Ho Chi Minh City", "Da Nang"), ("Co., Ltd.", "JSC"), ("Le Loi Street", "Nguyen Hue Boulevard"), "com.vn", "asia"),
    "BR": CountryProfile("55", ("Sao Paulo", "Rio de Janeiro"), ("Ltda.", "S.A."), ("Avenida Paulista", "Rua Augusta"), "com.br", "west"),
    "MX": CountryProfile("52", ("Mexico City", "Monterrey", "Guadalajara"), ("S.A. de C.V.",), ("Paseo de la Reforma", "Avenida Juarez"), "com.mx", "west"),
    "TR": CountryProfile("90", ("Istanbul", "Ankara"), ("A.S.", "Ltd. Sti."), ("Istiklal Caddesi", "Buyukdere Caddesi"), "com.tr", "west"),
    "RU": CountryProfile("7", ("Moscow", "Saint Petersburg", "Novosibirsk"), ("OOO", "AO", "LLC"), ("Leninsky Prospekt", "Tverskaya Street"), "ru", "west"),
    "IR": CountryProfile("98", ("Tehran", "Isfahan"), ("Co.", "Company"), ("Vali Asr Avenue", "Azadi Street"), "ir", "west"),
    "AM": CountryProfile("374", ("Yerevan",), ("LLC", "CJSC"), ("Komitas Avenue", "Tigran Mets Avenue"), "am", "west"),
    "KZ": CountryProfile("7", ("Almaty", "Astana"), ("LLP", "JSC"), ("Abay Avenue", "Dostyk Avenue"), "kz", "west"),
    "ID": CountryProfile("62", ("Jakarta", "Surabaya", "Batam", "Bekasi"), ("Tbk", ""), ("Jalan Sudirman", "Jalan Gatot Subroto", "Jalan MH Thamrin"), "co.id", "asia"),
    "PH": CountryProfile("63", ("Manila", "Makati", "Cebu City"), ("Inc.", "Corporation"), ("Ayala Avenue", "EDSA"), "com.ph", "west"),
    "ZA": CountryProfile("27", ("Johannesburg", "Cape Town", "Pretoria"), ("(Pty) Ltd",), ("Rivonia Road", "Long Street"), "co.za", "west"),
    "CL": CountryProfile("56", ("Santiago", "Antofagasta"), ("SpA", "S.A."), ("Avenida Apoquindo", "Avenida Providencia"), "cl", "west"),
}

# English country names, for subsidiaries named after their country ("... Malaysia Sdn. Bhd.").
COUNTRY_NAMES = {
    "US": "USA", "CA": "Canada", "GB": "UK", "DE": "Germany", "FR": "France", "NL": "Netherlands",
    "IE": "Ireland", "SE": "Sweden", "FI": "Finland", "ES": "Spain", "IT": "Italy", "BE": "Belgium",
    "DK": "Denmark", "NO": "Norway", "CH": "Switzerland", "PL": "Poland", "IL": "Israel",
    "JP": "Japan", "KR": "Korea", "TW": "Taiwan", "AU": "Australia", "NZ": "New Zealand",
    "SG": "Singapore", "MY": "Malaysia", "TH": "Thailand", "HK": "Hong Kong", "MO": "Macau",
    "CN": "China", "AE": "Middle East", "SA": "Arabia", "IN": "India", "VN": "Vietnam",
    "BR": "Brasil", "MX": "Mexico", "TR": "Turkey", "RU": "Russia", "IR": "Iran", "AM": "Armenia",
    "KZ": "Kazakhstan", "ID": "Indonesia", "PH": "Philippines", "ZA": "South Africa", "CL": "Chile",
}
# Free-mail services legitimate small firms use, by country (others use the global ones).
LOCAL_FREE_MAIL = {
    "CN": ("qq.com", "163.com", "126.com", "sina.com"), "KR": ("naver.com", "daum.net"),
    "JP": ("yahoo.co.jp", "gmail.com"), "DE": ("gmx.de", "web.de"), "FR": ("orange.fr", "free.fr"),
    "IN": ("gmail.com", "rediffmail.com"), "BR": ("uol.com.br", "gmail.com", "hotmail.com"),
    "RU": ("mail.ru", "yandex.ru"), "TW": ("yahoo.com.tw", "gmail.com"), "HK": ("yahoo.com.hk", "gmail.com"),
    "VN": ("gmail.com", "yahoo.com.vn"), "ID": ("gmail.com", "yahoo.co.id"), "TR": ("gmail.com", "hotmail.com"),
}
# Countries where small legitimate firms use free-mail more often than elsewhere.
FREE_MAIL_FACTOR = {"CN": 3.0, "IN": 2.5, "VN": 3.0, "ID": 3.0, "BR": 2.0, "TR": 2.0, "TH": 2.0, "PH": 2.0, "MX": 1.5}
# Academic domains for research institutions.
ACADEMIC_TLD = {
    "US": "edu", "GB": "ac.uk", "JP": "ac.jp", "KR": "ac.kr", "CN": "edu.cn", "IN": "ac.in",
    "AU": "edu.au", "TW": "edu.tw", "HK": "edu.hk", "SG": "edu.sg", "IL": "ac.il", "NZ": "ac.nz",
    "ZA": "ac.za", "BR": "edu.br", "MY": "edu.my", "TH": "ac.th", "ID": "ac.id",
}
# fmt: on

# fmt: off
# Clean-business brand syllables (brands are prefix + suffix, e.g. "Norvex", "Huafeng").
WEST_PREFIXES = (
    "Nor", "Vel", "Cor", "Alt", "Bri", "Stra", "Quen", "Hal", "Mar", "Tor", "Ard", "Bel", "Cal",
    "Dal", "Eld", "Fal", "Gar", "Hel", "Ister", "Jor", "Kel", "Lum", "Mer", "Nex", "Orl", "Pel",
    "Ros", "Sol", "Tal", "Ul", "Ver", "Wes", "Zen", "Aster", "Bram", "Cres", "Dun", "Ever", "Fen",
    "Glen", "Arbor", "Blue", "Clear", "Fair", "High", "North", "Silver", "West", "Oak", "Pine",
    "Summit", "Pacific", "Atlas", "Beacon", "Cobalt", "Delta", "Ember", "Falcon", "Granite",
)
WEST_SUFFIXES = (
    "vex", "ant", "ion", "ora", "ent", "ix", "ara", "wyn", "ton", "ridge", "field", "mont", "gate",
    "wave", "line", "core", "tek", "dale", "ford", "stone", "bridge", "well", "port", "by", "ex",
    "ium", "is", "ova", "en", "ar", "ley", "worth", "haven", "crest", "vale", "mark", "point",
    "brook", "lake", "view", "wood", "bay", "hill", "spring", "land", "rock", "shore",
)
ASIA_PREFIXES = (
    "Hua", "Xin", "Tai", "Kang", "Jin", "Long", "Ming", "Rui", "Sheng", "Tian", "Yu", "Bao", "Fu",
    "Heng", "Zhi", "Da", "Guang", "Hong", "Li", "Wei", "Sakura", "Kita", "Han", "Seo", "Tek",
    "Shin", "Nishi", "Higashi", "Dae", "Jeong", "Bin", "Siam", "Lotus", "Merlion", "Nusa",
)
ASIA_SUFFIXES = (
    "feng", "da", "tong", "xing", "yuan", "hai", "cheng", "lian", "neng", "shun", "ke", "jie",
    "rong", "an", "mao", "hui", "bo", "gawa", "moto", "sung", "jin", "tech", "wa", "ya",
)
SECTORS = (
    "Computing", "Data Systems", "Technologies", "Cloud", "Networks", "Digital", "Analytics",
    "Research", "Systems", "Solutions", "Infrastructure", "Semiconductor", "Informatics", "Labs",
    "Compute", "AI", "Electronics", "Micro Systems", "Data Centres", "Supply", "Trading",
    "Distribution", "Integration", "Robotics", "Hosting",
)

# Restricted-list brand syllables: disjoint from the clean pools above.
LIST_PREFIXES = (
    "Qi", "Zhuo", "Lan", "Wu", "Sui", "Kun", "Pei", "Qiong", "Xuan", "Zeng", "Vostr", "Sever",
    "Kras", "Pars", "Faraz", "Kavosh",
)
LIST_SUFFIXES = (
    "run", "lai", "xiang", "zhen", "ding", "mo", "qun", "luo", "yan", "que", "prom", "tron",
    "nord", "andish", "gostar", "sazan",
)
LIST_SECTORS = (
    "Electronics", "Technology", "Microelectronics", "Computing", "Trading", "Semiconductor",
    "Import and Export", "Precision Instruments", "Intelligent Systems",
)

FIRST_NAMES = (
    "Viktor", "Lin", "Reza", "Wei", "Olga", "Farid", "Jun", "Pavel", "Mei", "Arman", "Dmitri",
    "Hui",
)
LAST_NAMES = (
    "Dashko", "Qiaolan", "Sanjari", "Zhuoran", "Bekmirova", "Tavakol", "Weiluo", "Orlenko",
    "Kunxiang", "Hovsep",
)

FREE_MAIL_DOMAINS = ("gmail.com", "outlook.com", "qq.com", "163.com", "yahoo.com", "hotmail.com")
FORWARDER_WORDS = ("Logistics", "Freight", "Forwarding", "Express Cargo", "Shipping")
REALTOR_WORDS = ("Realty", "Realtors", "Properties", "Real Estate Group", "Homes")

# Address shapes that P2 (residential, virtual office, PO box) should recognise.
RESIDENTIAL_SHAPES = (
    "Apt {n}, {num} {street}", "Flat {n}, {num} {street}",
    "{num} {street}, Unit {n} (residential)",
)
VIRTUAL_SHAPES = (
    "Suite {n}, Regus Business Centre, {num} {street}", "Virtual Office {n}, {num} {street}",
    "PO Box {num}", "P.O. Box {num}",
)

# fmt: on
LICENSE_REQUIRED = ("CN", "HK", "MO", "VN", "AE", "SA", "IL", "KZ", "AM", "TR", "RU", "IR")
