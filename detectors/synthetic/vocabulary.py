"""End uses as customers write them, by industry, in two disjoint vocabularies.

A customer's industry (`INDUSTRIES`) says what it does with GPUs; its end-use field is
drawn from that industry's phrases. The "standard" and "alternate" vocabularies phrase the
same activities differently (so a population written in one is a fair test of anything
tuned on the other); "mixed" draws from both, "legacy" from the six phrases of the first
generator. Each phrase is also written in a few ways (lower case, a label in front, a
statement after), some end uses are terse, some are in the customer's own language, and
some are left empty. Every variant is built once per vocabulary; rows only index it."""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd

from detectors.synthetic.missing import MISSING
from detectors.synthetic.population import positions_in

# What each industry does with GPUs, phrased two ways: (standard, alternate).
# fmt: off
_PHRASES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "ai_lab": (
        ("LLM training", "Training large language models in own data centre",
         "AI model training and fine-tuning", "Foundation model pre-training cluster",
         "Inference serving for our chatbot product", "Computer vision model development",
         "Reinforcement learning research", "GenAI R&D"),
        ("Pre-training and RLHF of in-house language models", "LLM inference",
         "Deep learning experiments, internal use only", "Speech recognition model training",
         "Training clusters for multimodal models", "Model distillation and evaluation",
         "AI research compute", "Fine tuning open-weight models for enterprise clients"),
    ),
    "cloud": (
        ("GPU cloud capacity for commercial customers", "Server farm expansion, AI hosting",
         "Colocation customer deployment", "IaaS GPU instances", "Bare-metal GPU rental",
         "Expansion of our AI cloud region", "Managed Kubernetes with GPU nodes",
         "Hosting"),
        ("GPU-as-a-service for enterprise tenants", "New availability zone build-out",
         "Capacity for hosted inference endpoints", "Colo cage build for a hyperscale tenant",
         "On-demand compute for SaaS customers", "Server farm refresh",
         "Private cloud for regulated customers", "Data centre capacity"),
    ),
    "it_channel": (
        ("Resale to named enterprise end user for on-premise AI",
         "Resale to university customer for HPC cluster", "Customer project: AI workstation cluster",
         "Integration into customer's on-prem inference servers", "Stock for local resale",
         "Resale to end user, see attached EUC", "System build for bank's fraud analytics",
         "Rack integration for customer data centre"),
        ("Reseller order on behalf of end customer (details in EUS)",
         "Build-to-order servers for domestic clients", "Project for public sector HPC tender",
         "Replenishment of local inventory", "Integration & burn-in for enterprise client",
         "Customer PO: AI training appliance", "Supply to hospital imaging project",
         "Domestic resale to research institutes"),
    ),
    "research": (
        ("University research computing cluster", "HPC cluster for climate modelling",
         "Genomics and protein folding research", "Computational fluid dynamics",
         "Molecular dynamics simulations", "Astrophysics simulations on campus HPC",
         "Weather and climate modelling", "Research"),
        ("Upgrade of the institute's supercomputer", "Earth system model runs",
         "Bioinformatics pipeline acceleration", "Materials science simulation (DFT)",
         "Shared GPU partition for PhD students", "Particle physics data analysis",
         "Quantum chemistry calculations", "Academic HPC"),
    ),
    "media": (
        ("Render farm expansion", "VFX rendering for feature films", "Rendering farm upgrade",
         "3D animation rendering", "Real-time rendering for virtual production",
         "Video transcoding and streaming", "Game development build and render nodes",
         "rendering"),
        ("Render nodes for episodic VFX", "Cloud render farm for animation studio",
         "Virtual production LED stage", "Offline rendering (Arnold/RenderMan)",
         "AI upscaling of film archive", "Pixel streaming for games",
         "Post-production colour grading", "CGI rendering"),
    ),
    "auto": (
        ("Autonomous driving simulation", "ADAS perception model training",
         "Crash simulation and CAE", "Self-driving data processing",
         "Digital twin of production line", "Sensor fusion model development",
         "Autonomous-driving simulation", "CAE"),
        ("Simulation of driver-assistance scenarios", "Training of AD perception stack",
         "Virtual validation of vehicle software", "Fleet data labelling and training",
         "Aerodynamics CFD", "HIL/SIL test benches", "Robotaxi simulation", "ADAS"),
    ),
    "biotech": (
        ("Genomics", "Protein structure prediction", "Drug discovery with AI",
         "Genome sequencing analysis", "Cryo-EM image processing", "Molecular docking",
         "Clinical trial data analysis", "Bioinformatics"),
        ("Sequencing secondary analysis", "AI-assisted compound screening",
         "Protein language model training", "Single-cell data analysis",
         "Medical imaging AI", "Pathology slide analysis", "Structural biology", "Omics"),
    ),
    "finance": (
        ("Risk modelling and Monte Carlo simulation", "Fraud detection models",
         "Quantitative research", "Data mining of transaction records", "Algorithmic trading research",
         "Credit scoring ML", "Internal AI assistant for staff", "Analytics"),
        ("Real-time fraud scoring", "Portfolio risk simulation", "Market data analytics",
         "Backtesting of trading strategies", "Anti-money-laundering analytics",
         "Document AI for claims", "Quant research grid", "Risk"),
    ),
    "energy": (
        ("Seismic imaging and reservoir simulation", "Mineral exploration data mining",
         "Geological modelling for mining operations", "Grid load forecasting",
         "Wind farm wake simulation", "Subsurface modelling", "Reservoir simulation", "Seismic"),
        ("Ore body modelling", "Exploration geophysics processing", "Mine site digital twin",
         "Solar farm output forecasting", "Pipeline inspection AI", "Drilling optimisation",
         "Geoscience HPC", "Mining analytics"),
    ),
    "agri": (
        ("Crop yield prediction from satellite images", "Precision farming analytics",
         "Drone imagery analysis for farms", "Livestock monitoring AI",
         "Agronomic data mining", "Plant genomics", "Farm management platform", "Agritech"),
        ("Field imagery segmentation", "Weather-driven yield models",
         "Greenhouse climate optimisation", "Dairy farm herd analytics",
         "Soil data analysis", "Harvest forecasting", "Smart farming", "AgTech R&D"),
    ),
    "property": (
        ("3D virtual property tours rendering", "Automated valuation models",
         "Building information modelling (BIM)", "Real estate market analytics",
         "Architectural visualisation", "Smart building analytics", "PropTech platform",
         "Visualisation"),
        ("Property price prediction", "Digital twins of commercial buildings",
         "Rendering of housing developments", "Listing image enhancement",
         "Energy efficiency modelling for portfolio", "Floor plan recognition",
         "BIM", "Realty analytics"),
    ),
    "telecom": (
        ("Network optimisation with AI", "5G RAN simulation", "Edge inference for customers",
         "Customer-care chatbot", "Network traffic analytics", "vRAN acceleration",
         "Telco cloud", "Edge AI"),
        ("AI-RAN trials", "Churn prediction models", "Edge GPU nodes in exchanges",
         "Fraud detection on call records", "Network planning simulation",
         "Private 5G edge computing", "OSS/BSS analytics", "Telco AI"),
    ),
    "retail": (
        ("Recommendation engine", "Demand forecasting", "Route optimisation for deliveries",
         "Computer vision for stores", "Search ranking models", "Customer analytics",
         "Warehouse robotics", "E-commerce AI"),
        ("Personalisation models", "Supply chain forecasting", "Fleet routing",
         "Product image generation", "Checkout-free store vision", "Logistics planning AI",
         "Catalogue search", "Retail analytics"),
    ),
    "manufacturing": (
        ("Visual quality inspection", "Digital twin of the plant", "CAE and FEA simulation",
         "Predictive maintenance", "Generative design", "Robotics training",
         "Chip design EDA", "Engineering simulation and rendering"),
        ("Defect detection on the line", "Factory simulation", "Structural analysis",
         "Machine condition monitoring", "Topology optimisation", "Robot arm learning",
         "EDA and verification", "Simulation"),
    ),
    "healthcare": (
        ("Medical imaging AI", "Radiology image analysis", "Clinical NLP",
         "Hospital data platform", "Genome analysis for diagnostics", "Imaging"),
        ("CT/MRI reconstruction", "Digital pathology", "Patient record summarisation",
         "Diagnostic AI research", "Hospital AI", "Radiology"),
    ),
    "trading": (
        ("Resale", "Resale to local system integrators", "Distribution to local resellers",
         "Stock", "Trading stock for domestic market", "Resale to customers in country"),
        ("For resale in our market", "Local distribution", "Domestic channel sales",
         "Inventory", "Wholesale", "Resale to local integrators"),
    ),
}

# End uses in the customer's own language (a share of the customers of these countries).
_LOCAL: dict[str, tuple[str, ...]] = {
    "CN": ("人工智能模型训练", "数据中心扩容", "高性能计算集群", "科研计算", "大模型推理服务",
           "渲染农场", "自动驾驶仿真"),
    "TW": ("AI 模型訓練", "資料中心擴建", "高效能運算", "研究用途", "影像渲染"),
    "HK": ("AI 模型訓練", "數據中心", "研究用途", "雲端運算服務"),
    "JP": ("機械学習の研究開発", "社内AI基盤", "データセンター増設", "シミュレーション",
           "レンダリング"),
    "KR": ("AI 모델 학습", "데이터센터 증설", "연구용", "자율주행 시뮬레이션"),
    "DE": ("KI-Training im eigenen Rechenzentrum", "HPC-Cluster", "Simulation und Berechnung",
           "Forschung", "Rendering"),
    "FR": ("Calcul haute performance", "Entraînement de modèles d'IA", "Recherche",
           "Rendu 3D"),
    "ES": ("Entrenamiento de modelos de IA", "Centro de datos propio", "Investigación"),
    "MX": ("Entrenamiento de modelos de IA", "Centro de datos", "Reventa local"),
    "CL": ("Investigación", "Minería de datos", "Modelamiento geológico para minería"),
    "BR": ("Treinamento de modelos de IA", "Data center próprio", "Pesquisa",
           "Renderização"),
    "IT": ("Calcolo ad alte prestazioni", "Addestramento modelli IA", "Ricerca"),
    "VN": ("Huấn luyện mô hình AI", "Trung tâm dữ liệu", "Nghiên cứu"),
    "ID": ("Pelatihan model AI", "Pusat data", "Penelitian"),
    "TR": ("Yapay zeka model eğitimi", "Veri merkezi", "Araştırma"),
}
# fmt: on

# The six end uses of the first generator (vocabulary "legacy").
LEGACY_END_USES = (
    "AI model training in own data centre",
    "GPU cloud capacity for commercial customers",
    "Inference cluster for recommendation services",
    "University research computing cluster",
    "Engineering simulation and rendering",
    "Resale to named enterprise end user for on-premise AI",
)
INDUSTRIES: tuple[str, ...] = tuple(_PHRASES)
# How each phrase may be written; "{}" is the phrase.
_STANDARD_FORMS = ("{}", "{}", "{}", "{lower}", "End use: {}", "{} (civil use only)",
                   "{}; not for military or crypto-mining use", "{}.")  # fmt: skip
_ALTERNATE_FORMS = ("{}", "{}", "{}", "{lower}", "Purpose - {}", "{} / commercial use",
                    "{}. No military end use.", "Application: {}")  # fmt: skip
_BLANK_LIKE = ("N/A", "-", "see EUC", "as per end-use certificate")


def _written(phrases: tuple[str, ...], forms: tuple[str, ...]) -> list[str]:
    out = []
    for phrase in phrases:
        lower = phrase[0].lower() + phrase[1:] if phrase[:2] != phrase[:2].upper() else phrase
        out += [form.replace("{lower}", lower).format(phrase) for form in forms]
    return out


@cache
def _table(vocabulary: str) -> tuple[np.ndarray, np.ndarray]:
    """(variants by industry row, count per row) for a vocabulary."""
    rows = []
    for industry in INDUSTRIES:
        standard, alternate = _PHRASES[industry]
        if vocabulary == "legacy":
            rows.append(list(LEGACY_END_USES))
            continue
        variants = []
        if vocabulary in ("standard", "mixed"):
            variants += _written(standard, _STANDARD_FORMS)
        if vocabulary in ("alternate", "mixed"):
            variants += _written(alternate, _ALTERNATE_FORMS)
        rows.append(variants)
    table = np.empty((len(rows), max(len(r) for r in rows)), dtype=object)
    for i, variants in enumerate(rows):
        table[i, : len(variants)] = variants
    return table, np.array([len(r) for r in rows])


def _pick_rows(
    rng: np.random.Generator, table: np.ndarray, lengths: np.ndarray, at: np.ndarray
) -> np.ndarray:
    choice = (rng.random(len(at)) * lengths[at]).astype(np.int64)
    rows: np.ndarray = table[at, choice]
    return rows


_LOCAL_INDEX = pd.Index(list(_LOCAL))


@cache
def _local_table() -> tuple[np.ndarray, np.ndarray]:
    table = np.empty((len(_LOCAL), max(len(v) for v in _LOCAL.values())), dtype=object)
    for i, phrases in enumerate(_LOCAL.values()):
        table[i, : len(phrases)] = phrases
    return table, np.array([len(v) for v in _LOCAL.values()])


def end_uses(
    rng: np.random.Generator,
    industries: np.ndarray,
    countries: np.ndarray,
    vocabulary: str,
    local_rate: float,
    blank_rate: float,
) -> np.ndarray:
    """An end use per row for customers of the given industries and countries (None = empty)."""
    n = len(industries)
    position = positions_in(pd.Index(list(INDUSTRIES)), industries)
    position = np.where(position < 0, INDUSTRIES.index("it_channel"), position)
    table, lengths = _table(vocabulary)
    text = _pick_rows(rng, table, lengths, position)
    if vocabulary != "legacy":
        local_at = positions_in(_LOCAL_INDEX, countries)
        local = np.flatnonzero((local_at >= 0) & (rng.random(n) < local_rate))
        text[local] = _pick_rows(rng, *_local_table(), local_at[local])
        odd = rng.random(n)
        text = np.where(odd < blank_rate, MISSING, text)
        blank_like = (odd >= blank_rate) & (odd < blank_rate * 1.25)
        text[blank_like] = np.asarray(_BLANK_LIKE, dtype=object)[
            rng.integers(0, len(_BLANK_LIKE), size=int(blank_like.sum()))
        ]
    return text
