"""What Spark's executors run: reading a partition's files into per-file accounting and summed cells.

It lives in the package (not in aggregate_counts.py) because the package is what the
driver ships to the executors' Python path.
"""

from .errors import GeoSpikeError
from .geoip import GeoIPResolver
from .ingest_run import IngestRun

_RESOLVERS = {}


def _resolver(source, mmdb_name):
    """One resolver per source in each Python worker, reused across its tasks."""
    key = (source.kind, source.description)
    if key not in _RESOLVERS:
        local = None
        if mmdb_name:
            from pyspark import SparkFiles

            local = SparkFiles.get(mmdb_name)
        _RESOLVERS[key] = GeoIPResolver(source, mmdb_local_path=local)
    return _RESOLVERS[key]


def local_path(uri):
    """The path a user would write for a `file:` URI (messages name files as given)."""
    if uri.startswith("file://"):
        return uri[len("file://"):]
    if uri.startswith("file:"):
        return uri[len("file:"):]
    return uri


def read_partition(records, options, source_broadcast, mmdb_name):
    """Reads each `(uri, bytes)` file of a partition.

    Yields `("file", uri, accounting)` or `("error", uri, error)` per file, then the
    partition's summed `("cell", (bucket, country), n)` and, with influencers,
    `("influencer", (bucket, country, field, value), n)`: only cells travel, never events.
    """
    run = IngestRun(options, _resolver(source_broadcast.value, mmdb_name))
    cells = {}
    influencers = {}
    for uri, data in records:
        try:
            counted = run.read(local_path(uri), data)
        except GeoSpikeError as error:
            yield ("error", uri, error.to_record())
            continue
        for key, n in counted.cells.items():
            cells[key] = cells.get(key, 0) + n
        for key, n in counted.influencers.items():
            influencers[key] = influencers.get(key, 0) + n
        yield ("file", uri, {"summary": counted.summary, "first": counted.first_time, "last": counted.last_time})
    for key, n in cells.items():
        yield ("cell", key, n)
    for key, n in influencers.items():
        yield ("influencer", key, n)
