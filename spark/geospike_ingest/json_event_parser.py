"""NDJSON network events: ECS documents, Suricata EVE, Zeek JSON (JSONEventParser.swift).

The three differ only in field names and in what marks a countable event.
"""

from .event_fields import EVENT, MALFORMED, SKIPPED, EventFields
from .json_fields import ARRAY, NUMBER, STRING, FieldScanner, conflicting_field
from .timestamp import parse_date_time, parse_epoch

# Field slots, the same for every dialect.
TIME, KIND, COUNTRY_CODE, COUNTRY_NAME, DESTINATION_IP, SOURCE_IP, DESTINATION_PORT, PROCESS, HOST, USER = range(10)

_PATHS = {
    "ecs": [
        ["@timestamp"], ["event.category"], ["destination.geo.country_iso_code"],
        ["destination.geo.country_name"], ["destination.ip"], ["source.ip"], ["destination.port"],
        ["process.name"], ["host.name"], ["user.name"],
    ],
    "suricata": [["timestamp"], ["event_type"], [], [], ["dest_ip"], ["src_ip"], ["dest_port"], [], ["host"], []],
    # Zeek writes `id.resp_h`; some shippers rename dots to underscores.
    "zeek": [
        ["ts"], ["_path"], ["resp_cc"], [], ["id.resp_h", "id_resp_h"], ["id.orig_h", "id_orig_h"],
        ["id.resp_p", "id_resp_p"], [], ["_node_name"], [],
    ],
}
_TIME_NAMES = {"ecs": "@timestamp", "suricata": "timestamp", "zeek": "ts"}


def _string(values, i):
    value = values[i]
    return value[1] if value is not None and value[0] == STRING else None


def _scalar(values, i):
    value = values[i]
    return value[1] if value is not None and value[0] in (STRING, NUMBER) else None


def _contains(values, i, word):
    """JSONFieldScanner.contains: True/False, or None when the field is absent or null."""
    value = values[i]
    if value is None:
        return None
    kind, text = value
    if kind == STRING:
        return text == word
    if kind == ARRAY:
        return word in text
    return None if text == "null" else False


class JSONEventParser:
    """Turns one NDJSON line of a dialect (`ecs`, `suricata`, `zeek`) into an outcome."""

    def __init__(self, dialect):
        self.dialect = dialect
        self.scanner = FieldScanner(_PATHS[dialect])

    def parse(self, line, line_number):
        """`(EVENT, fields)`, `(SKIPPED, reason, fields)` or `(MALFORMED, reason)` for a non-blank line."""
        values = self.scanner.scan(line)
        if values is None:
            truncated = len(line) > 0 and line[-1:] != b"}"
            return (MALFORMED, "truncated JSON object" if truncated else "not a valid JSON object")
        conflict = conflicting_field(values)
        if conflict is not None:
            return (MALFORMED, f"{_PATHS[self.dialect][conflict][0]} is given twice with different values")
        time_name = _TIME_NAMES[self.dialect]
        time_text = _scalar(values, TIME)
        if time_text is None:
            return (MALFORMED, f"no {time_name}")
        if values[TIME][0] == NUMBER:
            # Zeek's ts is seconds; an ECS @timestamp written as a number is usually milliseconds.
            time = parse_epoch(time_text, guess_unit=self.dialect != "zeek")
        else:
            parsed = parse_date_time(time_text)
            time = None if parsed is None else parsed[0]
        if time is None:
            return (MALFORMED, f"{time_name} '{time_text[:40]}' is not a timestamp")
        fields = EventFields()
        fields.time = time
        fields.destination_ip = _string(values, DESTINATION_IP)
        fields.source_ip = _string(values, SOURCE_IP)
        fields.destination_port = _scalar(values, DESTINATION_PORT)
        fields.country_code = _string(values, COUNTRY_CODE)
        fields.country_name = _string(values, COUNTRY_NAME)
        fields.process_name = _string(values, PROCESS)
        fields.host_name = _string(values, HOST)
        fields.user_name = _string(values, USER)
        if self.dialect == "ecs":
            # The datafeed's query: event.category is network, or the document does not say.
            if _contains(values, KIND, "network") is False:
                return (SKIPPED, "notNetwork", fields)
        elif self.dialect == "suricata":
            kind = _string(values, KIND)
            if kind is None:
                return (MALFORMED, "no event_type")
            if kind not in ("flow", "netflow"):
                return (SKIPPED, "notNetwork", fields)
        else:
            path = _string(values, KIND)
            if path is not None and path != "conn":
                return (SKIPPED, "notNetwork", fields)
        return (EVENT, fields)
