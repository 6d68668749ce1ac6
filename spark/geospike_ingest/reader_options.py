"""Everything that decides how log lines become counts (ReaderOptions.swift, ReaderArguments.swift).

The option names are those of geospike's executables, so one set of reader options
can be given to both `aggregate_counts.py` and `geospike-eval counts`.
"""

import math
import time

from .errors import USAGE, GeoSpikeError
from .input_format import FORMATS
from .timestamp import BucketSpan, LocalTimeConverter, parse_date_time

# 1990-01-01T00:00:00Z (ReaderOptions.defaultNotBefore).
DEFAULT_NOT_BEFORE = 631_152_000.0

DEFAULT_EXCLUDED_PROCESSES = ["elastic-agent", "metricbeat", "filebeat", "packetbeat", "winlogbeat"]

_CSV_OPTIONS = [
    ("time_field", "time", "CSV column holding the event time."),
    ("dst_ip_field", "destination_ip", "CSV column holding the destination IP."),
    ("country_field", "country", "CSV column holding the destination country (ISO code or name)."),
    ("src_ip_field", "source_ip", "CSV column holding the source IP."),
    ("dst_port_field", "destination_port", "CSV column holding the destination port."),
    ("process_field", "process", "CSV column holding the process name."),
    ("host_field", "host", "CSV column holding the host name."),
    ("user_field", "user", "CSV column holding the user name."),
]


class ReaderOptions:
    """Validated reader options, plain data so they travel to Spark executors."""

    def __init__(self, format="auto", bucket_span="15m", geoip=None, input_timezone="UTC", csv_fields=None,
                 excluded_processes=None, max_bad_fraction=0.01, strict=False, influencers=0,
                 not_before=DEFAULT_NOT_BEFORE, not_after=None):
        if format not in FORMATS:
            raise GeoSpikeError(USAGE, f"--format '{format}' is not one of {', '.join(FORMATS)}")
        self.format = format
        self.bucket_span = BucketSpan.parse(bucket_span)
        LocalTimeConverter(input_timezone)
        self.geoip = geoip
        self.input_timezone = input_timezone
        self.csv_fields = dict(csv_fields or {})
        self.excluded_processes = list(DEFAULT_EXCLUDED_PROCESSES if excluded_processes is None else excluded_processes)
        if not 0 <= max_bad_fraction <= 1:
            raise GeoSpikeError(
                USAGE, f"--max-bad-fraction must be between 0 and 1 (e.g. 0.01 for 1%), not {max_bad_fraction}")
        self.max_bad_fraction = max_bad_fraction
        self.strict = strict
        if influencers < 0:
            raise GeoSpikeError(USAGE, f"--influencers must be 0 (none) or a positive number of top values, not {influencers}")
        self.influencers = influencers
        self.not_before = not_before
        self.not_after = not_after
        if not_after is not None and not_after < not_before:
            raise GeoSpikeError(USAGE, "--not-after is before --not-before")

    def plausible_times(self, now=None):
        """Event times outside are malformed lines (ReaderOptions.plausibleTimes): by default
        1990-01-01 to the end of the UTC day one day after `now`."""
        now = time.time() if now is None else now
        latest = self.not_after if self.not_after is not None else math.ceil((now + 86400) / 86400) * 86400
        return self.not_before, max(self.not_before, latest)

    @staticmethod
    def add_arguments(parser):
        """Adds geospike's reader options to an argparse parser."""
        parser.add_argument("--format", default="auto", help="ecs, zeek, suricata, csv, or auto (detect per file)")
        parser.add_argument("--geoip", help="a .mmdb file, a Tor geoip file or directory, or none "
                            "(default: Debian's tor-geoipdb tables in /usr/share/tor)")
        parser.add_argument("--bucket-span", default="15m", help="bucket width, e.g. 15m, 1h, 900s; must divide a day")
        parser.add_argument("--input-timezone", default="UTC", help="IANA zone of CSV times written without a zone")
        for option, _, text in _CSV_OPTIONS:
            parser.add_argument("--" + option.replace("_", "-"), help=text)
        parser.add_argument(
            "--exclude-process", action="append", default=[],
            help="drop events of this process.name (repeatable; none clears the list; default: the Beats and "
                 "Elastic Agent, as Elastic's datafeed)")
        parser.add_argument("--max-bad-fraction", type=float, default=0.01,
                            help="fail (exit 65) when more than this fraction of a file's records are malformed")
        parser.add_argument("--strict", action="store_true", help="fail on the first malformed line")
        parser.add_argument("--not-before", help="event times before this are malformed lines (date or ISO 8601, UTC; "
                            "default 1990-01-01)")
        parser.add_argument("--not-after", help="event times after this are malformed lines (date or ISO 8601, UTC; "
                            "default: the end of tomorrow, UTC)")

    @classmethod
    def from_arguments(cls, args, influencers=0):
        """The options parsed arguments describe (raises GeoSpikeError with exit code 64 when invalid)."""
        excluded = None
        if args.exclude_process:
            excluded = [name for name in args.exclude_process if name.lower() != "none"]
        mapping = {column: getattr(args, option) for option, column, _ in _CSV_OPTIONS
                   if getattr(args, option) is not None}
        return cls(format=args.format.lower(), bucket_span=args.bucket_span, geoip=args.geoip,
                   input_timezone=args.input_timezone, csv_fields=mapping, excluded_processes=excluded,
                   max_bad_fraction=args.max_bad_fraction, strict=args.strict, influencers=influencers,
                   not_before=_time_option(args.not_before, "--not-before", DEFAULT_NOT_BEFORE),
                   not_after=_time_option(args.not_after, "--not-after", None))


def _time_option(text, option, default):
    """`2026-10-05` (midnight UTC) or an ISO 8601 date-time (ReaderArguments.time)."""
    if text is None:
        return default
    parsed = parse_date_time(text + "T00:00:00Z" if len(text) == 10 else text)
    if parsed is None:
        raise GeoSpikeError(USAGE, f"{option} '{text}' is not a date (2026-10-05) or an ISO 8601 date-time")
    return parsed[0]
