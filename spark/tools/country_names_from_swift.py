#!/usr/bin/env python3
"""Regenerates geospike_ingest/country_names_table.py from Sources/GeoSpikeIngest/CountryNames.swift.

The Spark job must map country names to codes exactly as the Swift readers do, so the
table is copied from the Swift source rather than maintained twice by hand. `--check`
exits 1 when the committed Python table differs from what the Swift file gives (the
spark test runs it, so a change on the Swift side cannot silently drift).

    python3 spark/tools/country_names_from_swift.py [--check]
"""

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SWIFT = ROOT / "Sources" / "GeoSpikeIngest" / "CountryNames.swift"
TABLE = ROOT / "spark" / "geospike_ingest" / "country_names_table.py"

_PAIR = re.compile(r'\(\s*"((?:[^"\\]|\\.)*)"\s*,\s*"((?:[^"\\]|\\.)*)"\s*\)')


def array_pairs(source, name):
    """The string pairs of `private static let NAME: [(String, String)] = [ ... ]`."""
    match = re.search(rf"static let {name}\s*:\s*\[\(String, String\)\]\s*=\s*\[(.*?)\n\s*\]", source, re.S)
    if not match:
        raise SystemExit(f"{SWIFT}: no array named {name}; has CountryNames.swift changed shape?")
    return [(a.replace('\\"', '"'), b.replace('\\"', '"')) for a, b in _PAIR.findall(match.group(1))]


def render():
    source = SWIFT.read_text(encoding="utf-8")
    short_names = array_pairs(source, "shortNames")
    known_names = array_pairs(source, "knownNames")
    lines = [
        '"""Country names and codes, generated from Sources/GeoSpikeIngest/CountryNames.swift.',
        "",
        "Do not edit: run `python3 spark/tools/country_names_from_swift.py` after changing the Swift table.",
        '"""',
        "",
        "# (code, short English name)",
        "SHORT_NAMES = [",
    ]
    lines += [f"    ({code!r}, {name!r})," for code, name in short_names]
    lines += ["]", "", "# (name as GeoIP databases and ECS documents spell it, code)", "KNOWN_NAMES = ["]
    lines += [f"    ({name!r}, {code!r})," for name, code in known_names]
    lines += ["]", ""]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail when the committed table is stale")
    args = parser.parse_args()
    text = render()
    if args.check:
        if not TABLE.exists() or TABLE.read_text(encoding="utf-8") != text:
            print(f"{TABLE} is stale: run python3 spark/tools/country_names_from_swift.py", file=sys.stderr)
            return 1
        return 0
    TABLE.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
