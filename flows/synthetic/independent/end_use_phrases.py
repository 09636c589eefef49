"""End uses as the independent population's buyers type them into an order, by sector,
and in the buyer's own language for countries whose buyers often write one. Ordinary
wording that sounds alarming out of context is kept on purpose: render and server farms,
data and process mining, algorithmic trading, nuclear medicine."""

from __future__ import annotations

# fmt: off
# End uses, by sector, as buyers write them.
END_USES: dict[str, tuple[str, ...]] = {
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
LOCALEND_USES: dict[str, tuple[str, ...]] = {
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
# fmt: on
