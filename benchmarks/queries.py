"""A fixed list of queries: words, phrases, field queries, date ranges, statuses."""

QUERIES = [
    "revenue", "acquisition", "partnership", "blockchain", "cannabis", "clinical trial",
    "artificial intelligence", "quarterly results", "dividend", "merger", "patent",
    "FDA approval", "lithium", "bitcoin", "real estate", "cybersecurity", "solar",
    '"press release"', '"chief executive officer"', '"net income"', '"artificial intelligence"',
    '"forward-looking statements"', '"New York"', '"United States"', '"fourth quarter"',
    "person:john", "person:smith", "person:michael", "person:david",
    "org:nasdaq", "org:inc", "org:university", "org:\"securities and exchange commission\"",
    "place:texas", "place:california", "place:london", "place:canada", "place:florida",
    "date:[2024 to 2025]", "date:[2025 to 2026]", "date:[2024-01 to 2024-06]",
    "revenue date:[2025 to 2026]", "ai date:[2024 to 2025]",
    "status:reviewed", "status:unreviewed", "status:in-progress",
    "revenue AND growth", "bitcoin OR ethereum", "health NOT cannabis", "mining AND gold",
    "launch*", "technolog*", "person:john AND place:texas", "org:nasdaq revenue",
    "title:announces", "title:\"first quarter\"", "",
]
