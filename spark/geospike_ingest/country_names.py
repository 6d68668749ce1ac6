"""Country codes and names, as Sources/GeoSpikeIngest/CountryCode.swift and CountryNames.swift.

A country is two ASCII letters, either case, stored upper-case (`EU` and `AP` included);
`??` and `--` never make a code. Names are matched without case, diacritics or
surrounding whitespace, the names GeoIP databases use taking precedence over the ISO
short names, as in the Swift table.
"""

import unicodedata
from functools import lru_cache

from .country_names_table import KNOWN_NAMES, SHORT_NAMES

# Foundation's CharacterSet.whitespaces: tab and the Unicode space separators (Zs).
WHITESPACES = "\t \u00a0\u1680" + "".join(chr(c) for c in range(0x2000, 0x200B)) + "\u202f\u205f\u3000"


def country_code(text):
    """Two ASCII letters upper-cased (CountryCode.init?), or None."""
    if len(text) == 2 and text.isascii() and text.isalpha():
        return text.upper()
    return None


def fold(name):
    """Case- and diacritic-insensitive form of a name, trimmed (CountryNames.fold)."""
    decomposed = unicodedata.normalize("NFD", name)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", stripped).lower().strip(WHITESPACES)


def _codes_by_folded_name():
    table = {}
    for name, code in KNOWN_NAMES:
        c = country_code(code)
        if c:
            table[fold(name)] = c
    for code, name in SHORT_NAMES:
        c = country_code(code)
        if c:
            table.setdefault(fold(name), c)
    return table


_CODES = _codes_by_folded_name()
_NAMES = {code: name for code, name in SHORT_NAMES if country_code(code)}


@lru_cache(maxsize=4096)
def code_for_name(name):
    """The code of a country name, matched without regard to case and diacritics, or None."""
    return _CODES.get(fold(name))


def name_for_code(code):
    """The short English name of a code, or None."""
    return _NAMES.get(code)
