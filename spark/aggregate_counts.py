#!/usr/bin/env python3
"""Aggregates network logs into geospike's counts CSV with Apache Spark.

    spark-submit [--master URL] spark/aggregate_counts.py --input GLOB [--input GLOB ...]
        --out DIR [--format auto|ecs|zeek|suricata|csv] [--geoip tor|none|FILE.mmdb|DIR]
        [--bucket-span 15m] [--influencers K] [reader options of geospike]

Reads the same formats with the same rules as geospike's readers (the geospike_ingest
package beside this file mirrors Sources/GeoSpikeIngest rule by rule) and writes into
DIR:

- `counts.csv`: `bucket_start,country,count`, byte-identical to what `geospike-eval
  counts` writes for the same files and options, ready for `geospike-train --format counts`;
- `summary.json`: lines read, counted, skipped by reason, per file and in total (the
  layout of `geospike-eval counts --summary-json`), plus the observed time range;
- `influencers.csv` with `--influencers K`: the top K values per bucket, country and
  influencer field (source.ip, destination.ip, destination.port, process.name,
  host.name, user.name), exact counts.

One input file is one unit of work (its header lines carry state); files are read on
the executors and only per-file cells travel back, so the driver holds buckets x
countries, never events. Exit codes as geospike's: 64 usage, 65 bad input data,
66 missing input, 74 I/O error. Run as `python3 aggregate_counts.py ...` it uses
`local[*]` (or `--master`).
"""

import argparse
import atexit
import heapq
import json
import os
import sys
import tempfile
import zipfile
from operator import add
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from geospike_ingest.counts_csv import top_values, write_counts, write_influencers  # noqa: E402
from geospike_ingest.errors import IO_ERROR, NO_INPUT, USAGE, BAD_DATA, GeoSpikeError  # noqa: E402
from geospike_ingest.file_summary import data_lines, ingest_summary, report  # noqa: E402
from geospike_ingest.geoip import TOR_DIRECTORY, GeoIPSource  # noqa: E402
from geospike_ingest.spark_tasks import local_path, read_partition  # noqa: E402
from geospike_ingest.reader_options import ReaderOptions  # noqa: E402


class _Parser(argparse.ArgumentParser):
    """argparse that exits 64 (EX_USAGE) like geospike's executables, not 2."""

    def error(self, message):
        self.print_usage(sys.stderr)
        sys.stderr.write(f"{self.prog}: {message}\n")
        sys.exit(USAGE)


def argument_parser():
    parser = _Parser(
        prog="aggregate_counts.py",
        description="Aggregate network logs into geospike's counts CSV with Spark.",
        epilog="Train from the result: geospike-train --format counts --input DIR/counts.csv --out MODEL")
    parser.add_argument("--input", action="extend", nargs="+", required=True, metavar="GLOB",
                        help="log files: a path or Hadoop glob (file:, hdfs:, s3a: ...); repeatable; .gz read "
                             "transparently")
    parser.add_argument("--out", required=True, metavar="DIR", help="directory for counts.csv and summary.json")
    parser.add_argument("--influencers", type=int, default=0, metavar="K",
                        help="also write influencers.csv with the top K values per bucket, country and field")
    parser.add_argument("--master", help="Spark master when not run by spark-submit (default local[*])")
    ReaderOptions.add_arguments(parser)
    return parser


# MARK: - Driver


class Aggregate:
    """The result of one job: counts, influencer tops, the summary and the observed time range."""

    def __init__(self, cells, influencers, summary, first_time, last_time):
        self.cells = cells
        self.influencers = influencers
        self.summary = summary
        self.first_time = first_time
        self.last_time = last_time


def list_inputs(spark, patterns):
    """Every file the globs match, in input order, as `(qualified URI, size)`; missing input is exit 66."""
    jvm = spark.sparkContext._jvm
    conf = spark.sparkContext._jsc.hadoopConfiguration()
    found = {}
    for pattern in patterns:
        statuses = None
        # A glob first; a path whose name holds glob characters ("day[1].log") as itself next.
        for text in dict.fromkeys([pattern, _literal(pattern)]):
            path = jvm.org.apache.hadoop.fs.Path(text)
            statuses = path.getFileSystem(conf).globStatus(path)
            if statuses:
                break
        if not statuses:
            raise GeoSpikeError(NO_INPUT, f"input file {pattern} does not exist; check the --input path")
        for status in sorted(statuses, key=lambda s: s.getPath().toString()):
            uri = status.getPath().toString()
            if status.isDirectory():
                raise GeoSpikeError(
                    NO_INPUT, f"{local_path(uri)} is a directory; pass the log files in it (e.g. {pattern}/*.log)")
            if "," in uri:
                raise GeoSpikeError(USAGE, f"{local_path(uri)}: Hadoop input lists cannot hold a comma; rename the file")
            found.setdefault(uri, status.getLen())
    return list(found.items())


def file_groups(files, count):
    """Files packed into at most `count` groups of similar total size (largest first, into the lightest)."""
    groups = [[] for _ in range(max(1, min(count, len(files))))]
    lightest = [(0, i) for i in range(len(groups))]
    for uri, size in sorted(files, key=lambda f: -f[1]):
        total, i = heapq.heappop(lightest)
        groups[i].append(uri)
        heapq.heappush(lightest, (total + size, i))
    return [g for g in groups if g]


def _literal(uri):
    # binaryFiles takes globs; a file name with glob characters must match only itself.
    return "".join("\\" + c if c in "\\[]{}*?" else c for c in uri)


def _package_zip():
    """The geospike_ingest package as a zip for the executors' Python path."""
    handle = tempfile.NamedTemporaryFile(prefix="geospike_ingest-", suffix=".zip", delete=False)
    with zipfile.ZipFile(handle, "w") as archive:
        for file in sorted((HERE / "geospike_ingest").glob("*.py")):
            archive.write(file, f"geospike_ingest/{file.name}")
    handle.close()
    atexit.register(os.unlink, handle.name)
    return handle.name


# What has been sent to the executors of a context: the package, MMDB files, broadcast sources.
_SHIPPED = {}


def _shipped(sc, key, ship):
    if (sc, key) not in _SHIPPED:
        _SHIPPED[(sc, key)] = ship()
    return _SHIPPED[(sc, key)]


def aggregate(spark, patterns, options, source):
    """Runs the job: reads every file matched by `patterns` and returns an `Aggregate`."""
    sc = spark.sparkContext
    _shipped(sc, "package", lambda: sc.addPyFile(_package_zip()))
    mmdb_name = None
    if source.kind == "mmdb":
        _shipped(sc, source.mmdb_path, lambda: sc.addFile(source.mmdb_path))
        mmdb_name = os.path.basename(source.mmdb_path)
    # Tor tables are large: broadcast once per source for the life of the context.
    source_broadcast = _shipped(sc, source, lambda: sc.broadcast(source))
    listed = list_inputs(spark, patterns)
    # Hadoop would pack small files into one split; groups of similar size keep every core busy
    # without shuffling file contents. A file is never split: its header lines carry state.
    groups = file_groups(listed, 4 * sc.defaultParallelism)
    files = sc.union([sc.binaryFiles(",".join(_literal(u) for u in group), minPartitions=1) for group in groups])
    mapped = files.mapPartitions(lambda records: read_partition(records, options, source_broadcast, mmdb_name))
    mapped.persist()
    try:
        return _collect(mapped, [uri for uri, _ in listed], options, source)
    finally:
        mapped.unpersist()


def _collect(mapped, uris, options, source):
    per_file = dict(mapped.filter(lambda r: r[0] in ("file", "error")).map(lambda r: (r[1], (r[0], r[2]))).collect())
    for uri in uris:
        if uri not in per_file:
            raise GeoSpikeError(
                NO_INPUT, f"Spark did not read {local_path(uri)} (Hadoop skips names starting with _ or .); rename it")
        kind, value = per_file[uri]
        if kind == "error":
            # The Swift run stops at the first failing file in input order; so does this report.
            raise GeoSpikeError(value["code"], value["message"])
    files = [per_file[uri][1] for uri in uris]
    summary = ingest_summary([f["summary"] for f in files], source.description, [])
    total = summary["total"]
    if data_lines(total) == 0:
        names = ", ".join(local_path(u) for u in uris)
        raise GeoSpikeError(
            BAD_DATA, f"no records in the input ({names}): the input is empty or has only headers; "
                      "pass the log files that hold events")
    unresolved = total["skipped"].get("unresolvedCountry", 0)
    if not source.has_database and unresolved > 0:
        summary["warnings"].append(f"{unresolved} events had no country and no GeoIP database was available; "
                                   "install tor-geoipdb or pass --geoip FILE.mmdb")
    firsts = [f["first"] for f in files if f["first"] is not None]
    lasts = [f["last"] for f in files if f["last"] is not None]
    cells = dict(mapped.filter(lambda r: r[0] == "cell").map(lambda r: (r[1], r[2])).reduceByKey(add).collect())
    influencers = {}
    k = options.influencers
    if k:
        influencers = dict(
            mapped.filter(lambda r: r[0] == "influencer")
            .map(lambda r: (r[1], r[2]))
            .reduceByKey(add)
            .map(lambda kv: (kv[0][:3], (kv[0][3], kv[1])))
            .combineByKey(lambda e: [e], lambda acc, e: top_values(acc + [e], k),
                          lambda a, b: top_values(a + b, k))
            .collect())
    return Aggregate(cells, influencers, summary, min(firsts, default=None), max(lasts, default=None))


def write_outputs(spark, out, result, options):
    """Writes counts.csv, summary.json and (with --influencers) influencers.csv into `out`."""
    span = options.bucket_span
    document = dict(result.summary)
    document["bucket_span_seconds"] = span.seconds
    document["first_event_time"] = result.first_time
    document["last_event_time"] = result.last_time
    document["first_bucket_start"] = None if result.first_time is None else span.bucket_start(result.first_time)
    document["last_bucket_start"] = None if result.last_time is None else span.bucket_start(result.last_time)
    outputs = {"counts.csv": write_counts(result.cells),
               "summary.json": json.dumps(document, indent=2, sort_keys=True) + "\n"}
    if options.influencers:
        outputs["influencers.csv"] = write_influencers(result.influencers)
    for name, text in outputs.items():
        _write(spark, out, name, text.encode("utf-8"))


def _write(spark, out, name, data):
    scheme = out.split(":", 1)[0] if "://" in out or out.startswith("file:") else None
    try:
        if scheme in (None, "file"):
            directory = Path(local_path(out))
            directory.mkdir(parents=True, exist_ok=True)
            (directory / name).write_bytes(data)
            return
        # Object stores and HDFS: one file written by the driver through Hadoop's FileSystem.
        jvm = spark.sparkContext._jvm
        path = jvm.org.apache.hadoop.fs.Path(out.rstrip("/") + "/" + name)
        stream = path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration()).create(path, True)
        try:
            stream.write(bytearray(data))
        finally:
            stream.close()
    except Exception as error:  # OSError locally, a Py4J error from Hadoop's FileSystem
        raise GeoSpikeError(IO_ERROR, f"cannot write {name} into {out}: {error}") from None


def spark_session(master=None):
    """The active session or a new one; without `master`, spark-submit's (whose default is local[*])."""
    from pyspark.sql import SparkSession

    # Local workers run this interpreter (it has the pinned packages); a cluster sets its own.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)

    builder = SparkSession.builder.appName("geospike aggregate_counts").config("spark.ui.showConsoleProgress", "false")
    if master:
        builder = builder.master(master)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("WARN")
    return session


def main(argv=None):
    """Runs the command line; returns the exit code."""
    args = argument_parser().parse_args(argv)
    try:
        options = ReaderOptions.from_arguments(args, influencers=args.influencers)
        source = GeoIPSource.open(TOR_DIRECTORY if args.geoip == "tor" else args.geoip)
        spark = spark_session(args.master)
        result = aggregate(spark, args.input, options, source)
        print(report(result.summary), file=sys.stderr)
        write_outputs(spark, args.out, result, options)
    except GeoSpikeError as error:
        print(f"aggregate_counts: {error.message}", file=sys.stderr)
        return error.code
    except Exception as error:
        # Bad input never gets here (executors report it as GeoSpikeError); a lost executor,
        # an unreachable file system or a full disk does.
        if type(error).__name__ != "Py4JJavaError":
            raise
        cause = str(error.java_exception).splitlines()[0] if getattr(error, "java_exception", None) else str(error)
        print(f"aggregate_counts: the Spark job failed ({cause}); the driver and executor logs above say where",
              file=sys.stderr)
        return IO_ERROR
    return 0


if __name__ == "__main__":
    sys.exit(main())
