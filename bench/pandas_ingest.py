#!/usr/bin/env python3
"""The pandas peer of `geospike-eval counts` on ECS NDJSON: 15-minute counts per country.

Written the way a data scientist would: `json.loads` per line, `pandas.json_normalize`
to flatten nested objects (dotted keys come out as the same column names), a country
column, a 15-minute floor of `@timestamp` and a `groupby(...).size()`.  Lines are
processed in chunks so memory stays bounded on inputs larger than RAM would like;
that is the only concession to size, and it favours the peer.

The semantics follow DESIGN.md and the ingest contract, so the output can be compared
byte for byte with `geospike-eval counts`:
- an event counts when `event.category` (string or list) contains `network` or is absent;
- events whose `process.name` is elastic-agent, metricbeat, filebeat, packetbeat or
  winlogbeat (any case, with or without `.exe`) are dropped, as Elastic's datafeed does;
- country: `destination.geo.country_iso_code`, else `destination.geo.country_name`
  mapped to its ISO code (pycountry), else the destination IP looked up in Debian's
  tor-geoipdb range tables (`??` and addresses outside every range have no country);
- lines that are not JSON objects, or have no parsable `@timestamp`, are skipped.

Output: CSV `bucket_start,country,count`, bucket starts ISO 8601 UTC, sorted, no zero rows.
A summary of lines read / counted / skipped goes to stderr.
"""

import argparse
import bisect
import gzip
import ipaddress
import json
import sys
from collections import Counter

import numpy as np
import pandas as pd
import pycountry

EXCLUDED_PROCESSES = {"elastic-agent", "metricbeat", "filebeat", "packetbeat", "winlogbeat"}

# Spellings that GeoIP databases and Elastic's geoip processor emit but pycountry's
# name/official_name/common_name do not know.
EXTRA_COUNTRY_NAMES = {
    "russia": "RU", "south korea": "KR", "north korea": "KP", "iran": "IR", "vietnam": "VN",
    "syria": "SY", "laos": "LA", "moldova": "MD", "tanzania": "TZ", "venezuela": "VE",
    "bolivia": "BO", "taiwan": "TW", "czech republic": "CZ", "macedonia": "MK",
    "north macedonia": "MK", "ivory coast": "CI", "cape verde": "CV", "brunei": "BN",
    "republic of korea": "KR", "palestine": "PS", "micronesia": "FM", "vatican city": "VA",
    "dr congo": "CD", "congo republic": "CG", "europe": "EU", "asia/pacific region": "AP",
    "turkey": "TR", "hong kong": "HK", "macao": "MO", "macau": "MO", "eswatini": "SZ",
    "swaziland": "SZ", "the netherlands": "NL", "united states of america": "US",
}

CHUNK_LINES = 100_000


def country_name_table():
    """Lower-cased country names (every spelling pycountry has) to ISO alpha-2 codes."""
    table = {}
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            name = getattr(country, attr, None)
            if name:
                table.setdefault(name.lower(), country.alpha_2)
    for name, code in EXTRA_COUNTRY_NAMES.items():
        table.setdefault(name, code)
    return table


class TorGeoIP:
    """Debian's tor-geoipdb tables (`START,END,CC`), searched with numpy / bisect.

    Each table is read on its first lookup: the IPv6 one takes seconds to parse with
    `ipaddress`, and many logs never need it.
    """

    def __init__(self, v4_path="/usr/share/tor/geoip", v6_path="/usr/share/tor/geoip6"):
        self.v4_path, self.v6_path = v4_path, v6_path
        self.v4 = None
        self.v6 = None

    def load_v4(self):
        table = pd.read_csv(self.v4_path, comment="#", header=None, names=["start", "end", "cc"],
                            dtype={"start": np.int64, "end": np.int64, "cc": str}, keep_default_na=False)
        return table["start"].to_numpy(), table["end"].to_numpy(), table["cc"].to_numpy()

    def load_v6(self):
        table = pd.read_csv(self.v6_path, comment="#", header=None, names=["start", "end", "cc"],
                            dtype=str, keep_default_na=False)
        starts = [int(ipaddress.IPv6Address(s)) for s in table["start"]]
        ends = [int(ipaddress.IPv6Address(s)) for s in table["end"]]
        return starts, ends, list(table["cc"])

    def lookup(self, ip):
        """The two-letter code of `ip`, or None (unparsable, no range, or `??`)."""
        try:
            address = ipaddress.ip_address(str(ip).strip())
        except ValueError:
            return None
        if address.version == 6 and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        value = int(address)
        if address.version == 4:
            if self.v4 is None:
                self.v4 = self.load_v4()
            starts, ends, codes = self.v4
            i = int(np.searchsorted(starts, value, side="right")) - 1
        else:
            if self.v6 is None:
                self.v6 = self.load_v6()
            starts, ends, codes = self.v6
            i = bisect.bisect_right(starts, value) - 1
        code = codes[i] if i >= 0 and value <= ends[i] else None
        if code is None or not is_country_code(code):
            return None
        return code.upper()


def is_country_code(value):
    return isinstance(value, str) and len(value) == 2 and value.isascii() and value.isalpha()


def is_network(category):
    """`event.category` contains `network` (string or list) or is absent."""
    if isinstance(category, list):
        return "network" in category
    if isinstance(category, str):
        return category == "network"
    return category is None or (isinstance(category, float) and np.isnan(category))


def column(frame, name):
    return frame[name] if name in frame.columns else pd.Series([None] * len(frame), index=frame.index)


def open_text(path):
    if path == "-":
        return sys.stdin
    if path.endswith(".gz"):
        return gzip.open(path, "rt", encoding="utf-8", errors="replace")
    return open(path, "r", encoding="utf-8", errors="replace")


class Counts:
    """Accumulates per-bucket, per-country counts over chunks, with the skip accounting."""

    def __init__(self):
        self.names = country_name_table()
        self.geoip = TorGeoIP()
        self.totals = Counter()
        self.summary = Counter()

    def country_of(self, row_code, row_name, row_ip):
        if is_country_code(row_code):
            return row_code.upper()
        if isinstance(row_name, str) and row_name.strip().lower() in self.names:
            return self.names[row_name.strip().lower()]
        if isinstance(row_ip, str) and row_ip:
            return self.geoip.lookup(row_ip)
        return None

    def add_chunk(self, lines):
        records = []
        for line in lines:
            if not line.strip():
                continue
            self.summary["lines_read"] += 1
            try:
                record = json.loads(line)
            except ValueError:
                self.summary["malformed"] += 1
                continue
            if not isinstance(record, dict):
                self.summary["malformed"] += 1
                continue
            records.append(record)
        if not records:
            return
        frame = pd.json_normalize(records)
        times = pd.to_datetime(column(frame, "@timestamp"), utc=True, format="ISO8601", errors="coerce")
        has_time = times.notna()
        self.summary["malformed"] += int((~has_time).sum())
        frame, times = frame[has_time], times[has_time]

        network = column(frame, "event.category").map(is_network).astype(bool)
        self.summary["not_network"] += int((~network).sum())
        process = column(frame, "process.name")
        names = process.where(process.map(lambda p: isinstance(p, str)), "").str.lower()
        excluded = network & names.str.removesuffix(".exe").isin(EXCLUDED_PROCESSES)
        self.summary["excluded_process"] += int(excluded.sum())
        keep = network & ~excluded
        frame, times = frame[keep], times[keep]

        countries = [
            self.country_of(code, name, ip)
            for code, name, ip in zip(
                column(frame, "destination.geo.country_iso_code"),
                column(frame, "destination.geo.country_name"),
                column(frame, "destination.ip"),
            )
        ]
        frame = pd.DataFrame({"bucket_start": times.dt.floor("15min"), "country": countries})
        self.summary["no_country"] += int(frame["country"].isna().sum())
        frame = frame.dropna(subset=["country"])
        self.summary["events_counted"] += len(frame)
        for (bucket, country), size in frame.groupby(["bucket_start", "country"]).size().items():
            self.totals[(bucket, country)] += int(size)

    def to_csv(self, out):
        table = pd.Series(self.totals, dtype=np.int64)
        out.write("bucket_start,country,count\n")
        if table.empty:
            return
        table.index = table.index.set_names(["bucket_start", "country"])
        table = table[table != 0].sort_index()
        for (bucket, country), count in table.items():
            out.write(f"{bucket.strftime('%Y-%m-%dT%H:%M:%SZ')},{country},{count}\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("inputs", nargs="+", help="ECS NDJSON files (.gz read transparently, - for stdin)")
    parser.add_argument("--out", default="-", help="counts CSV path (default stdout)")
    args = parser.parse_args()

    counts = Counts()
    for path in args.inputs:
        try:
            with open_text(path) as handle:
                chunk = []
                for line in handle:
                    chunk.append(line)
                    if len(chunk) == CHUNK_LINES:
                        counts.add_chunk(chunk)
                        chunk = []
                counts.add_chunk(chunk)
        except FileNotFoundError:
            print(f"pandas_ingest: {path}: no such file; give an existing ECS NDJSON file", file=sys.stderr)
            return 66

    if args.out == "-":
        counts.to_csv(sys.stdout)
    else:
        with open(args.out, "w") as out:
            counts.to_csv(out)
    print("pandas_ingest: " + ", ".join(f"{k}={v}" for k, v in sorted(counts.summary.items())), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
