"""Gazetteers and head-word lists, loaded once per process.

Data lists come from resources/gazetteers/ (built by tools/build_resources.py from open
data); the short word lists below are general English knowledge about how names are built
(head words, titles) and are deliberately not tied to any particular release.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from reviewer.core.resources import resource_path

# Heads that need a complement ("Ministry of ...") or a proper-noun modifier to name something.
WEAK_ORG_HEADS = frozenset(
    [
        "Government",
        "Office",
        "Service",
        "Services",
        "Programme",
        "Network",
        "Partners",
        "House",
        "Mission",
        "Group",
        "Club",
        "Exchange",
        "International",
        "Global",
        "Worldwide",
    ]
)
LEGAL_SUFFIXES = frozenset(
    [
        "Inc",
        "Incorporated",
        "Ltd",
        "Limited",
        "LLC",
        "LLP",
        "PLC",
        "Plc",
        "GmbH",
        "AG",
        "SA",
        "NV",
        "BV",
        "Co",
        "Corp",
        "Pty",
        "SE",
        "KK",
        "Bhd",
        "Tbk",
        "SpA",
        "SAS",
        "Oy",
        "AB",
        "ASA",
    ]
)

# Words that end an organisation name (legal suffixes included).
ORG_HEADS = frozenset(
    [
        "Ministry",
        "Ministries",
        "Department",
        "Agency",
        "Agencies",
        "Secretariat",
        "Fund",
        "Funds",
        "Bank",
        "Council",
        "Committee",
        "Commission",
        "University",
        "Institute",
        "Institution",
        "Association",
        "Centre",
        "Center",
        "Centers",
        "Centres",
        "Foundation",
        "Corporation",
        "Company",
        "Group",
        "Holdings",
        "Authority",
        "Office",
        "Organization",
        "Organisation",
        "Union",
        "Federation",
        "Society",
        "Board",
        "Bureau",
        "Police",
        "Army",
        "Navy",
        "Forces",
        "Party",
        "Community",
        "Government",
        "Parliament",
        "Congress",
        "Court",
        "Tribunal",
        "Alliance",
        "Coalition",
        "Network",
        "Partners",
        "Capital",
        "Ventures",
        "Technologies",
        "Technology",
        "Systems",
        "Labs",
        "Laboratories",
        "Solutions",
        "Hospital",
        "School",
        "College",
        "Academy",
        "Club",
        "Trust",
        "Exchange",
        "Administration",
        "Service",
        "Services",
        "Cabinet",
        "Assembly",
        "Senate",
        "Consortium",
        "Cooperative",
        "Enterprises",
        "Industries",
        "Pharmaceuticals",
        "Therapeutics",
        "Biosciences",
        "Bancorp",
        "Bancshares",
        "Insurance",
        "Airlines",
        "Airways",
        "Motors",
        "Energy",
        "Media",
        "Studios",
        "Brands",
        "Secretariats",
        "Directorate",
        "Inspectorate",
        "Commissariat",
        "Chamber",
        "House",
        "Observatory",
        "Programme",
        "Worldwide",
        "International",
        "Global",
        "Inc.",
        "Bureau",
        "Treasury",
        "Reserve",
        "Mission",
        "Embassy",
        "Consulate",
    ]
) | LEGAL_SUFFIXES
EVENT_HEADS = frozenset(
    [
        "Forum",
        "Summit",
        "Summits",
        "Dialogue",
        "Conference",
        "Meeting",
        "Meetings",
        "Symposium",
        "Ceremony",
        "Congress",
        "Day",
        "Week",
        "Revolution",
        "War",
        "Expo",
        "Exhibition",
        "Festival",
        "Games",
        "Olympics",
        "Championship",
        "Championships",
        "Cup",
        "Workshop",
        "Seminar",
        "Webinar",
        "Roundtable",
        "Retreat",
        "Session",
        "Fair",
        "Show",
        "Awards",
        "Gala",
        "Marathon",
        "Crisis",
        "Tour",
        "Hackathon",
        "Consultation",
        "Consultations",
        "Talks",
        "Colloquium",
        "Jamboree",
        "Olympiad",
        "Biennale",
        "Triennale",
    ]
)
WEAK_EVENT_HEADS = frozenset(
    [
        "Day",
        "Week",
        "Session",
        "Tour",
        "Show",
        "Crisis",
        "Talks",
        "Cup",
        "Awards",
        "Meeting",
        "Meetings",
    ]
)
DOC_HEADS = frozenset(
    [
        "Agreement",
        "Agreements",
        "Treaty",
        "Treaties",
        "Declaration",
        "Declarations",
        "Statement",
        "Plan",
        "Strategy",
        "Act",
        "Accord",
        "Accords",
        "Protocol",
        "Charter",
        "Blueprint",
        "Vision",
        "Outlook",
        "Framework",
        "Roadmap",
        "Resolution",
        "Code",
        "Memorandum",
        "Pact",
        "Compact",
        "Directive",
        "Regulation",
        "Regulations",
        "Law",
        "Constitution",
        "Convention",
        "Guidelines",
        "Principles",
        "Manifesto",
        "Doctrine",
        "Initiative",
        "Agenda",
        "Report",
        "Communique",
        "Communiqué",
        "Programme",
        "Program",
        "Bill",
        "Covenant",
    ]
)
# Document heads that only name a document with a complement or an entity modifier.
WEAK_DOC_HEADS = frozenset(
    [
        "Plan",
        "Strategy",
        "Vision",
        "Outlook",
        "Framework",
        "Roadmap",
        "Initiative",
        "Agenda",
        "Report",
        "Programme",
        "Program",
        "Code",
        "Concept",
        "Mechanism",
        "Partnership",
        "Arrangement",
        "Understanding",
        "Principles",
        "Guidelines",
        "Bill",
        "Law",
    ]
)
# Heads that are never names on their own: "Partnership" only inside a longer document name.
NONFINAL_DOC_HEADS = frozenset(
    ["Partnership", "Arrangement", "Understanding", "Concept", "Mechanism"]
)
PLACE_HEADS = frozenset(
    [
        "Sea",
        "Ocean",
        "Peninsula",
        "Gulf",
        "Strait",
        "Straits",
        "Bay",
        "Island",
        "Islands",
        "River",
        "Mountains",
        "Mountain",
        "Lake",
        "Valley",
        "Province",
        "Prefecture",
        "County",
        "District",
        "Delta",
        "Basin",
        "Coast",
        "Desert",
        "Archipelago",
        "Highlands",
        "Plateau",
        "Canal",
        "Region",
        "Territory",
        "Territories",
        "Republic",
        "Kingdom",
        "Emirates",
        "Federation",
        "Sultanate",
        "Principality",
        "Creek",
        "Canyon",
        "Harbor",
        "Harbour",
        "Peak",
        "Falls",
    ]
)
WEAK_PLACE_HEADS = frozenset(
    ["Region", "Republic", "Kingdom", "Federation", "Territory", "Territories", "District"]
)

# Core titles end a title phrase; modifiers may precede them ("Senior Deputy Foreign Minister").
TITLE_CORE = frozenset(
    [
        "Minister",
        "President",
        "Vice-President",
        "Chairman",
        "Chairwoman",
        "Chairperson",
        "Chair",
        "Chancellor",
        "Chef",
        "Pastor",
        "Reverend",
        "Detective",
        "Sheriff",
        "Trustee",
        "Secretary",
        "Secretary-General",
        "Under-Secretary-General",
        "Director",
        "Director-General",
        "Ambassador",
        "Envoy",
        "Governor",
        "Mayor",
        "Premier",
        "King",
        "Queen",
        "Prince",
        "Princess",
        "Emperor",
        "Sultan",
        "Pope",
        "Senator",
        "Representative",
        "Congressman",
        "Congresswoman",
        "Councillor",
        "Councilor",
        "Commissioner",
        "Chief",
        "CEO",
        "CFO",
        "COO",
        "CTO",
        "CMO",
        "CIO",
        "CSO",
        "Founder",
        "Co-Founder",
        "Cofounder",
        "Officer",
        "Manager",
        "Partner",
        "Head",
        "Leader",
        "Spokesperson",
        "Spokesman",
        "Spokeswoman",
        "General",
        "Admiral",
        "Colonel",
        "Captain",
        "Lieutenant",
        "Major",
        "Sergeant",
        "Professor",
        "Prof",
        "Dr",
        "Mr",
        "Mrs",
        "Ms",
        "Miss",
        "Sir",
        "Dame",
        "Lord",
        "Lady",
        "Judge",
        "Justice",
        "Attorney",
        "Counsel",
        "Consul",
        "Delegate",
        "Deputy",
        "Analyst",
        "Editor",
        "Coach",
        "Architect",
        "Engineer",
        "Scientist",
        "Researcher",
        "Economist",
        "Strategist",
        "Rep",
        "Sen",
        "Gov",
        "Gen",
        "Col",
        "Capt",
        "Lt",
        "Rev",
        "Father",
        "Sister",
        "Brother",
        "Bishop",
        "Archbishop",
        "Cardinal",
        "Imam",
        "Rabbi",
        "Dean",
        "Provost",
        "Rector",
        "Lecturer",
        "Dato",
        "Datuk",
        "Tan",
        "Sri",
        "Tun",
        "Excellency",
        "Highness",
        "Majesty",
    ]
)
TITLE_MODS = frozenset(
    [
        "Senior",
        "Deputy",
        "Vice",
        "Prime",
        "Foreign",
        "Executive",
        "Chief",
        "Permanent",
        "Acting",
        "Former",
        "Interim",
        "Assistant",
        "Associate",
        "Managing",
        "General",
        "Principal",
        "Co",
        "Joint",
        "Special",
        "First",
        "Second",
        "Third",
        "Financial",
        "Operating",
        "Technology",
        "Technical",
        "Marketing",
        "Commercial",
        "Operations",
        "Sales",
        "Communications",
        "Regional",
        "National",
        "Global",
        "Founding",
        "Honorary",
        "Trade",
        "Finance",
        "Defence",
        "Defense",
        "Health",
        "Education",
        "Industry",
        "Interior",
        "Home",
        "Economic",
        "Economy",
        "Justice",
        "Labour",
        "Labor",
        "Agriculture",
        "Environment",
        "Energy",
        "Transport",
        "Culture",
        "Tourism",
        "State",
        "Independent",
        "Non-Executive",
        "Lead",
        "Board",
        "Group",
        "Country",
        "Area",
        "Program",
        "Project",
        "Product",
        "Research",
        "Legal",
        "Investor",
        "Public",
        "Press",
        "Media",
        "Development",
        "Business",
        "Policy",
        "Political",
        "Affairs",
    ]
)
# Capitalised words that start sentences or headlines but never start a name.
STOP_CAPS = frozenset(
    [
        "The",
        "A",
        "An",
        "This",
        "That",
        "These",
        "Those",
        "It",
        "Its",
        "Our",
        "Their",
        "His",
        "Her",
        "We",
        "You",
        "They",
        "He",
        "She",
        "I",
        "In",
        "On",
        "At",
        "For",
        "By",
        "With",
        "From",
        "To",
        "Of",
        "And",
        "Or",
        "But",
        "As",
        "If",
        "When",
        "While",
        "After",
        "Before",
        "During",
        "Since",
        "Until",
        "Through",
        "Under",
        "Over",
        "About",
        "Also",
        "Both",
        "Each",
        "Every",
        "All",
        "Any",
        "Some",
        "Many",
        "Most",
        "More",
        "Such",
        "Other",
        "Another",
        "No",
        "Not",
        "Yes",
        "Today",
        "Yesterday",
        "Tomorrow",
        "Here",
        "There",
        "Where",
        "What",
        "Who",
        "Why",
        "How",
        "Which",
        "Whose",
        "Meanwhile",
        "However",
        "Furthermore",
        "Moreover",
        "Additionally",
        "Accordingly",
        "Overall",
        "Further",
        "Finally",
        "First",
        "Second",
        "Third",
        "Then",
        "Thus",
        "Therefore",
        "Following",
        "Among",
        "Between",
        "Despite",
        "Without",
        "Within",
        "Upon",
        "Via",
        "Per",
        "Towards",
        "Toward",
        "Against",
        "Amid",
        "Amidst",
        "Looking",
        "Speaking",
        "According",
        "Based",
        "Emphasizing",
        "Emphasising",
        "Taking",
        "Promoting",
        "Expand",
        "Total",
        "Approximately",
        "Other",
        "Source",
        "Photo",
        "Read",
        "Click",
        "Learn",
        "Visit",
        "Contact",
        "Follow",
        "Share",
        "Related",
        "See",
        "Note",
        "Menu",
        "Comment",
        "Comments",
        "News",
        "Next",
        "Previous",
        "Back",
        "Top",
        "Login",
        "Sign",
        "Subscribe",
    ]
)
# Headline verbs: a name never runs across them ("Acme Announces Merger Agreement").
HEADLINE_VERBS = frozenset(
    [
        "Announces",
        "Announce",
        "Announced",
        "Reports",
        "Report",
        "Reported",
        "Launches",
        "Launch",
        "Launched",
        "Signs",
        "Signed",
        "Enters",
        "Entered",
        "Completes",
        "Completed",
        "Receives",
        "Received",
        "Wins",
        "Won",
        "Expands",
        "Expanded",
        "Introduces",
        "Introduced",
        "Unveils",
        "Unveiled",
        "Joins",
        "Joined",
        "Partners",
        "Appoints",
        "Appointed",
        "Names",
        "Named",
        "Celebrates",
        "Opens",
        "Opened",
        "Closes",
        "Closed",
        "Releases",
        "Released",
        "Acquires",
        "Acquired",
        "Secures",
        "Secured",
        "Raises",
        "Raised",
        "Debuts",
        "Hosts",
        "Hosted",
        "Welcomes",
        "Welcomed",
        "Files",
        "Filed",
        "Prices",
        "Priced",
        "Declares",
        "Declared",
        "Adds",
        "Added",
        "Achieves",
        "Achieved",
        "Awarded",
        "Selects",
        "Selected",
        "Approves",
        "Approved",
        "Expects",
        "Plans",
        "Plan",
        "To",
        "For",
        "With",
        "Affirms",
        "Reaffirms",
        "Calls",
        "Urges",
        "Says",
        "Said",
        "Holds",
        "Held",
        "Marks",
        "Marked",
        "Agrees",
        "Agreed",
        "Adopts",
        "Adopted",
        "Highlights",
        "Highlighted",
        "Strengthens",
        "Boosts",
        "Supports",
        "Supported",
        "Delivers",
        "Delivered",
        "Presents",
    ]
) - {"Plan", "Report"}
EXCHANGES = frozenset(
    [
        "NASDAQ",
        "Nasdaq",
        "NYSE",
        "AMEX",
        "TSX",
        "TSXV",
        "TSX.V",
        "TSX-V",
        "CSE",
        "ASX",
        "LSE",
        "AIM",
        "OTC",
        "OTCQB",
        "OTCQX",
        "OTCPK",
        "HKEX",
        "SGX",
        "TSE",
        "JPX",
        "Euronext",
        "SIX",
        "BSE",
        "NSE",
        "KRX",
        "KOSDAQ",
        "NEO",
        "CBOE",
        "Cboe",
    ]
)

# General geography and groups that GeoNames and the country list do not carry.
EXTRA_PLACES = """
Asia Europe Africa Oceania Antarctica Arctic Americas Eurasia Middle East Near East Far East
Southeast Asia South Asia East Asia Northeast Asia Central Asia West Asia Western Asia
North America South America Central America Latin America Caribbean Balkans Scandinavia
Asia-Pacific Asia Pacific Indo-Pacific Pacific Atlantic Mediterranean Sahel Maghreb Gulf
Horn of Africa Sub-Saharan Africa West Africa East Africa North Africa Southern Africa
Western Europe Eastern Europe Central Europe Northern Europe Southern Europe Silicon Valley
Wall Street Korea Lao PDR DPRK UAE UK US USA U.S. U.S.A. U.K. PRC Hong Kong Macau Macao Taiwan
Mekong Amazon Nile Danube Yangtze Himalayas Alps Andes Rhine Ganges Mekong Delta Greater Mekong
Eurozone Euro Area Great Britain England Scotland Wales Northern Ireland Holland Burma
Persian Gulf Arabian Gulf Red Sea Black Sea Baltic Baltic Sea Caspian Sea Arabian Sea
""".strip()
EXTRA_NORP = """
Asian Southeast Asian Northeast Asian East Asian South Asian Central Asian European African
American Latin American Arab Arabian Middle Eastern Western Eastern Nordic Scandinavian Slavic
Hispanic Latino Latina Caribbean Pacific Islander Muslim Muslims Christian Christians Buddhist
Buddhists Catholic Catholics Protestant Protestants Hindu Hindus Jewish Jews Sikh Sikhs Shia
Sunni Orthodox Evangelical Democrat Democrats Republican Republicans Communist Communists
Socialist Socialists Conservative Conservatives Liberal Liberals Labour Kurdish Kurds Tamil
Uyghur Rohingya Pashtun Malay Malays Chinese Japanese Korean Koreans Vietnamese Europeans
Africans Americans Asians Arabs Indonesians Filipinos Thais Laotian Burmese Cambodians
""".strip()


def _multi(lines: str) -> list[str]:
    """Split the EXTRA_* blocks: known multi-word names first, then single words."""
    return lines.split()


@dataclass
class Gazetteer:
    # token tuple -> label for multi-word and single names
    names: dict[tuple[str, ...], str] = field(default_factory=dict)
    first_tokens: dict[str, int] = field(default_factory=dict)  # first token -> longest length
    upper_names: dict[tuple[str, ...], str] = field(default_factory=dict)  # for ALL-CAPS text
    org_acronyms: dict[str, str] = field(default_factory=dict)  # acronym -> full name
    given: frozenset[str] = frozenset()
    surnames: frozenset[str] = frozenset()
    common: frozenset[str] = frozenset()  # lower-case English vocabulary
    demonyms: frozenset[str] = frozenset()

    def add(self, name: str, label: str, override: bool = False) -> None:
        toks = tuple(tokenize_name(name))
        if not toks:
            return
        if override or toks not in self.names:
            self.names[toks] = label
        if len(toks) > self.first_tokens.get(toks[0], 0):
            self.first_tokens[toks[0]] = len(toks)
        up = tuple(t.upper() for t in toks)
        self.upper_names.setdefault(up, label)
        if len(toks) > self.first_tokens.get(up[0], 0):
            self.first_tokens[up[0]] = len(toks)

    def is_name_part(self, tok: str) -> bool:
        return tok in self.given or tok in self.surnames

    def is_common(self, tok: str) -> bool:
        return tok.lower() in self.common


def tokenize_name(name: str) -> list[str]:
    from reviewer.core.extract.names import TOKEN_RE

    return [m.group(0) for m in TOKEN_RE.finditer(name)]


def _read_lines(*parts: str) -> list[str]:
    p = resource_path(*parts)
    try:
        return [ln for ln in p.read_text("utf-8").splitlines() if ln.strip()]
    except OSError:
        return []


_LOCK = threading.Lock()
_GAZ: Gazetteer | None = None

MULTI_EXTRA_PLACES = (
    "Middle East",
    "Near East",
    "Far East",
    "Southeast Asia",
    "South Asia",
    "East Asia",
    "Northeast Asia",
    "Central Asia",
    "West Asia",
    "Western Asia",
    "North America",
    "South America",
    "Central America",
    "Latin America",
    "Horn of Africa",
    "Sub-Saharan Africa",
    "West Africa",
    "East Africa",
    "North Africa",
    "Southern Africa",
    "Western Europe",
    "Eastern Europe",
    "Central Europe",
    "Northern Europe",
    "Southern Europe",
    "Silicon Valley",
    "Wall Street",
    "Lao PDR",
    "Hong Kong",
    "Great Britain",
    "Northern Ireland",
    "Persian Gulf",
    "Arabian Gulf",
    "Red Sea",
    "Black Sea",
    "Baltic Sea",
    "Caspian Sea",
    "Arabian Sea",
    "Mekong Delta",
    "Greater Mekong",
    "Euro Area",
    "Asia Pacific",
)
SINGLE_EXTRA_PLACES = tuple(
    w
    for w in EXTRA_PLACES.split()
    if w[0].isupper() and not any(w in m.split() for m in MULTI_EXTRA_PLACES)
) + ("Asia", "Europe", "Africa", "Korea", "Mekong", "Pacific", "Atlantic", "Caribbean")
MULTI_EXTRA_NORP = (
    "Southeast Asian",
    "Northeast Asian",
    "East Asian",
    "South Asian",
    "Central Asian",
    "Latin American",
    "Middle Eastern",
    "Pacific Islander",
)
SINGLE_EXTRA_NORP = tuple(
    w
    for w in EXTRA_NORP.split()
    if w
    not in (
        "Southeast",
        "Northeast",
        "East",
        "South",
        "Central",
        "Latin",
        "Middle",
        "Eastern",
        "Western",
        "Pacific",
        "Islander",
        "Caribbean",
        "Labour",
        "Liberal",
        "Liberals",
        "Conservative",
        "Conservatives",
        "Orthodox",
        "Evangelical",
    )
)
# City names that are everyday English words or given names in business text.
AMBIGUOUS_PLACES = frozenset(
    [
        "Mobile",
        "Reading",
        "Bath",
        "Nice",
        "Split",
        "Orange",
        "Independence",
        "Victoria",
        "Phoenix",
        "Aurora",
        "Florence",
        "Unity",
        "Jackson",
        "Austin",
        "Madison",
        "Charlotte",
        "Lincoln",
        "Hamilton",
        "Washington",
        "Columbus",
        "Cleveland",
        "Houston",
        "Dallas",
        "Georgia",
        "Jordan",
        "Chad",
        "Niger",
        "Guinea",
        "Turkey",
        "Mali",
        "Of",
        "Brest",
        "Sale",
        "Bristol",
        "Best",
        "Wells",
        "Hope",
        "Union",
        "Pace",
        "March",
        "Para",
        "Santa",
        "San",
        "Concord",
        "Normal",
        "Enterprise",
        "Commerce",
        "Industry",
        "Harmony",
        "Liberty",
        "Eagle",
        "Deal",
        "Marina",
        "Alexandria",
        "Troy",
        "Lowell",
        "Kent",
        "Essex",
        "Surrey",
        "Lafayette",
        "Pasadena",
        "Irvine",
        "Warren",
    ]
) - {
    "Washington",
    "Houston",
    "Dallas",
    "Georgia",
    "Jordan",
    "Turkey",
    "Mali",
    "Chad",
    "Niger",
    "Guinea",
    "Columbus",
    "Cleveland",
    "Austin",
    "Alexandria",
}


def gazetteer() -> Gazetteer:
    """The process-wide gazetteer (built on first use, then shared)."""
    global _GAZ
    if _GAZ is not None:
        return _GAZ
    with _LOCK:
        if _GAZ is None:
            _GAZ = _build()
    return _GAZ


COMPASS_WORDS = frozenset(
    ["North", "South", "East", "West", "Central", "Northern", "Southern", "Eastern", "Western",
     "Northeast", "Northwest", "Southeast", "Southwest", "Upper", "Lower", "Middle"]
)


def _vague_region(name: str, g: Gazetteer) -> bool:
    """One-word first-level regions named by a direction or an everyday word (`Central`,
    `North`, `Capital`): in business text these words are almost never the region. (Regions
    named like people - `Maryland`, `Georgia`, `Michael` - stay: most are real states.)"""
    return " " not in name and (
        name in COMPASS_WORDS or name in ("Capital", "Coast") or g.is_common(name)
    )


def _build() -> Gazetteer:
    g = Gazetteer()
    g.common = frozenset(_read_lines("gazetteers", "common_words.txt"))
    g.given = frozenset(_read_lines("gazetteers", "given_names.txt"))
    g.surnames = frozenset(_read_lines("gazetteers", "surnames.txt"))
    for line in _read_lines("gazetteers", "places.tsv"):
        name, _, kind = line.partition("\t")
        if name in AMBIGUOUS_PLACES:
            continue
        if kind.startswith("region") and _vague_region(name, g):
            continue
        g.add(name, "PLACE")
    for name in MULTI_EXTRA_PLACES + SINGLE_EXTRA_PLACES:
        g.add(name, "PLACE", override=True)
    dem = set()
    for line in _read_lines("gazetteers", "demonyms.tsv"):
        d = line.split("\t", 1)[0]
        dem.add(d)
    dem.update(MULTI_EXTRA_NORP + SINGLE_EXTRA_NORP)
    for d in dem:
        g.add(d, "NORP", override=True)
    g.demonyms = frozenset(dem)
    for line in _read_lines("gazetteers", "orgs.tsv"):
        name, _, acr = line.partition("\t")
        g.add(name, "ORG", override=True)
        if acr:
            g.add(acr, "ORG", override=True)
            g.org_acronyms[acr] = name
    return g
