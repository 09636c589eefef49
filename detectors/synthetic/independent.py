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

from __future__ import annotations

import re
from functools import cache
from string import Formatter

import numpy as np
import pandas as pd

from detectors.synthetic.missing import MISSING
from detectors.synthetic.names import NATIVE, native_names

# Which sectors each customer type comes from (relative weights).
# fmt: off
TYPE_SECTORS: dict[str, dict[str, float]] = {
    "distributor": {"it_distribution": 0.7, "component_distribution": 0.2, "edu_reseller": 0.1},
    "reseller": {"var_reseller": 0.5, "workstation_dealer": 0.25, "edu_reseller": 0.15,
                 "gaming_builder": 0.1},
    "system_integrator": {"hpc_integrator": 0.45, "ai_solutions": 0.35, "public_integrator": 0.2},
    "cloud_provider": {"gpu_cloud": 0.4, "cloud_reseller": 0.3, "sovereign_cloud": 0.15,
                       "telco_cloud": 0.15},
    "data_center": {"colocation": 0.6, "edge_dc": 0.25, "telco_cloud": 0.15},
    "oem": {"server_builder": 0.45, "embedded_oem": 0.35, "workstation_oem": 0.2},
    "research": {"university": 0.45, "national_lab": 0.2, "medical_research": 0.15,
                 "weather_service": 0.1, "ai_institute": 0.1},
    "end_user": {"ai_startup": 0.1, "vfx_studio": 0.08, "game_studio": 0.07, "fintech": 0.07,
                 "bank": 0.06, "insurer": 0.04, "hospital": 0.07, "pharma": 0.06,
                 "automotive": 0.06, "robotics": 0.04, "ecommerce": 0.05, "streaming": 0.03,
                 "energy_geo": 0.04, "chip_design": 0.04, "telecom": 0.05, "manufacturer": 0.06,
                 "satellite": 0.02, "legal_ai": 0.02},
    "trading_company": {"trading_house": 1.0},
    "other": {"government": 0.4, "school_district": 0.2, "nonprofit": 0.2, "museum": 0.2},
}

# Sector: (name words, name shapes). "{brand} {word} {legal}" when no shape is given.
_SECTOR_NAMES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "it_distribution": (("Distribution", "IT Distribution", "Technology Distribution",
                         "Computer Wholesale", "Infotech Distributors", "Value-Added Distribution"), ()),
    "component_distribution": (("Components", "Electronic Components", "Semiconductors Supply",
                                "Parts Distribution"), ()),
    "edu_reseller": (("Education Technology", "Campus IT", "EduTech Solutions"), ()),
    "var_reseller": (("IT", "Business Systems", "Computer Services", "Technology Partners",
                      "IT Solutions", "Infrastructure Services"), ()),
    "workstation_dealer": (("Workstations", "Graphics Systems", "CAD Systems", "Pro Visual"), ()),
    "gaming_builder": (("Custom PCs", "Gaming Systems", "PC Builders"), ()),
    "hpc_integrator": (("HPC", "Supercomputing Systems", "Cluster Engineering",
                        "Scientific Computing", "High Performance Systems"), ()),
    "ai_solutions": (("AI Solutions", "Data & AI", "Applied Intelligence", "Analytics Consulting",
                      "Machine Vision"), ()),
    "public_integrator": (("Government Systems", "Public Sector IT", "Civic Technology"), ()),
    "gpu_cloud": (("GPU Cloud", "Compute", "Cloud", "Accelerated Cloud", "AI Cloud"), ()),
    "cloud_reseller": (("Cloud Services", "Managed Services", "Hosting", "Cloud Partners",
                        "Managed Cloud"), ()),
    "sovereign_cloud": (("Sovereign Cloud", "National Cloud", "Trusted Cloud"), ()),
    "telco_cloud": (("Telecom", "Telecommunications", "Networks", "Fibre"), ()),
    "colocation": (("Data Centers", "Datacenters", "Colocation", "Digital Realty Partners",
                    "Interconnect", "Campus"), ()),
    "edge_dc": (("Edge", "Edge Data Centres", "Micro Data Centers"), ()),
    "server_builder": (("Servers", "Server Technologies", "Compute Systems", "Rackworks"), ()),
    "embedded_oem": (("Embedded", "Vision Systems", "Medical Devices", "Industrial Computing",
                      "Imaging Systems"), ()),
    "workstation_oem": (("Workstations", "Computers", "Mobile Workstations"), ()),
    "university": ((), ("University of {city}", "{city} University", "{city} Technical University",
                        "{city} Institute of Science", "{brand} University",
                        "{city} Polytechnic University")),
    "national_lab": ((), ("National Centre for Computational Science {city}",
                          "{city} National Laboratory", "{brand} Research Institute",
                          "Institute for Advanced Computing {city}")),
    "medical_research": ((), ("{city} Cancer Research Institute", "{brand} Medical Research Council",
                              "{city} Institute of Genomic Medicine")),
    "weather_service": ((), ("{city} Meteorological Centre", "{brand} Climate Services",
                             "National Weather Service {city}")),
    "ai_institute": ((), ("{city} Institute for Artificial Intelligence",
                          "{brand} Center for Machine Learning")),
    "ai_startup": (("AI", "Labs", "Intelligence", "Neural", "Machines", "Language Technologies"),
                   ("{brand}.ai {legal}", "{brand} AI {legal}", "{brand} Labs {legal}")),
    "vfx_studio": (("Visual Effects", "VFX", "Animation Studios", "Render Works", "Pictures",
                    "Post", "Digital Studios"), ()),
    "game_studio": (("Games", "Interactive", "Game Studios", "Entertainment"), ()),
    "fintech": (("Pay", "Financial Technologies", "Quant", "Capital Markets Technology",
                 "Risk Analytics"), ()),
    "bank": ((), ("{brand} Bank {legal}", "Bank of {city}", "{city} Savings Bank",
                  "{brand} Commercial Bank")),
    "insurer": (("Insurance", "Assurance", "Re", "Mutual"), ()),
    "hospital": ((), ("{city} University Hospital", "{brand} Medical Center", "{city} General Hospital",
                      "{brand} Health System", "{city} Children's Hospital", "{brand} Imaging Clinics")),
    "pharma": (("Pharmaceuticals", "Therapeutics", "Biologics", "Pharma", "Life Sciences"), ()),
    "automotive": (("Automotive", "Mobility", "Motors", "Vehicle Systems", "Autonomous"), ()),
    "robotics": (("Robotics", "Automation", "Robot Systems"), ()),
    "ecommerce": (("Shop", "Commerce", "Marketplace", "Online Retail", "Retail Group"), ()),
    "streaming": (("Media", "Streaming", "Broadcasting", "TV"), ()),
    "energy_geo": (("Energy", "Petroleum", "Geophysical", "Oil & Gas", "Exploration",
                    "Power & Utilities", "Renewables"), ()),
    "chip_design": (("Semiconductor", "Silicon", "Microdevices", "Design Automation"), ()),
    "telecom": (("Telecom", "Mobile", "Communications", "Broadband"), ()),
    "manufacturer": (("Industries", "Manufacturing", "Precision", "Engineering", "Steel",
                      "Aerospace Components"), ()),
    "satellite": (("Space", "Earth Observation", "Satellite Imaging", "Orbital"), ()),
    "legal_ai": (("Legal Technologies", "LegalTech", "Contract Intelligence"), ()),
    "trading_house": (("Trading", "Corporation", "Shoji", "International", "Trade & Industry"),
                      ("{brand} Trading {legal}", "{brand} Corporation", "{brand} Shoji {legal}")),
    "government": ((), ("{city} City Council", "National Statistics Office {city}",
                        "{country} Ministry of Health Data Unit", "{city} Metropolitan Transport Authority",
                        "{country} Meteorological Agency")),
    "school_district": ((), ("{city} Unified School District", "{city} College of Further Education",
                             "{brand} Community College")),
    "nonprofit": ((), ("{brand} Foundation", "{brand} Open Science Trust", "{city} Digital Archive Society")),
    "museum": ((), ("{city} Museum of Art", "{brand} Heritage Digitisation Trust",
                    "{city} Natural History Museum")),
}

# Sectors whose customers are academic or public research (academic web domains).
ACADEMIC_SECTORS = ("university", "national_lab", "medical_research", "weather_service",
                    "ai_institute")

# End uses, by sector, as buyers write them.
_END_USES: dict[str, tuple[str, ...]] = {
    "it_distribution": (
        "Stock for resale to our dealer network", "Resale to domestic system integrators",
        "Distribution within {country} only", "Inventory replenishment, in-country channel",
        "Resale to enterprise accounts in {country}", "Channel stock - local market",
        "Back-to-back order for local reseller", "Resale, end user declared on each sub-order",
        "Warehouse stock for domestic VARs", "Fulfilment of local tender awarded to our partner"),
    "component_distribution": (
        "Stock for local electronics manufacturers", "Resale to local board makers",
        "Kitting for domestic OEM customers", "Buffer stock for contract manufacturers"),
    "edu_reseller": (
        "Supply to universities under national education framework",
        "Resale to school district and college labs", "Campus AI lab for a state university",
        "Teaching lab workstations for engineering faculty"),
    "var_reseller": (
        "Customer refresh of VDI servers", "Upgrade of client's on-prem inference node",
        "Customer PO - accounting firm document AI", "Reseller order for named law firm",
        "Replacement parts under customer support contract", "Client data-centre refresh",
        "Resale to regional hospital IT department", "Proof of concept for manufacturing client",
        "Client: insurance company, claims analytics", "Managed service for SMB customers"),
    "workstation_dealer": (
        "Workstations for architecture practice", "CAD/CAM workstations for engineering client",
        "Video editing suites for broadcaster", "Graphics workstations for design agency",
        "GPU upgrade for customer's BIM workstations", "Photogrammetry workstations for surveyor"),
    "gaming_builder": (
        "Gaming PC builds for retail customers", "Esports arena PCs", "Custom PC builds",
        "Streaming rigs for content creators"),
    "hpc_integrator": (
        "Cluster build for university tender", "HPC system integration for national lab",
        "Cluster integration and burn-in for customer site", "Turnkey GPU cluster for pharma client",
        "Expansion nodes for existing customer cluster", "Benchmark and acceptance testing system",
        "Liquid-cooled racks for research customer", "Server farm build-out for hosting client"),
    "ai_solutions": (
        "On-prem LLM appliance for bank client", "Private GPT deployment for government agency",
        "Computer vision for warehouse client", "RAG platform for legal client",
        "Inference servers for call-centre speech analytics", "Demo and POC lab",
        "Retail shelf analytics for supermarket chain", "Process mining platform for customer"),
    "public_integrator": (
        "Municipal traffic management analytics", "Tax authority document processing",
        "National archive digitisation (OCR)", "Public health statistics platform",
        "Court records transcription service", "Land registry map digitisation"),
    "gpu_cloud": (
        "On-demand GPU instances for startups", "Reserved cluster for an AI customer (KYC on file)",
        "GPU farm expansion in our {city} facility", "Inference platform capacity",
        "Serverless GPU capacity", "Training cluster rental, customers screened per our AUP",
        "Cloud GPU capacity for universities", "New pod in existing hall", "Capacity expansion"),
    "cloud_reseller": (
        "Managed private cloud for SME clients", "Hosted desktops with vGPU",
        "Backup and DR region", "Managed Kubernetes for local enterprises",
        "Hosting for domestic e-commerce clients", "vGPU for CAD-as-a-service"),
    "sovereign_cloud": (
        "Sovereign AI cloud for public sector", "Government cloud, in-country data residency",
        "National language model hosting", "Classified-free public administration cloud"),
    "telco_cloud": (
        "Edge compute in central offices", "5G core and MEC nodes", "Network AI for RAN optimisation",
        "IPTV transcoding", "Customer-facing GPU cloud (telco)", "AI for network fault prediction"),
    "colocation": (
        "Tenant deployment in hall 3", "Customer-owned equipment staging, tenant: bank",
        "Colocation client install (tenant KYC attached)", "Build-out of a new data hall",
        "Demo racks for prospective tenants", "Hyperscale tenant overflow capacity",
        "Server farm for domestic hosting clients"),
    "edge_dc": (
        "Edge nodes for CDN customer", "Edge inference for smart city project",
        "Micro data centres at retail sites", "Low-latency compute for gaming customers"),
    "server_builder": (
        "Integration into our branded servers for domestic sale", "Build-to-order AI servers",
        "Qualification samples for new chassis", "Production of 4U GPU servers",
        "Motherboard validation lab", "Servers for local cloud customers"),
    "embedded_oem": (
        "Integration into ultrasound systems", "Machine vision inspection systems",
        "MRI reconstruction units", "Industrial PCs for factory automation",
        "Medical imaging workstations (CE marked)", "Airport baggage scanner image analysis"),
    "workstation_oem": (
        "Pro workstation assembly", "Mobile workstations for engineers", "Workstation production"),
    "university": (
        "Campus HPC cluster", "Research computing for faculty of engineering",
        "GPU nodes for the physics department", "Teaching cluster for ML courses",
        "Computational chemistry group", "Bioinformatics core facility",
        "Linguistics corpus processing", "Climate research group", "PhD student GPU partition",
        "Medical imaging research lab", "Robotics lab", "Data mining course lab",
        "Astronomy survey data processing", "Nuclear physics simulation group",
        "Shared research infrastructure grant no. {n}"),
    "national_lab": (
        "Exascale testbed partition", "Fusion plasma turbulence simulation",
        "Materials discovery with ML", "Open science AI models", "Seismic hazard modelling",
        "Flood risk simulation", "Particle accelerator data analysis"),
    "medical_research": (
        "Tumour segmentation research", "Genome-wide association studies",
        "Protein structure prediction", "Cryo-EM reconstruction", "Epidemiological modelling",
        "Nuclear medicine image reconstruction (PET/SPECT)"),
    "weather_service": (
        "Numerical weather prediction", "Ensemble forecasting", "Climate reanalysis",
        "AI weather model research", "Storm surge modelling"),
    "ai_institute": (
        "Open-source language model research", "AI safety evaluation",
        "Multilingual speech recognition", "Robot learning research"),
    "ai_startup": (
        "Training our own foundation model", "Fine-tuning LLMs for customer support product",
        "Speech-to-text model training", "Text-to-image model serving",
        "Recommendation models for our app", "Synthetic data generation",
        "Code assistant model", "Document understanding models", "Voice cloning for audiobooks",
        "Inference for our SaaS product", "Training"),
    "vfx_studio": (
        "Render farm", "Render farm expansion for feature film", "Rendering nodes",
        "VFX rendering", "Compositing and simulation (Houdini)", "Animation rendering",
        "Render farm refresh for series production", "Virtual production", "Denoising and ML rendering"),
    "game_studio": (
        "Game engine development", "Build farm for game builds", "Lightmap baking",
        "Cloud gaming servers", "Animation retargeting with ML", "Playtesting bots training",
        "Asset generation pipeline"),
    "fintech": (
        "Fraud detection", "Real-time payment fraud scoring", "Credit risk models",
        "Algorithmic trading research", "KYC document verification", "Chatbot for customers",
        "Backtesting", "Market risk Monte Carlo", "Transaction data mining for AML"),
    "bank": (
        "Credit risk modelling", "Anti-money laundering analytics", "Internal GenAI assistant",
        "Trading desk risk (XVA)", "Mortgage document processing", "Customer churn models",
        "Regulatory stress testing"),
    "insurer": (
        "Catastrophe modelling", "Claims image assessment", "Actuarial simulations",
        "Underwriting models", "Fraud analytics"),
    "hospital": (
        "Radiology AI", "Imaging", "PACS image analysis", "CT reconstruction",
        "Pathology digitisation", "Clinical decision support", "Hospital imaging department",
        "Nuclear medicine imaging", "Radiotherapy planning", "Speech recognition for clinical notes"),
    "pharma": (
        "Drug discovery", "Molecular dynamics", "Protein design", "Clinical trial analytics",
        "Virtual screening of compounds", "Cheminformatics", "Bioprocess modelling"),
    "automotive": (
        "Autonomous driving", "ADAS validation", "Simulation of driving scenarios",
        "Crash simulation", "In-vehicle voice assistant training", "Battery chemistry simulation",
        "Test fleet data processing"),
    "robotics": (
        "Robot training in simulation", "Warehouse robot navigation", "Humanoid robot research",
        "Pick-and-place vision models", "Agricultural robot perception"),
    "ecommerce": (
        "Product search and recommendations", "Demand forecasting", "Image generation for listings",
        "Customer service chatbot", "Fraud screening of orders", "Price optimisation"),
    "streaming": (
        "Video transcoding", "Live subtitles", "Content recommendation", "Upscaling of archive content",
        "Sports highlights generation"),
    "energy_geo": (
        "Seismic processing", "Reservoir simulation", "Wind farm layout optimisation",
        "Solar farm forecasting", "Grid load forecasting", "Energy trading analytics",
        "Mining site geology modelling", "Pipeline leak detection", "Subsurface imaging"),
    "chip_design": (
        "EDA simulation", "Verification and emulation", "Lithography simulation (OPC)",
        "Physical design runs", "Chip design"),
    "telecom": (
        "Network planning", "Customer care AI", "RAN optimisation", "Call-record fraud detection",
        "Network anomaly detection"),
    "manufacturer": (
        "Quality inspection", "Digital twin", "Predictive maintenance", "CFD and FEA",
        "Generative design", "Process mining of production data", "Welding inspection vision"),
    "satellite": (
        "Satellite image processing", "Earth observation analytics", "Crop monitoring from orbit",
        "SAR image processing"),
    "legal_ai": (
        "Contract review models", "E-discovery", "Legal research assistant"),
    "trading_house": (
        "Resale to domestic customers", "Import for sale in {country}", "Resale to group companies",
        "Supply to our IT subsidiary", "Resale to local manufacturers"),
    "government": (
        "Census data processing", "Traffic analytics", "Public health modelling",
        "Meteorological forecasting", "Document digitisation"),
    "school_district": (
        "Student computer labs", "Media lab workstations", "Esports club PCs", "Teaching"),
    "nonprofit": (
        "Open data projects", "Wildlife camera trap image analysis", "Translation for humanitarian aid"),
    "museum": (
        "3D scanning of collections", "Archive digitisation", "Photogrammetry of artefacts"),
}

# End uses in the buyer's own language, for countries whose buyers often write one.
_LOCAL_END_USES: dict[str, tuple[str, ...]] = {
    "CN": ("内部研发使用", "医学影像分析", "自动驾驶算法研发", "高校科研计算平台", "渲染农场扩容",
           "金融风控模型", "本地客户转售（已取得许可证）", "视频转码", "气象预报数值模拟"),
    "TW": ("內部研發", "晶片設計模擬", "醫學影像", "大學研究用", "本地經銷"),
    "HK": ("內部研究用途", "金融風險模型", "醫院影像分析", "本地客戶轉售"),
    "JP": ("社内研究開発", "画像診断AI", "自動運転の研究", "大学の研究用計算機", "国内販売用在庫",
           "気象シミュレーション"),
    "KR": ("사내 연구개발", "의료 영상 분석", "자율주행 연구", "대학 연구용", "국내 재판매",
           "게임 개발"),
    "VN": ("Nghiên cứu và phát triển AI nội bộ", "Phân phối trong nước", "Trung tâm dữ liệu của công ty",
           "Phân tích hình ảnh y tế", "Phòng thí nghiệm của trường đại học"),
    "AE": ("مركز بيانات محلي", "أبحاث الذكاء الاصطناعي", "تحليل الصور الطبية", "إعادة البيع داخل الدولة"),
    "SA": ("مركز بيانات محلي", "أبحاث جامعية", "تحليل البيانات"),
    "IL": ("מחקר ופיתוח", "ניתוח הדמיה רפואית", "אימון מודלים"),
    "BR": ("Pesquisa universitária", "Revenda no mercado nacional", "Análise de crédito",
           "Renderização de animação", "Imagens médicas", "Mineração de dados"),
    "MX": ("Reventa en México", "Investigación", "Análisis de fraude"),
    "DE": ("Forschung und Entwicklung", "Eigenes Rechenzentrum", "Medizinische Bildgebung",
           "Simulation (CFD/FEM)", "Wiederverkauf im Inland"),
    "FR": ("Recherche universitaire", "Imagerie médicale", "Rendu pour film d'animation",
           "Revente en France"),
    "IT": ("Ricerca universitaria", "Diagnostica per immagini", "Rendering"),
    "ES": ("Investigación", "Reventa nacional", "Imagen médica"),
    "IN": ("Research and development (in-house)", "Resale within India"),
    "ID": ("Riset internal", "Distribusi dalam negeri", "Pusat data perusahaan"),
    "TH": ("วิจัยและพัฒนา", "ศูนย์ข้อมูลภายในองค์กร"),
    "TR": ("Ar-Ge", "Yurt içi satış", "Tıbbi görüntüleme"),
    "PL": ("Badania naukowe", "Sprzedaż krajowa"),
}

# How a phrase is written on the order: "{}" is the phrase.
_FORMS = ("{}", "{}", "{}", "{}", "{lower}", "{upper}", "Intended use: {}", "Use - {}",
          "End-use: {}", "{} (civilian, commercial)", "{}. Not for military or nuclear end use.",
          "{} - EUS on file", "Project: {}", "{}, {city}", "{}; equipment stays at our site",
          "Final use: {}", "{} (internal use)", "{} -- see BIS-711")
_BLANK_LIKE = ("Refer to signed EUS", "per attached end-user statement", "BIS-711 on file",
               "n/a", "See PO", "Same as previous order")

# Brand pools by naming style: (first parts, second parts); a brand is one of each.
_BRANDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
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
_STYLE_BY_COUNTRY = {
    "CN": "pinyin", "HK": "pinyin", "MO": "pinyin", "TW": "pinyin", "SG": "west", "JP": "japanese",
    "KR": "korean", "IN": "indian", "BR": "latin", "MX": "latin", "CL": "latin", "ES": "latin",
    "AE": "arabic", "SA": "arabic", "IL": "hebrew", "VN": "vietnamese", "MY": "malay",
    "ID": "malay", "TH": "thai", "TR": "turkish",
}  # fmt: skip
# fmt: on

SECTORS: tuple[str, ...] = tuple(_SECTOR_NAMES)
# How a country is named in running text ("Distribution within {country} only").
_COUNTRY_WORDS = {
    "US": "the US", "GB": "the UK", "NL": "the Netherlands", "AE": "the UAE", "SA": "Saudi Arabia",
    "KR": "Korea", "BR": "Brazil", "CN": "China", "HK": "Hong Kong", "TW": "Taiwan",
    "PH": "the Philippines", "CZ": "Czechia",
}  # fmt: skip


def country_words(countries: np.ndarray) -> np.ndarray:
    """Each country as a buyer names it in a sentence."""
    from detectors.synthetic.geography import COUNTRY_NAMES  # noqa: PLC0415

    names = {**COUNTRY_NAMES, **_COUNTRY_WORDS}
    mapped: np.ndarray = pd.Series(countries, dtype=object).map(names).to_numpy(dtype=object)
    return mapped


def pick_sectors(rng: np.random.Generator, types: np.ndarray) -> np.ndarray:
    """A sector per customer, drawn by its customer type."""
    out = np.full(len(types), "var_reseller", dtype=object)
    for kind, weights in TYPE_SECTORS.items():
        rows = np.flatnonzero(types == kind)
        keys = list(weights)
        p = np.array([weights[k] for k in keys], dtype=float)
        out[rows] = np.asarray(keys, dtype=object)[
            rng.choice(len(keys), size=len(rows), p=p / p.sum())
        ]
    return out


def _draw(rng: np.random.Generator, pool: tuple[str, ...], n: int) -> np.ndarray:
    return np.asarray(pool, dtype=object)[rng.integers(0, len(pool), size=n)]


def brands(rng: np.random.Generator, countries: np.ndarray) -> np.ndarray:
    """A brand per customer in its country's naming style (English-style where none is set)."""
    n = len(countries)
    style = pd.Series(countries, dtype=object).map(_STYLE_BY_COUNTRY).fillna("west")
    style = style.to_numpy(dtype=object)
    out = np.empty(n, dtype=object)
    for name, (first, second) in _BRANDS.items():
        rows = np.flatnonzero(style == name)
        joined = _draw(rng, first, len(rows)) + _draw(rng, second, len(rows))
        out[rows] = joined
    return out


def _fill(templates: np.ndarray, **parts: np.ndarray) -> np.ndarray:
    """Each template with its "{name}" fields replaced by that row's value of `parts[name]`
    (built per distinct template, by array concatenation)."""
    out = np.asarray(templates, dtype=object).copy()
    has_field = np.flatnonzero(pd.Series(out, dtype=object).str.contains("{", regex=False))
    codes, uniques = pd.factorize(out[has_field])
    for k, template in enumerate(uniques):
        rows = has_field[codes == k]
        text = np.full(len(rows), "", dtype=object)
        for literal, field, _, _ in Formatter().parse(template):
            text = text + literal
            if field:
                value = np.asarray(parts[field], dtype=object)[rows]
                text = text + np.where(pd.isna(value), "", value)
        out[rows] = text
    tidied: np.ndarray = (
        pd.Series(out, dtype=object)
        .str.replace(r"\s+", " ", regex=True)
        .str.strip()
        .to_numpy(dtype=object)
    )
    return tidied


def customer_names(
    rng: np.random.Generator,
    countries: np.ndarray,
    sectors: np.ndarray,
    cities: np.ndarray,
    legal: np.ndarray,
    country_names: np.ndarray,
    native_rate: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(customer name, brand, Latin slug, written in a native script) per customer."""
    n = len(countries)
    brand = brands(rng, countries)
    shapes = np.full(n, "{brand} {word} {legal}", dtype=object)
    words = np.full(n, "", dtype=object)
    for sector, (pool, forms) in _SECTOR_NAMES.items():
        rows = np.flatnonzero(sectors == sector)
        if not len(rows):
            continue
        if pool:
            words[rows] = _draw(rng, pool, len(rows))
        if forms:
            use_form = rng.random(len(rows)) < (1.0 if not pool else 0.6)
            shapes[rows[use_form]] = _draw(rng, forms, int(use_form.sum()))
    name = _fill(shapes, brand=brand, word=words, legal=legal, city=cities, country=country_names)
    company = ~pd.Series(shapes, dtype=object).str.contains(r"\{(?:city|country)\}").to_numpy()
    name = np.where((countries == "ID") & company & (rng.random(n) < 0.8), "PT " + name, name)
    place = pd.Series(cities, dtype=object).str.replace(" ", "").str.lower().to_numpy(dtype=object)
    slug = np.where(company, brand, place + "-" + pd.Series(sectors, dtype=object).str.slice(0, 3))
    native = np.zeros(n, dtype=bool)
    for country in NATIVE:
        rows = np.flatnonzero((countries == country) & company)
        rows = rows[rng.random(len(rows)) < native_rate]
        if len(rows):
            name[rows], slug[rows] = native_names(rng, country, len(rows))
            native[rows] = True
    return name.astype(object), brand, slug.astype(object), native


def client_names(rng: np.random.Generator, countries: np.ndarray) -> np.ndarray:
    """Downstream end users a channel customer names: hospitals, banks, universities, studios,
    manufacturers, in the customer's country."""
    sectors = _draw(
        rng,
        ("hospital", "bank", "university", "vfx_studio", "manufacturer", "insurer", "pharma",
         "government", "ecommerce", "automotive", "telecom", "ai_startup"),
        len(countries),
    )  # fmt: skip
    from detectors.synthetic.population import per_country  # noqa: PLC0415 (no cycle at import)

    cities = per_country(rng, countries, "cities")
    legal = per_country(rng, countries, "legal_forms")
    name, *_ = customer_names(rng, countries, sectors, cities, legal, country_words(countries), 0.0)
    return name


def _shouted(phrase: str) -> str:
    """The phrase in capitals, its "{field}" placeholders kept as they are."""
    return re.sub(r"\{([A-Z]+)\}", lambda m: "{" + m.group(1).lower() + "}", phrase.upper())


@cache
def _variants() -> tuple[np.ndarray, np.ndarray]:
    """(written variants by sector row, count per row)."""
    rows = []
    for sector in SECTORS:
        variants = []
        for phrase in _END_USES[sector]:
            lower = phrase[0].lower() + phrase[1:] if phrase[:2] != phrase[:2].upper() else phrase
            for form in _FORMS:
                variants.append(
                    form.replace("{lower}", lower)
                    .replace("{upper}", _shouted(phrase))
                    .replace("{}", phrase)
                )
        rows.append(variants)
    table = np.empty((len(rows), max(len(r) for r in rows)), dtype=object)
    for i, variants in enumerate(rows):
        table[i, : len(variants)] = variants
    return table, np.array([len(r) for r in rows])


def end_uses(
    rng: np.random.Generator,
    sectors: np.ndarray,
    countries: np.ndarray,
    cities: np.ndarray,
    country_names: np.ndarray,
    local_rate: float,
    blank_rate: float,
) -> np.ndarray:
    """An end use per row for customers of the given sectors (None = left empty)."""
    n = len(sectors)
    position = pd.Index(list(SECTORS)).get_indexer(np.asarray(sectors, dtype=object))
    position = np.where(position < 0, SECTORS.index("var_reseller"), position)
    table, lengths = _variants()
    text = table[position, (rng.random(n) * lengths[position]).astype(np.int64)]
    for country, phrases in _LOCAL_END_USES.items():
        rows = np.flatnonzero((countries == country) & (rng.random(n) < local_rate))
        text[rows] = _draw(rng, phrases, len(rows))
    number = rng.integers(1000, 99999, size=n).astype(str).astype(object)
    text = _fill(text, city=cities, country=country_names, n=number)
    odd = rng.random(n)
    text = np.where(odd < blank_rate, MISSING, text)
    blank_like = (odd >= blank_rate) & (odd < blank_rate * 1.3)
    text[blank_like] = _draw(rng, _BLANK_LIKE, int(blank_like.sum()))
    return text
