#!/usr/bin/env python3
"""Elasticsearch composite aggregation -> geospike counts CSV.

When the network logs already sit in Elasticsearch, the cluster can do the aggregation:
a composite aggregation of `date_histogram` (15m) x `terms` on
`destination.geo.country_iso_code`, paged with `after_key`, gives one bucket per
(bucket start, country) with its `doc_count`. This tool writes the request body, pages
through a live cluster, or converts saved responses, and writes `counts.csv` in the
format `geospike-eval counts` writes (sorted, ISO 8601 UTC bucket starts):

    es_composite_to_counts.py request [--start T] [--end T] [--bucket-span 15m]     > body.json
    es_composite_to_counts.py fetch --url https://HOST:9200/logs-*/_search [--start T] [--end T] --out counts.csv
    es_composite_to_counts.py convert page1.json page2.json ... --out counts.csv

`fetch` sends `Authorization: ApiKey $ES_API_KEY` when that variable is set. Python
standard library only (plus the geospike_ingest package beside this file).
"""

import argparse
import json
import os
import sys
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from geospike_ingest.counts_csv import write_counts  # noqa: E402
from geospike_ingest.country_names import country_code  # noqa: E402
from geospike_ingest.errors import BAD_DATA, IO_ERROR, NO_INPUT, GeoSpikeError  # noqa: E402
from geospike_ingest.reader_options import DEFAULT_EXCLUDED_PROCESSES  # noqa: E402
from geospike_ingest.timestamp import BucketSpan  # noqa: E402

AGGREGATION = "geospike_counts"
COUNTRY_FIELD = "destination.geo.country_iso_code"


def request_body(bucket_span="15m", start=None, end=None, size=10000, after=None,
                 excluded=DEFAULT_EXCLUDED_PROCESSES):
    """The search body: geospike's event filters as a query, the counts as a composite aggregation.

    The filters follow Elastic's datafeed and geospike's readers: `event.category` is
    `network` or absent; `process.name` is not an Elastic Agent or Beats process (with
    or without `.exe`, any case); the country field exists (documents without one are
    not counted here: geospike would resolve their `destination.ip`, Elasticsearch
    cannot).
    """
    span = BucketSpan.parse(bucket_span)
    filters = [
        {"bool": {"should": [{"term": {"event.category": "network"}},
                             {"bool": {"must_not": {"exists": {"field": "event.category"}}}}],
                  "minimum_should_match": 1}},
        {"exists": {"field": COUNTRY_FIELD}},
    ]
    if start or end:
        bounds = {"format": "strict_date_optional_time"}
        if start:
            bounds["gte"] = start
        if end:
            bounds["lt"] = end
        filters.append({"range": {"@timestamp": bounds}})
    names = [name for base in excluded for name in (base, base + ".exe")]
    composite = {
        "size": size,
        "sources": [
            {"bucket_start": {"date_histogram": {"field": "@timestamp", "fixed_interval": _interval(span.seconds),
                                                 "time_zone": "UTC"}}},
            {"country": {"terms": {"field": COUNTRY_FIELD}}},
        ],
    }
    if after is not None:
        composite["after"] = after
    return {
        "size": 0,
        "track_total_hits": False,
        "query": {"bool": {
            "filter": filters,
            "must_not": [{"term": {"process.name": {"value": name, "case_insensitive": True}}} for name in names],
        }},
        "aggs": {AGGREGATION: {"composite": composite}},
    }


def _interval(seconds):
    if seconds % 3600 == 0:
        return f"{seconds // 3600}h"
    return f"{seconds // 60}m" if seconds % 60 == 0 else f"{seconds}s"


class Tally:
    """Counts per (bucket start, country) from composite buckets, and what could not be used."""

    def __init__(self, bucket_span):
        self.span = BucketSpan.parse(bucket_span)
        self.cells = {}
        self.documents = 0
        self.unresolved = 0

    def add_page(self, response, source):
        """Adds one response's buckets; returns its `after_key` (None on the last page)."""
        try:
            aggregation = response["aggregations"][AGGREGATION]
            buckets = aggregation["buckets"]
        except (KeyError, TypeError):
            raise GeoSpikeError(
                BAD_DATA, f"{source}: no aggregations.{AGGREGATION}.buckets; is this a response to the request "
                          "that `es_composite_to_counts.py request` writes?") from None
        for index, bucket in enumerate(buckets):
            try:
                key, n = bucket["key"], int(bucket["doc_count"])
                millis = int(key["bucket_start"])
                country = key["country"]
            except (KeyError, TypeError, ValueError):
                raise GeoSpikeError(
                    BAD_DATA, f"{source}: bucket {index} is not {{key: {{bucket_start, country}}, doc_count}}") from None
            self.documents += n
            code = country_code(country) if isinstance(country, str) else None
            if code is None:
                self.unresolved += n
                continue
            cell = (self.span.bucket_start(millis // 1000), code)
            self.cells[cell] = self.cells.get(cell, 0) + n
        return aggregation.get("after_key") if buckets else None


def fetch(url, body_for, headers, tally):
    """Pages through a live cluster with `after_key` until the last page."""
    after = None
    page = 0
    while True:
        page += 1
        body = json.dumps(body_for(after)).encode("utf-8")
        request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json", **headers})
        try:
            with urllib.request.urlopen(request, timeout=300) as answer:
                response = json.load(answer)
        except (OSError, ValueError) as error:
            raise GeoSpikeError(IO_ERROR, f"{url}: page {page} failed ({error}); check the URL and credentials") from None
        after = tally.add_page(response, f"{url} page {page}")
        if after is None:
            return page


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("request", "fetch", "convert"):
        command = commands.add_parser(name)
        command.add_argument("--bucket-span", default="15m", help="bucket width (default 15m)")
        if name != "convert":
            command.add_argument("--start", help="first @timestamp, inclusive (ISO 8601)")
            command.add_argument("--end", help="last @timestamp, exclusive (ISO 8601)")
            command.add_argument("--size", type=int, default=10000, help="composite buckets per page")
        if name != "request":
            command.add_argument("--out", help="counts CSV to write (default stdout)")
    commands.choices["fetch"].add_argument("--url", required=True, help="https://HOST:9200/INDEX-PATTERN/_search")
    commands.choices["convert"].add_argument("responses", nargs="+", help="saved search responses, one page each")
    args = parser.parse_args(argv)
    try:
        if args.command == "request":
            body = request_body(args.bucket_span, args.start, args.end, args.size)
            print(json.dumps(body, indent=2))
            return 0
        tally = Tally(args.bucket_span)
        if args.command == "fetch":
            headers = {"Authorization": "ApiKey " + os.environ["ES_API_KEY"]} if os.environ.get("ES_API_KEY") else {}
            pages = fetch(args.url, lambda after: request_body(args.bucket_span, args.start, args.end, args.size, after),
                          headers, tally)
        else:
            pages = len(args.responses)
            for path in args.responses:
                try:
                    response = json.loads(Path(path).read_text(encoding="utf-8"))
                except FileNotFoundError:
                    raise GeoSpikeError(NO_INPUT, f"{path} does not exist; pass saved search responses") from None
                except ValueError as error:
                    raise GeoSpikeError(BAD_DATA, f"{path} is not JSON ({error})") from None
                tally.add_page(response, path)
        text = write_counts(tally.cells)
        if args.out:
            try:
                Path(args.out).write_text(text, encoding="utf-8")
            except OSError as error:
                raise GeoSpikeError(IO_ERROR, f"cannot write {args.out}: {error}") from None
        else:
            sys.stdout.write(text)
        print(f"es_composite_to_counts: {pages} pages, {tally.documents} documents, {len(tally.cells)} cells, "
              f"{tally.unresolved} documents without a two-letter country", file=sys.stderr)
    except GeoSpikeError as error:
        print(f"es_composite_to_counts: {error.message}", file=sys.stderr)
        return error.code
    return 0


if __name__ == "__main__":
    sys.exit(main())
