"""Reads one input file into counts and an account of its lines (IngestRun.swift).

Readers only extract raw fields; what they have in common happens here, once, in the
order of the Swift run: the binary-file check, format detection, the per-line
outcomes, the process exclusion list, country from code, name or GeoIP, the
malformed-line budget. A file is read sequentially (headers carry state), so in Spark
one file is one unit of work; files are independent and their counts add up.
"""

import math
from collections import Counter

from .country_names import code_for_name, country_code, name_for_code
from .csv_event_parser import CSVEventParser
from .errors import BAD_DATA, USAGE, GeoSpikeError
from .event_fields import EVENT, MALFORMED, METADATA, SKIPPED, EventFields, trimmed
from .file_summary import EXAMPLE_LIMIT, data_lines, new_file_summary
from .geoip import COUNTRY, NON_PUBLIC
from .input_format import detect
from .json_event_parser import JSONEventParser
from .line_reader import LineReader
from .timestamp import iso8601
from .zeek_tsv_parser import ZeekTSVParser


class FileCounts:
    """What one file contributed: its summary, its cells, the times it saw, its influencer values."""

    def __init__(self, path, format):
        self.summary = new_file_summary(path, format)
        self.cells = Counter()  # (bucket_start, country) -> events
        self.influencers = Counter()  # (bucket_start, country, field, value) -> events
        self.first_time = None
        self.last_time = None

    def observe(self, time):
        """Records that a well-formed event happened at `time`, counted or not."""
        if self.first_time is None or time < self.first_time:
            self.first_time = time
        if self.last_time is None or time > self.last_time:
            self.last_time = time


def _lower(raw):
    return raw.lower()  # bytes.lower changes only A-Z, as the Swift byte loop does


def normalized_process(name):
    """An excluded process name lower-cased (ASCII) and without `.exe` (IngestRun.normalizedProcess)."""
    lowered = _lower(name.encode("utf-8"))
    if len(lowered) > 4 and lowered.endswith(b".exe"):
        lowered = lowered[:-4]
    return lowered


class IngestRun:
    """Reads files with one set of options and one GeoIP resolver."""

    def __init__(self, options, resolver):
        self.options = options
        self.resolver = resolver
        self.excluded = [normalized_process(name) for name in options.excluded_processes]
        self.plausible = options.plausible_times()

    def _implausible(self, time):
        """Why an event time outside the plausible window is not used (IngestRun.implausible)."""
        low, high = self.plausible
        return (f"event time {describe_time(time)} is outside the plausible window {describe_time(low)} … "
                f"{describe_time(high)}; fix the clock that wrote it, or widen the window with --not-before / --not-after")

    def read(self, path, data):
        """Counts one file held in memory (`data`, plain or gzip); raises GeoSpikeError like the Swift run."""
        reader = LineReader(data, path)
        head = reader.head
        result = FileCounts(path, self.options.format)
        file = result.summary
        if not head:
            file["warnings"].append(f"{path} is empty")
            return result
        reason = binary_reason(head)
        if reason is not None:
            raise GeoSpikeError(
                BAD_DATA,
                f"{path} is not a text log ({reason}); pass NDJSON, Zeek, Suricata EVE or CSV logs, plain or .gz")
        format = self.options.format
        if format == "auto":
            format = detect(head)
            if format is None:
                file["warnings"].append(f"{path} has no records")
                for line, _ in reader.lines():
                    file["linesRead"] += 1
                    file["blankLines" if _is_blank(line) else "metadataLines"] += 1
                return result
        file["format"] = format
        if format == "counts":
            raise GeoSpikeError(
                USAGE, f"{path} is a counts table, already aggregated; pass it to geospike-train --format counts, "
                       "and the raw logs to aggregate_counts.py")
        if format == "zeek":
            first = head.lstrip(b" \t\r\n")[:1]
            parser = JSONEventParser("zeek") if first == b"{" else ZeekTSVParser()
        elif format == "csv":
            parser = CSVEventParser(self.options.csv_fields, self.options.input_timezone, path)
        else:
            parser = JSONEventParser(format)
        self._read_events(reader, parser, result)
        self._check_bad_fraction(file)
        return result

    def _read_events(self, reader, parser, result):
        file = result.summary
        skipped = file["skipped"]
        path = reader.name
        for line, number in reader.lines():
            file["linesRead"] += 1
            if _is_blank(line):
                file["blankLines"] += 1
                continue
            outcome = parser.parse(line, number)
            kind = outcome[0]
            if kind == EVENT:
                if not self.plausible[0] <= outcome[1].time <= self.plausible[1]:
                    self._malformed(f"{path}:{number}: {self._implausible(outcome[1].time)}", file)
                    continue
                result.observe(outcome[1].time)
                self._count(outcome[1], result)
            elif kind == SKIPPED:
                if not self.plausible[0] <= outcome[2].time <= self.plausible[1]:
                    self._malformed(f"{path}:{number}: {self._implausible(outcome[2].time)}", file)
                    continue
                result.observe(outcome[2].time)
                skipped[outcome[1]] = skipped.get(outcome[1], 0) + 1
            elif kind == MALFORMED:
                self._malformed(f"{path}:{number}: {outcome[1]}", file)
            else:
                assert kind == METADATA
                file["metadataLines"] += 1

    def _malformed(self, message, file):
        if self.options.strict:
            raise GeoSpikeError(BAD_DATA, f"{message} (--strict stops at the first malformed line)")
        file["skipped"]["malformed"] = file["skipped"].get("malformed", 0) + 1
        if len(file["malformedExamples"]) < EXAMPLE_LIMIT:
            file["malformedExamples"].append(message)

    def _check_bad_fraction(self, file):
        bad = file["skipped"].get("malformed", 0)
        lines = max(data_lines(file), 1)
        if bad == 0 or not bad > self.options.max_bad_fraction * lines:
            return
        percent = int(bad / lines * 1000 + 0.5) / 10
        raise GeoSpikeError(
            BAD_DATA,
            f"{file['path']}: {bad} of {data_lines(file)} records ({percent}%) are malformed, more than "
            f"--max-bad-fraction {self.options.max_bad_fraction}; first: {'; '.join(file['malformedExamples'])}. "
            "Fix the input, or raise --max-bad-fraction to accept it")

    def _count(self, fields, result):
        """Resolves an event's country and counts it, or counts why not (IngestRun.count)."""
        skipped = result.summary["skipped"]
        if fields.process_name is not None and self._is_excluded(fields.process_name):
            skipped["excludedProcess"] = skipped.get("excludedProcess", 0) + 1
            return
        country = None
        reason = None
        code = fields.country_code
        if code is not None and country_code(code):
            country = country_code(code)
        elif fields.country_name is not None and code_for_name(fields.country_name):
            country = code_for_name(fields.country_name)
        else:
            resolution = None
            if fields.destination_ip is not None:
                resolution = self.resolver.resolve_text(trimmed(fields.destination_ip))
            if resolution is None:
                reason = "unresolvedCountry"
            elif resolution[0] == COUNTRY:
                country = resolution[1]
            elif resolution[0] == NON_PUBLIC:
                reason = "privateDestination"
            else:
                reason = "unresolvedCountry"
        if country is not None and name_for_code(country) is None:
            # A code that names no country (XX, ZZ, QM…): SkipReason.unassignedCountry.
            country, reason = None, "unassignedCountry"
        if country is None:
            skipped[reason] = skipped.get(reason, 0) + 1
            return
        bucket = self.options.bucket_span.bucket_start(fields.time)
        result.cells[(bucket, country)] += 1
        result.summary["eventsCounted"] += 1
        if self.options.influencers:
            for name, attribute in EventFields.INFLUENCERS:
                value = getattr(fields, attribute)
                if value is not None:
                    result.influencers[(bucket, country, name, value)] += 1

    def _is_excluded(self, process):
        if not self.excluded:
            return False
        raw = process.encode("utf-8", "surrogateescape")
        # The Swift check ORs 0x20 into the last four bytes to compare with ".exe".
        if len(raw) > 4 and bytes(b | 0x20 for b in raw[-4:]) == b".exe":
            raw = raw[:-4]
        return _lower(raw) in self.excluded


def describe_time(seconds):
    """Any epoch time for a message (Timestamp.describe): ISO 8601 for years 0-9999, else seconds."""
    if seconds != seconds or not -62_167_219_200 <= seconds < 253_402_300_800:
        return "%.6g s after 1970-01-01" % seconds
    return iso8601(math.floor(seconds))


def _is_blank(line):
    return not line.strip(b" \t")


def binary_reason(head):
    """Why the first bytes of an input are not text, or None when they look like text (IngestRun.binaryReason)."""
    sample = head[:65536]
    if 0 in sample:
        return "it contains NUL bytes, as binary files and UTF-16 text do"
    control = sum(1 for b in sample if b < 0x09 or 0x0D < b < 0x20 or b == 0x7F)
    if control * 100 > len(sample):
        return f"{control} control bytes in the first {len(sample)}"
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError:
        # A multi-byte character cut by the sample's end is fine; broken UTF-8 throughout is not.
        invalid = sample.decode("utf-8", "replace").count("\ufffd") - sample.count("\ufffd".encode("utf-8"))
        if invalid * 20 > len(sample):
            return f"{invalid} invalid UTF-8 sequences in the first {len(sample)} bytes"
    return None
