"""The accounting of one input file and of a whole run (FileSummary.swift, IngestSummary.swift).

The JSON layout is that of `geospike-eval counts --summary-json`, so the two can be
compared field by field: every line of an event file is exactly one of blank,
metadata, counted or skipped for a reason.
"""

from .event_fields import SKIP_REASONS

EXAMPLE_LIMIT = 5


def new_file_summary(path, format):
    """An empty summary for one file."""
    return {"path": path, "format": format, "linesRead": 0, "blankLines": 0, "metadataLines": 0,
            "eventsCounted": 0, "skipped": {}, "malformedExamples": [], "warnings": [], "offGridRows": 0}


def data_lines(summary):
    """Lines that should hold a record: everything but blank and metadata lines."""
    return summary["linesRead"] - summary["blankLines"] - summary["metadataLines"]


def accumulate(total, other):
    """Adds one file's numbers to a total (examples and warnings are concatenated)."""
    for key in ("linesRead", "blankLines", "metadataLines", "eventsCounted", "offGridRows"):
        total[key] += other[key]
    for reason, n in other["skipped"].items():
        total["skipped"][reason] = total["skipped"].get(reason, 0) + n
    room = EXAMPLE_LIMIT - min(EXAMPLE_LIMIT, len(total["malformedExamples"]))
    total["malformedExamples"] += other["malformedExamples"][:room]
    total["warnings"] += other["warnings"]


def ingest_summary(files, geoip, warnings):
    """The run's summary: per file, the total, the GeoIP source and run-level warnings."""
    total = new_file_summary("(total)", "auto")
    for file in files:
        accumulate(total, file)
    return {"files": files, "total": total, "geoip": geoip, "warnings": warnings}


def report(summary):
    """The human report geospike prints on stderr (IngestSummary.report)."""
    def skips(s):
        parts = [f"{s['skipped'][r]} {phrase}" for r, phrase in zip(SKIP_REASONS, _PHRASES) if s["skipped"].get(r)]
        return "skipped " + ", ".join(parts) if parts else "none skipped"

    files, total = summary["files"], summary["total"]
    word = "file" if len(files) == 1 else "files"
    lines = [f"ingest: {len(files)} {word}, {total['linesRead']} lines read, {total['eventsCounted']} events counted, "
             f"{skips(total)}"]
    if len(files) > 1 or any(sum(f["skipped"].values()) > 0 or f["warnings"] for f in files[:1]):
        for f in files:
            lines.append(f"  {f['path']} ({f['format']}): {f['linesRead']} lines, {f['eventsCounted']} counted, {skips(f)}")
    if total["malformedExamples"]:
        lines.append("  first malformed lines:")
        lines += [f"    {example}" for example in total["malformedExamples"]]
    lines += [f"  warning: {w}" for w in summary["warnings"] + total["warnings"]]
    lines.append(f"  GeoIP: {summary['geoip']}")
    return "\n".join(lines)


_PHRASES = ["malformed", "not network", "excluded process", "private destination", "unresolved country",
            "unassigned country code"]
