#!/usr/bin/env python3
"""`make spark-test`: the Spark job must count exactly what geospike counts.

    spark/.venv/bin/python spark/tests/run_tests.py --bin SWIFT_BIN_DIR [--work DIR]

Runs, against the geospike-eval and geospike-train binaries in SWIFT_BIN_DIR:

1. rule checks without Spark: the country table is the Swift one; the JSON fast path
   (Python's decoder) and the byte-level port of the Swift scanner agree on every line
   of the quirk files; a few hand-worked values;
2. `spark-submit aggregate_counts.py` in local mode over the bundled datasets and the
   generated quirk files, against `geospike-eval counts` on the same files: counts.csv
   byte for byte, the per-file accounting field by field, influencer tops against a
   sequential tally;
3. more option sets in the same Spark session (CSV column mapping and time zone, no
   exclusion list, hourly buckets, an MMDB), and the exit codes of bad input;
4. the issue's done-criterion: `geospike-train --format counts` on Spark's counts.csv
   writes a model byte-identical to `geospike-train` on the raw log, same options.

Prints one line per check and `spark-test: N passed, M failed`; exits 1 on any failure.
"""

import argparse
import contextlib
import gzip
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path

SPARK = Path(__file__).resolve().parents[1]
ROOT = SPARK.parent
sys.path.insert(0, str(SPARK))

import aggregate_counts  # noqa: E402
from geospike_ingest.counts_csv import top_values  # noqa: E402
from geospike_ingest.geoip import GeoIPResolver, GeoIPSource  # noqa: E402
from geospike_ingest.ingest_run import IngestRun  # noqa: E402
from geospike_ingest.ip_address import is_non_public, parse_ip  # noqa: E402
from geospike_ingest.json_fields import ARRAY, FieldScanner  # noqa: E402
from geospike_ingest.json_event_parser import _PATHS  # noqa: E402
from geospike_ingest.reader_options import ReaderOptions  # noqa: E402
from geospike_ingest.timestamp import BucketSpan, iso8601, parse_date_time, parse_epoch  # noqa: E402

# The bundled datasets (datasets/README.md) and the synth command that makes each, for a
# checkout where they are not generated yet.
SYNTH = ["synth", "--seed", "7", "--volume", "0.4", "--compression-level", "1"]
DATASETS = {
    "train-ecs.ndjson.gz": ["--days", "28", "--format", "ecs"],
    "batch-attack-ecs.ndjson.gz": ["--start", "2026-10-05", "--days", "1", "--format", "ecs", "--attacks",
                                   "--labels", "batch-attack-labels.csv"],
    "sample-zeek-conn.log.gz": ["--start", "2026-10-05", "--days", "1", "--format", "zeek"],
    "sample-suricata-eve.json.gz": ["--start", "2026-10-05", "--days", "1", "--format", "suricata"],
    "sample-nfdump.csv.gz": ["--start", "2026-10-05", "--days", "1", "--format", "csv"],
}
MMDB = ROOT / "datasets" / "geoip" / "GeoLite2-Country-Test.mmdb"


class Checks:
    """Runs named checks, keeps going after a failure, and tallies."""

    def __init__(self):
        self.passed = 0
        self.failed = 0

    def run(self, name, body):
        start = time.monotonic()
        try:
            body()
        except Exception:  # a failing check is reported, and the others still run
            self.failed += 1
            print(f"spark-test: {name} ... FAILED ({time.monotonic() - start:.1f}s)", flush=True)
            traceback.print_exc(file=sys.stdout)
            return
        self.passed += 1
        print(f"spark-test: {name} ... ok ({time.monotonic() - start:.1f}s)", flush=True)


def expect(condition, message):
    if not condition:
        raise AssertionError(message)


def expect_same_file(actual, expected):
    a, b = Path(actual).read_bytes(), Path(expected).read_bytes()
    if a != b:
        lines_a, lines_b = a.decode().splitlines(), b.decode().splitlines()
        diff = [f"line {i + 1}: spark {x!r} / geospike {y!r}" for i, (x, y) in enumerate(zip(lines_a, lines_b)) if x != y]
        raise AssertionError(f"{actual} differs from {expected} ({len(lines_a)} vs {len(lines_b)} lines); "
                             + "; ".join(diff[:5]))


class Swift:
    """The geospike binaries."""

    def __init__(self, bin_dir):
        self.bin = Path(bin_dir)
        for tool in ("geospike-eval", "geospike-train"):
            expect((self.bin / tool).exists(), f"{self.bin / tool} is missing; build with `swift build` first")

    def run(self, tool, *args, check=True):
        result = subprocess.run([str(self.bin / tool), *map(str, args)], capture_output=True, text=True)
        if check and result.returncode != 0:
            raise AssertionError(f"{tool} {' '.join(map(str, args))} exited {result.returncode}: {result.stderr[-2000:]}")
        return result

    def counts(self, inputs, out_csv, summary_json, options):
        return self.run("geospike-eval", "counts", "--input", *inputs, "--output", out_csv,
                        "--summary-json", summary_json, *options)


# MARK: - Inputs


def datasets(swift, work):
    """The bundled datasets, generated into `work` when the checkout does not have them yet."""
    paths = []
    for name, args in DATASETS.items():
        bundled = ROOT / "datasets" / name
        if bundled.exists():
            paths.append(bundled)
            continue
        target = work / "datasets" / name
        if not target.exists():
            swift.run("geospike-eval", *SYNTH, "--out", target.parent, "--file-name", name, *args)
        paths.append(target)
    return paths


def quirk_files(work):
    out = work / "quirks"
    subprocess.run([sys.executable, str(SPARK / "tests" / "make_quirks.py"), str(out)], check=True)
    return sorted(out.iterdir())


# MARK: - Checks without Spark


def check_country_table():
    subprocess.run([sys.executable, str(SPARK / "tools" / "country_names_from_swift.py"), "--check"], check=True)


def check_json_paths_agree(files):
    """The decoder fast path and the byte-level port give the same fields on every line."""
    compared = fast = 0
    for dialect, suffix in (("ecs", "ecs"), ("suricata", "eve"), ("zeek", "conn.json")):
        scanner = FieldScanner(_PATHS[dialect])
        for path in files:
            if suffix not in path.name:
                continue
            data = path.read_bytes()
            if data[:2] == b"\x1f\x8b":
                data = gzip.decompress(data)
            for line in data.split(b"\n"):
                line = line[:-1] if line.endswith(b"\r") else line
                quick = scanner.scan(line)
                slow = scanner._scan_bytes(line)
                compared += 1
                expect(_comparable(quick) == _comparable(slow), f"{path.name}: fast {quick} / bytes {slow} for {line[:200]!r}")
                try:
                    json.loads(line)
                    fast += 1
                except ValueError:
                    pass
    expect(compared > 5000 and fast > compared * 0.8, f"only {fast} of {compared} lines took the fast path")


def _comparable(values):
    # Array strings are raw on the byte path and decoded on the fast one; only membership is used.
    if values is None:
        return None
    # The last slot is the conflicting field's index (or None): compared as it is.
    return [(v[0], "network" in v[1]) if isinstance(v, tuple) and v[0] == ARRAY else v for v in values]


def check_timestamp_paths_agree():
    """The regular-expression path for usual timestamps gives what the full port gives, on 50,000 spellings."""
    import random

    from geospike_ingest.timestamp import _parse_date_time

    rng = random.Random(5)
    fast = 0
    for _ in range(50000):
        text = (rng.choice(["2026", "2024", "1900", "0001"]) + (sep := rng.choice("--/")) + rng.choice(["01", "02", "13", "00"])
                + sep + rng.choice(["01", "29", "30", "31", "32"]) + rng.choice("Tt _") + rng.choice(["00", "23", "24"])
                + ":" + rng.choice(["00", "59", "60"]) + rng.choice(["", ":00", ":60", ":61", ":5"])
                + rng.choice(["", ".", ".1", ".123456789012345678", ",5"])
                + rng.choice(["", "Z", "z", "+02", "+0200", "+02:00", "+24:00", "+02:60", "-05:30", "+020", "x"]))
        expect(parse_date_time(text) == _parse_date_time(text), f"{text!r}: {parse_date_time(text)} / {_parse_date_time(text)}")
        fast += parse_date_time(text) is not None
    expect(fast > 500, f"only {fast} valid spellings generated")


def check_hand_worked_values():
    expect(parse_date_time("2026-10-05T02:15:00+02") == (1791159300.0, True), "offset +02")
    expect(parse_date_time("2026/10/05 00:15:00.25") == (1791159300.25, False), "nfdump time")
    expect(parse_date_time("2026-10-05T00:15:60Z") == (1791159359.0, True), "leap second reads as :59")
    expect(parse_date_time("2026-02-29T00:00:00Z") is None, "2026 is not a leap year")
    expect(parse_epoch("1791159300123", guess_unit=True) == 1791159300.123, "milliseconds by magnitude")
    expect(parse_epoch("1e9", guess_unit=True) is None, "no exponents")
    expect(BucketSpan(900).bucket_start(-0.5) == -900, "floor before 1970")
    expect(iso8601(1791159300) == "2026-10-05T00:15:00Z", "ISO output")
    expect(parse_ip("::ffff:1.2.3.4") == (4, 0x01020304), "IPv4-mapped IPv6 is IPv4")
    expect(parse_ip("010.001.002.003") == (4, 0x0A010203), "leading zeros")
    expect(parse_ip("1::2::3") is None, "two gaps")
    expect(is_non_public(parse_ip("100.64.0.1")) and is_non_public(parse_ip("64:ff9b::a00:1")), "CGNAT, NAT64")
    expect(not is_non_public(parse_ip("64:ff9b::808:808")), "NAT64 of a public address")


# MARK: - Spark against geospike


def spark_submit(args, log):
    """Runs the job through the real spark-submit of the venv, in local mode."""
    import pyspark

    venv_bin = Path(sys.executable).parent
    environment = dict(os.environ, SPARK_HOME=os.path.dirname(pyspark.__file__), PYSPARK_PYTHON=sys.executable,
                       PATH=f"{venv_bin}{os.pathsep}{os.environ.get('PATH', '')}")
    command = [str(venv_bin / "spark-submit"), "--master", "local[2]", "--conf", "spark.ui.enabled=false",
               "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.driver.bindAddress=127.0.0.1",
               str(SPARK / "aggregate_counts.py"), *map(str, args)]
    with open(log, "w") as out:
        return subprocess.run(command, stdout=out, stderr=subprocess.STDOUT, env=environment).returncode


def in_process(args):
    """Runs the job's main() in this process's Spark session; returns (exit code, stderr)."""
    captured = io.StringIO()
    with contextlib.redirect_stderr(captured):
        code = aggregate_counts.main([str(a) for a in args])
    return code, captured.getvalue()


def compare_run(swift, work, name, inputs, options, spark_code=None):
    """Spark (in process unless `spark_code` says a run already happened) vs geospike-eval counts."""
    out = work / name
    if spark_code is None:
        spark_code, stderr = in_process(["--input", *inputs, "--out", out, *options])
        expect(spark_code == 0, f"aggregate_counts exited {spark_code}: {stderr[-2000:]}")
    swift.counts(inputs, work / f"{name}-geospike.csv", work / f"{name}-geospike.json", options)
    expect_same_file(out / "counts.csv", work / f"{name}-geospike.csv")
    compare_summaries(out / "summary.json", work / f"{name}-geospike.json")
    rows = (out / "counts.csv").read_text().count("\n") - 1
    expect(rows > 0, "no counts at all")
    return out


def compare_summaries(spark_json, swift_json):
    spark, swift = json.loads(Path(spark_json).read_text()), json.loads(Path(swift_json).read_text())
    expect(len(spark["files"]) == len(swift["files"]), "different numbers of files")
    for mine, theirs in zip(spark["files"] + [spark["total"]], swift["files"] + [swift["total"]]):
        for key, value in theirs.items():
            expect(mine.get(key) == value, f"{theirs['path']}: {key} is {mine.get(key)!r} in Spark, {value!r} in geospike")
    expect(spark["warnings"] == swift["warnings"] and spark["geoip"] == swift["geoip"], "warnings or GeoIP differ")


def check_influencers(out, inputs, options, k):
    """Spark's distributed top-k equals a sequential exact tally of the same files."""
    run = IngestRun(options, GeoIPResolver(GeoIPSource.open(options.geoip)))
    tally = Counter()
    for path in inputs:
        tally.update(run.read(str(path), Path(path).read_bytes()).influencers)
    grouped = {}
    for (bucket, country, field, value), n in tally.items():
        grouped.setdefault((iso8601(bucket), country, field), []).append((value, n))
    expected = sorted(
        (key, value, n) for key, entries in grouped.items() for value, n in top_values(entries, k))
    import csv

    with open(out / "influencers.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    actual = sorted(((r["bucket_start"], r["country"], r["field"]), r["value"], int(r["count"])) for r in rows)
    expect(len(actual) > 1000, f"only {len(actual)} influencer rows")
    expect(actual == expected, f"influencer tops differ: first differences "
                               f"{[a for a, b in zip(actual, expected) if a != b][:3]}")


def check_exit_codes(swift, work, quirks):
    ecs = next(p for p in quirks if p.name == "quirks-ecs.ndjson")
    truncated = work / "truncated.ndjson.gz"
    truncated.write_bytes(gzip.compress(ecs.read_bytes())[:-50])
    headerless = work / "headerless.csv"
    headerless.write_text("when,where\n1791159300,8.8.8.8\n")
    bracketed = work / "name[1].ndjson"
    shutil.copy(ecs, bracketed)
    cases = [
        ("missing input", ["--input", work / "no-such.log"], 66),
        ("truncated gzip", ["--input", truncated, "--max-bad-fraction", "0.5"], 65),
        ("over the malformed budget", ["--input", ecs], 65),
        ("strict", ["--input", ecs, "--strict"], 65),
        ("CSV without a time column", ["--input", headerless], 65),
        ("bucket span not dividing a day", ["--input", ecs, "--bucket-span", "7m"], 64),
        ("unknown format", ["--input", ecs, "--format", "xml"], 64),
        ("missing GeoIP file", ["--input", ecs, "--geoip", work / "none.mmdb"], 66),
        ("glob characters in a file name", ["--input", bracketed, "--max-bad-fraction", "0.5"], 0),
    ]
    for name, args, code in cases:
        spark_code, stderr = in_process([*args, "--out", work / "errors"])
        swift_code = swift.run("geospike-eval", "counts", *args, check=False).returncode
        expect(spark_code == swift_code == code, f"{name}: Spark exited {spark_code}, geospike {swift_code}, "
                                                 f"expected {code}; {stderr[-500:]}")


def check_elasticsearch_converter(swift, work, train):
    """Composite pages (saved, and served by a loopback stand-in for a cluster) give geospike's counts."""
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    import es_composite_to_counts as es

    expected = work / "es-geospike.csv"
    swift.counts([train], expected, work / "es-geospike.json", [])
    rows = [line.split(",") for line in expected.read_text().splitlines()[1:]]
    buckets = [{"key": {"bucket_start": int(parse_date_time(t)[0]) * 1000 + 7, "country": c.lower() if i % 3 else c},
                "doc_count": int(n)} for i, (t, c, n) in enumerate(rows)]
    buckets.insert(5, {"key": {"bucket_start": buckets[5]["key"]["bucket_start"], "country": "??"}, "doc_count": 4})
    pages = [buckets[i:i + 1000] for i in range(0, len(buckets), 1000)] + [[]]

    def page(index):
        after = pages[index][-1]["key"] if pages[index] else None
        return {"aggregations": {es.AGGREGATION: {"buckets": pages[index], **({"after_key": after} if after else {})}}}

    saved = []
    for index in range(len(pages) - 1):
        path = work / f"es-page-{index}.json"
        path.write_text(json.dumps(page(index)))
        saved.append(path)
    code = es.main(["convert", *map(str, saved), "--out", str(work / "es-saved.csv")])
    expect(code == 0, f"convert exited {code}")
    expect_same_file(work / "es-saved.csv", expected)

    seen = []

    class Cluster(BaseHTTPRequestHandler):
        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            composite = body["aggs"][es.AGGREGATION]["composite"]
            seen.append(composite.get("after"))
            index = next((i for i, p in enumerate(pages) if p and p[-1]["key"] == seen[-1]), -1) + 1
            answer = json.dumps(page(index)).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Cluster)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/logs-*/_search"
        code = es.main(["fetch", "--url", url, "--out", str(work / "es-fetched.csv"), "--size", "1000"])
    finally:
        server.shutdown()
    expect(code == 0, f"fetch exited {code}")
    expect(seen[0] is None and len(seen) == len(pages), f"after_key paging went {seen[:3]}... over {len(seen)} requests")
    expect_same_file(work / "es-fetched.csv", expected)


def check_model_identity(swift, work, train):
    out = work / "model-counts"
    code, stderr = in_process(["--input", train, "--out", out])
    expect(code == 0, f"aggregate_counts exited {code}: {stderr[-1000:]}")
    common = ["--seed", "7", "--timezone", "Europe/Berlin", "--quiet"]
    # A model trained on raw logs also records each country's usual source hosts and IPs,
    # from influencer tallies that a counts table cannot carry; without tallies
    # (--influencer-capacity 0) the raw side holds exactly what the counts hold.
    swift.run("geospike-train", "--input", train, "--out", work / "raw.gsm", "--influencer-capacity", "0", *common)
    swift.run("geospike-train", "--format", "counts", "--input", out / "counts.csv", "--out", work / "spark.gsm", *common)
    expect((work / "raw.gsm").read_bytes() == (work / "spark.gsm").read_bytes(),
           "the model trained on Spark's counts differs from the model trained on the raw log")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", required=True, help="directory with geospike-eval and geospike-train")
    parser.add_argument("--work", help="keep the work files here (default: a temporary directory)")
    args = parser.parse_args()
    # Local mode talks only to itself: keep the driver and its block manager on loopback.
    os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="geospike-spark-"))
    work.mkdir(parents=True, exist_ok=True)
    checks = Checks()
    swift = Swift(args.bin)
    quirks = quirk_files(work)
    data = datasets(swift, work)
    loose = ["--max-bad-fraction", "0.5"]

    checks.run("country names table matches CountryNames.swift", check_country_table)
    checks.run("JSON fast path and byte-level port agree on every quirk line", lambda: check_json_paths_agree(quirks))
    checks.run("timestamp fast path and full port agree", check_timestamp_paths_agree)
    checks.run("hand-worked timestamps, buckets and addresses", check_hand_worked_values)

    # The four training weeks go to the model check alone; the one-day samples and the quirks here.
    everything = data[1:] + quirks
    out = work / "all"

    def submitted():
        code = spark_submit(["--input", *everything, "--out", out, "--influencers", "3", *loose], work / "submit.log")
        expect(code == 0, f"spark-submit exited {code}: {(work / 'submit.log').read_text()[-3000:]}")
        compare_run(swift, work, "all", everything, loose, spark_code=code)

    checks.run("spark-submit on datasets and quirk files: counts and accounting identical", submitted)
    checks.run("influencer tops equal a sequential exact tally",
               lambda: check_influencers(out, everything, ReaderOptions(max_bad_fraction=0.5, influencers=3), 3))

    from pyspark.sql import SparkSession

    # One session for every in-process run; the job's main() finds it with getOrCreate.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    session = (SparkSession.builder.master("local[2]").appName("geospike spark-test")
               .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
               .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1").getOrCreate())
    session.sparkContext.setLogLevel("WARN")
    firewall = [p for p in quirks if p.name == "quirks-firewall.csv"]
    nfdump = [p for p in quirks if p.name == "quirks-nfdump.csv"]
    checks.run("CSV with named columns, no exclusions, hourly buckets",
               lambda: compare_run(swift, work, "csv-mapped", firewall,
                                   ["--time-field", "Time", "--dst-ip-field", "Dst IP", "--country-field", "Country",
                                    "--process-field", "Application", "--exclude-process", "none",
                                    "--bucket-span", "1h", *loose]))
    checks.run("zoneless CSV times in Europe/Berlin, a custom exclusion list",
               lambda: compare_run(swift, work, "csv-zone", nfdump + firewall,
                                   ["--input-timezone", "Europe/Berlin", "--exclude-process", "curl",
                                    "--exclude-process", "SVCHOST", *loose]))
    ecs = [p for p in quirks if p.name.startswith("quirks-ecs")]
    if MMDB.exists():
        checks.run("GeoIP from an MMDB file",
                   lambda: compare_run(swift, work, "mmdb", ecs, ["--geoip", MMDB, *loose]))
    def without_geoip():
        compare_run(swift, work, "no-geoip", ecs, ["--geoip", "none", *loose])
        if MMDB.exists():
            def unresolved(name):
                return json.loads((work / name / "summary.json").read_text())["total"]["skipped"]["unresolvedCountry"]

            expect(unresolved("mmdb") < unresolved("no-geoip"), "the MMDB resolved no destination at all")

    checks.run("no GeoIP at all", without_geoip)
    checks.run("exit codes of bad input match geospike's", lambda: check_exit_codes(swift, work, quirks))
    checks.run("Elasticsearch composite pages convert to geospike's counts",
               lambda: check_elasticsearch_converter(swift, work, data[0]))
    checks.run("geospike-train on Spark's counts gives the raw log's model byte for byte",
               lambda: check_model_identity(swift, work, data[0]))
    session.stop()
    print(f"spark-test: {checks.passed} passed, {checks.failed} failed")
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if checks.failed else 0


if __name__ == "__main__":
    sys.exit(main())
