"""The sectors of the independent population: which sectors each customer type comes from,
and the words and shapes of a sector's company names ("{city} University Hospital",
"{brand} Render Works")."""

from __future__ import annotations

import numpy as np

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
SECTOR_NAMES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
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
# fmt: on

SECTORS: tuple[str, ...] = tuple(SECTOR_NAMES)


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
