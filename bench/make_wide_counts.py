#!/usr/bin/env python3
"""The "wide" workload: a year of 15-minute counts to 250 destination countries.

Issue 4 asks for a trainer that fits 250 countries x 1 year of 15-minute buckets in 2 s on
one core, and issue 5 for a 30-minute batch over 250 countries scored in 50 ms end to end.
`geospike-eval synth` models one small organisation (at most 60 countries, with hosts,
addresses and applications), which is the wrong tool for that size, so this script writes
the counts directly: country k has a Zipf-like mean rate (most countries are sparse, as in
real egress logs), a daily and weekly shape in the organisation's local time (Europe/Berlin,
standard time; the model does not need DST to be timed), and negative-binomial noise.

Outputs (in --out):
- training-counts.csv: `bucket_start,country,count` for --days days from --start, non-zero rows;
- batch-ecs.ndjson: ECS events for the two buckets after training (the 30-minute batch the
  scorer runs on), each with a destination address that the tor-geoipdb tables place in its
  country (so the batch is read and geolocated like real logs);
- batch-counts.csv: the same batch as counts;
- batch-ecs-ipv6.ndjson: batch-ecs.ndjson with a few percent of its events (IPV6_SHARE)
  sent to the same country over IPv6, as real egress is: a batch with any IPv6 destination
  also loads the tor-geoipdb IPv6 table.

numpy only (it is in bench/requirements.txt); deterministic for a given --seed.
"""

import argparse
import datetime as dt
import ipaddress
import math
from pathlib import Path

import numpy as np

TOR_GEOIP = Path("/usr/share/tor/geoip")
TOR_GEOIP6 = Path("/usr/share/tor/geoip6")
# The share of batch-ecs-ipv6.ndjson's events sent over IPv6.
IPV6_SHARE = 0.03


def country_addresses(count):
    """`count` country codes with one IPv4 address each, from the tor-geoipdb table: the
    countries with the most address ranges first (the big ones in real traffic)."""
    ranges = {}
    for line in TOR_GEOIP.read_text().splitlines():
        if not line or line.startswith("#"):
            continue
        low, _, code = line.split(",")
        if len(code) != 2 or code in ("??", "A1", "A2", "O1"):
            continue
        ranges.setdefault(code, []).append(int(low))
    codes = sorted(ranges, key=lambda c: (-len(ranges[c]), c))[:count]
    if len(codes) < count:
        raise SystemExit(f"{TOR_GEOIP} has only {len(codes)} countries; --countries {count} is too many")
    # The middle range's first address + 1: inside the country, never a network address.
    return {c: str(ipaddress.IPv4Address(sorted(ranges[c])[len(ranges[c]) // 2] + 1)) for c in codes}


def country_addresses_v6(codes):
    """One IPv6 address for each of `codes` that the tor-geoipdb IPv6 table has ranges for,
    chosen as in country_addresses."""
    ranges = {}
    for line in TOR_GEOIP6.read_text().splitlines():
        if not line or line.startswith("#"):
            continue
        low, _, code = line.split(",")
        if code in codes:
            ranges.setdefault(code, []).append(int(ipaddress.IPv6Address(low)))
    return {c: str(ipaddress.IPv6Address(sorted(r)[len(r) // 2] + 1)) for c, r in ranges.items()}


def expected_counts(countries, buckets, start, rng):
    """Mean count per bucket per country (countries x buckets)."""
    k = np.arange(countries)
    # Zipf-like volume: the top country ~60 events per bucket, the 250th ~0.15.
    level = 60.0 / (k + 1) ** 1.1
    t = start.timestamp() + 900 * np.arange(buckets) + 450
    local = t + 3600  # Europe/Berlin standard time
    hour = (local % 86400) / 3600
    weekday = ((local // 86400) + 3) % 7  # 1970-01-01 was a Thursday; 0 = Monday
    office = np.exp(1.2 * np.cos(2 * np.pi * (hour - 14) / 24) + 0.3 * np.cos(4 * np.pi * (hour - 11) / 24))
    office = office * np.where(weekday >= 5, 0.35, 1.0)
    # Each country's own phase (customers abroad) and a slow drift over the year.
    phase = rng.uniform(-3, 3, size=countries)
    shaped = np.exp(1.2 * np.cos(2 * np.pi * (hour[None, :] - 14 - phase[:, None]) / 24))
    shape = np.where(k[:, None] < countries // 2, office[None, :], shaped * np.where(weekday >= 5, 0.5, 1.0)[None, :])
    drift = np.exp(0.3 * np.sin(2 * np.pi * np.arange(buckets) / buckets + rng.uniform(0, 6, size=(countries, 1))))
    shape = shape / shape.mean(axis=1, keepdims=True)
    return level[:, None] * shape * drift


def negative_binomial(mean, dispersion, rng):
    """NB2 draws by Gamma-Poisson mixing."""
    rate = rng.gamma(shape=1 / dispersion, scale=mean * dispersion)
    return rng.poisson(rate)


def write_counts(path, counts, start, codes, first_bucket=0):
    with open(path, "w") as out:
        out.write("bucket_start,country,count\n")
        for b in range(counts.shape[1]):
            stamp = (start + dt.timedelta(seconds=900 * (first_bucket + b))).strftime("%Y-%m-%dT%H:%M:%SZ")
            column = counts[:, b]
            out.writelines(f"{stamp},{codes[i]},{column[i]}\n" for i in np.flatnonzero(column))


def write_batch_ecs(path, counts, start, first_bucket, codes, addresses, v6_addresses=None):
    """With `v6_addresses`, IPV6_SHARE of the events whose country has one go to it instead:
    picked by a hash of bucket, country and event, so spread over countries and the same
    events every time."""
    with open(path, "w") as out:
        for b in range(counts.shape[1]):
            bucket_start = start + dt.timedelta(seconds=900 * (first_bucket + b))
            for i in np.flatnonzero(counts[:, b]):
                for e in range(counts[i, b]):
                    when = bucket_start + dt.timedelta(seconds=(e * 7919) % 900, milliseconds=e % 1000)
                    address = addresses[codes[i]]
                    if v6_addresses and codes[i] in v6_addresses and \
                            (b * 1_000_003 + i * 7919 + e * 104_729) % 1000 < 1000 * IPV6_SHARE:
                        address = v6_addresses[codes[i]]
                    out.write(
                        '{"@timestamp":"%s","event":{"category":["network"]},'
                        '"source":{"ip":"10.0.%d.%d","port":%d},'
                        '"destination":{"ip":"%s","port":443},"network":{"transport":"tcp"}}\n'
                        % (when.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z", e % 8, 10 + i % 200,
                           40000 + e % 20000, address))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--countries", type=int, default=250)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--start", default="2025-10-06")
    parser.add_argument("--dispersion", type=float, default=0.3)
    parser.add_argument("--batch-volume", type=float, default=1.0,
                        help="multiplies the batch's rates (a busier organisation than the training one)")
    parser.add_argument("--seed", type=int, default=8)
    args = parser.parse_args()

    rng = np.random.default_rng(args.seed)
    addresses = country_addresses(args.countries)
    codes = list(addresses)
    start = dt.datetime.fromisoformat(args.start).replace(tzinfo=dt.timezone.utc)
    buckets = args.days * 96
    mean = expected_counts(args.countries, buckets + 2, start, rng)
    counts = negative_binomial(mean, args.dispersion, rng)
    args.out.mkdir(parents=True, exist_ok=True)
    write_counts(args.out / "training-counts.csv", counts[:, :buckets], start, codes)
    batch = negative_binomial(mean[:, buckets:] * args.batch_volume, args.dispersion, rng)
    write_counts(args.out / "batch-counts.csv", batch, start, codes, first_bucket=buckets)
    write_batch_ecs(args.out / "batch-ecs.ndjson", batch, start, buckets, codes, addresses)
    write_batch_ecs(args.out / "batch-ecs-ipv6.ndjson", batch, start, buckets, codes, addresses,
                    country_addresses_v6(codes))
    print(f"{args.countries} countries x {buckets} buckets: {int(counts[:, :buckets].sum())} training events, "
          f"{int(batch.sum())} batch events, in {args.out}")


if __name__ == "__main__":
    main()
