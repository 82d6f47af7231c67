"""Place names found without a cue: large US cities, in Title or upper case; US states and countries.

Safe Harbor removes every geographic subdivision smaller than a state, and the catalogue leaves states and
countries outside spans. Radiology text rarely names a place for any other reason, but some place names are
ordinary words or eponyms (``Mobile``, ``Reading``, ``Normal``, ``Jordan``, ``Chad``, ``Georgia``), so those
are left out or need a cue. They are matched by :func:`report_deid.place_lexicon.lexicon_places` without its
vocabulary gate, on capitalised runs only: ``Boston`` and ``BOSTON``, never ``boston``. States and countries
are matched so that a run stops at them and a town before them is found (``Greywater, Ontario``); alone they
are no PHI (:func:`region_words`, :func:`is_region`, used by the engine to drop them).
"""

from __future__ import annotations

from functools import cache

from report_deid.vocabulary import fold_word

US_STATES = [
    *"Alabama Alaska Arizona Arkansas California Colorado Connecticut Delaware Florida Hawaii Idaho Illinois "
    "Indiana Iowa Kansas Kentucky Louisiana Maine Maryland Massachusetts Michigan Minnesota Mississippi "
    "Missouri Montana Nebraska Nevada Ohio Oklahoma Oregon Pennsylvania Tennessee Texas Utah Vermont "
    "Wisconsin Wyoming".split(),
    "New Hampshire",
    "New Jersey",
    "New Mexico",
    "New York",
    "North Carolina",
    "North Dakota",
    "Rhode Island",
    "South Carolina",
    "South Dakota",
    "West Virginia",
    "Puerto Rico",
    "District of Columbia",
]
COUNTRIES = [
    *"Afghanistan Albania Algeria Argentina Armenia Australia Austria Azerbaijan Bangladesh Belarus Belgium "
    "Bolivia Bosnia Brazil Bulgaria Cambodia Cameroon Canada Chile China Colombia Croatia Cuba Cypr"
    "us Denmark "
    "Ecuador Egypt Eritrea Estonia Ethiopia Finland France Germany Ghana Greece Guatemala Haiti Honduras "
    "Hungary Iceland India Indonesia Iran Iraq Ireland Israel Italy Jamaica Japan Kazakhstan Kenya Korea "
    "Kuwait Laos Latvia Lebanon Liberia Libya Lithuania Malaysia Mexico Moldova Mongolia Morocco Mozambique "
    "Myanmar Nepal Netherlands Nicaragua Nigeria Norway Pakistan Panama Paraguay Peru Philippines Poland "
    "Portugal Romania Russia Rwanda Senegal Serbia Singapore Slovakia Slovenia Somalia Spain Sudan Sweden "
    "Switzerland Syria Taiwan Tanzania Thailand Tunisia Turkey Uganda Ukraine Uruguay Uzbekistan Venezuela "
    "Vietnam Yemen Zambia Zimbabwe".split(),
    "El Salvador",
    "Costa Rica",
    "Dominican Republic",
    "Sri Lanka",
    "Saudi Arabia",
    "South Africa",
    "South Korea",
    "North Korea",
    "New Zealand",
    "United Kingdom",
    "United States",
    "Czech Republic",
    "Puerto Rico",
    "USA",
    "U.S.A.",
    "U.K.",
    "England",
    "Scotland",
    "Wales",
    "Great Britain",
]
#: the larger US cities whose names are not ordinary words, names of people or eponyms
US_CITIES = [
    *"Albuquerque Anaheim Anchorage Arlington Atlanta Aurora Austin Bakersfield Baltimore Boise Boston "
    "Brooklyn Buffalo Chandler Charlotte Chicago Chattanooga Cincinnati Cleveland Columbus Dallas Denver "
    "Detroit Durham Fresno Glendale Greensboro Henderson Hialeah Honolulu Houston Indianapolis Irvine "
    "Jacksonville Knoxville Laredo Lexington Lincoln Louisville Lubbock Madison Memphis Mesa Miami "
    "Milwaukee Minneapolis Nashville Newark Norfolk Oakland Omaha Orlando Philadelphia Phoenix Pittsburgh "
    "Plano Portland Providence Raleigh Richmond Riverside Rochester Sacramento Scottsdale Seattle "
    "Spokane Springfield Stockton Tacoma Tampa Toledo Tucson Tulsa Wichita Worcester Yonkers Manhattan "
    "Queens Bronx Harlem Hartford Albany Syracuse Savannah Birmingham Montgomery Jackson Shreveport "
    "Louisville Evansville Dayton Akron Ann Arbor Lansing Kalamazoo Flint Duluth Fargo Billings Cheyenne "
    "Boulder Pueblo Reno Sparks Provo Tempe Peoria Joliet Naperville Evanston Gary Topeka Lawrence".split(),
    "Los Angeles",
    "San Francisco",
    "San Diego",
    "San Jose",
    "San Antonio",
    "Las Vegas",
    "New Orleans",
    "Kansas City",
    "Oklahoma City",
    "Salt Lake City",
    "St. Louis",
    "St. Paul",
    "Saint Louis",
    "Saint Paul",
    "Fort Worth",
    "El Paso",
    "Long Beach",
    "Virginia Beach",
    "Colorado Springs",
    "Corpus Christi",
    "Baton Rouge",
    "Des Moines",
    "Little Rock",
    "Grand Rapids",
    "Santa Fe",
    "Santa Barbara",
    "Santa Monica",
    "Palo Alto",
    "Ann Arbor",
    "Cedar Rapids",
    "Sioux Falls",
    "Green Bay",
    "Fort Lauderdale",
    "West Palm Beach",
    "St. Petersburg",
    "Jersey City",
    "New Haven",
    "White Plains",
    "Chapel Hill",
]


@cache
def place_words() -> frozenset[str]:
    """The states, countries and cities above, lower-case and accent-folded, for set look-ups."""
    return frozenset(fold_word(word) for word in (*US_STATES, *COUNTRIES, *US_CITIES))


@cache
def region_words() -> frozenset[str]:
    """The states and countries alone (folded): they place a town, but are no PHI themselves.

    Safe Harbor removes geographic units smaller than a state; the catalogue leaves states and countries
    outside spans ("Mississippi license", "moved from Bangladesh"). Names that are also cities stay places
    ("New York", "Washington").
    """
    cities = {fold_word(word) for word in US_CITIES} | {"new york", "washington"}
    return frozenset(fold_word(word) for word in (*US_STATES, *COUNTRIES)) - cities


def is_region(span: str) -> bool:
    """Whether ``span`` is only a state or a country ("Ohio", "BANGLADESH", "New Zealand.")."""
    return fold_word(" ".join(span.split()).rstrip(".")) in region_words()
