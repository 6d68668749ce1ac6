"""The raw values a reader found on one line, and what the line turned out to be.

Mirrors Sources/GeoSpikeIngest/EventFields.swift: values are text (or None when the
line had none); the run turns them into a country and influencer tallies.
"""

# What a line is: a countable event, a well-formed record skipped for a reason,
# a malformed record, or a header/comment line (LineOutcome in EventFields.swift).
EVENT, SKIPPED, MALFORMED, METADATA = "event", "skipped", "malformed", "metadata"

# SkipReason.swift, in its declaration order (the summary lists reasons in this order).
SKIP_REASONS = ["malformed", "notNetwork", "excludedProcess", "privateDestination", "unresolvedCountry",
                "unassignedCountry"]


class EventFields:
    """Epoch seconds (UTC) and the text of the fields ingest uses, None when absent."""

    __slots__ = ("time", "country_code", "country_name", "destination_ip", "source_ip", "destination_port",
                 "process_name", "host_name", "user_name")

    # InfluencerField.swift: the ECS names of the influencer fields, in their order.
    INFLUENCERS = [("source.ip", "source_ip"), ("destination.ip", "destination_ip"),
                   ("destination.port", "destination_port"), ("process.name", "process_name"),
                   ("host.name", "host_name"), ("user.name", "user_name")]

    def __init__(self):
        self.time = 0.0
        self.country_code = None
        self.country_name = None
        self.destination_ip = None
        self.source_ip = None
        self.destination_port = None
        self.process_name = None
        self.host_name = None
        self.user_name = None


def is_absent_value(value):
    """The spellings logs use for "no value" (EventFields.swift `isAbsentValue`), judged on UTF-8 length."""
    size = len(value.encode("utf-8", "surrogateescape"))
    if size == 0:
        return True
    if size == 1:
        return value == "-"
    if size == 2:
        return value in ("??", "--")
    return value.lower() in ("(empty)", "null", "unknown", "n/a", "none")


def trimmed(value):
    """Without leading and trailing spaces and tabs (EventFields.swift `trimmed`)."""
    return value.strip(" \t")
