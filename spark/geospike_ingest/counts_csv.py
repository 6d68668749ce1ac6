"""The counts table as CSV, exactly as `geospike-eval counts` writes it (CountsCSV.swift `write`).

`bucket_start,country,count`: ISO 8601 UTC bucket starts, rows sorted by bucket then
country, zero cells omitted (absent means zero), `\\n` line ends.
"""

from .timestamp import iso8601

HEADER = "bucket_start,country,count"
INFLUENCER_HEADER = "bucket_start,country,field,value,count"


def write_counts(cells):
    """The CSV text of `{(bucket_start, country): count}`."""
    rows = [HEADER]
    for (bucket, country), count in sorted(cells.items()):
        if count != 0:
            rows.append(f"{iso8601(bucket)},{country},{count}")
    return "\n".join(rows) + "\n"


def _quoted(value):
    # RFC 4180: values with a comma, quote or line break are quoted, quotes doubled.
    if any(c in value for c in ',"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def write_influencers(top):
    """The CSV text of `{(bucket_start, country, field): [(value, count), ...]}`, largest first."""
    rows = [INFLUENCER_HEADER]
    for (bucket, country, field), entries in sorted(top.items()):
        for value, count in entries:
            rows.append(f"{iso8601(bucket)},{country},{field},{_quoted(value)},{count}")
    return "\n".join(rows) + "\n"


def top_values(counts, k):
    """The `k` largest values, largest first, ties by value (InfluencerTally.top), of `[(value, count)]`."""
    return sorted(counts, key=lambda entry: (-entry[1], entry[0]))[:k]
