"""Zeek's tab-separated logs (conn.log), driven by their `#` header lines (ZeekTSVParser.swift).

`#separator` (written as `\\x09`), `#unset_field`, `#empty_field`, `#path` and `#fields`
configure the reader and may appear again mid-file (concatenated logs); leading
whitespace before a header line is tolerated; `-` and `(empty)` are no value.
"""

import re

from .country_names import WHITESPACES
from .event_fields import EVENT, MALFORMED, METADATA, SKIPPED, EventFields
from .timestamp import parse_date_time, parse_epoch

_HEX_BYTE = re.compile(r"[+-]?[0-9a-fA-F]+")


def _text(raw):
    return raw.decode("utf-8", "replace")


class ZeekTSVParser:
    """Turns Zeek TSV lines into outcomes; holds the header state of one file."""

    def __init__(self):
        self.separator = 0x09
        self.unset_field = b"-"
        self.empty_field = b"(empty)"
        self.path = None
        self.field_count = 0
        # Column index of ts, id.resp_h, id.orig_h, id.resp_p, resp_cc (-1 when absent).
        self.columns = (-1, -1, -1, -1, -1)

    def parse(self, line, line_number):
        """`(EVENT, fields)`, `(SKIPPED, reason, fields)`, `(MALFORMED, reason)` or `(METADATA,)`."""
        stripped = line.lstrip(b" \t")
        if stripped[:1] == b"#":
            return self._header(stripped)
        if self.field_count == 0:
            return (MALFORMED, "data before the #fields header line")
        cells = line.split(bytes([self.separator]))
        if len(cells) != self.field_count:
            return (MALFORMED, f"{len(cells)} fields where the #fields header has {self.field_count} (truncated line?)")
        time_column, destination, source, port, country = self.columns
        time_text = _text(cells[time_column])
        time = parse_epoch(time_text, guess_unit=False)
        if time is None:
            parsed = parse_date_time(time_text)
            time = None if parsed is None else parsed[0]
        if time is None:
            return (MALFORMED, f"ts '{time_text[:40]}' is not a timestamp")
        fields = EventFields()
        fields.time = time
        fields.destination_ip = self._value(cells, destination)
        fields.source_ip = self._value(cells, source)
        fields.destination_port = self._value(cells, port)
        fields.country_code = self._value(cells, country)
        if self.path is not None and self.path != "conn":
            return (SKIPPED, "notNetwork", fields)
        return (EVENT, fields)

    def _value(self, cells, column):
        if column < 0:
            return None
        span = cells[column]
        if not span or span == self.unset_field or span == self.empty_field:
            return None
        return _text(span)

    def _header(self, line):
        text = _text(line)
        # The name ends at a space, a tab or the log's own separator (`#fields|ts|…`).
        ends = (" ", "\t", chr(self.separator))
        name_end = next((i for i, c in enumerate(text) if c in ends), -1)
        if name_end < 0:
            return (METADATA,)
        name = text[:name_end]
        rest = text[name_end + 1:]
        parts = rest.split(chr(self.separator))
        if len(parts) == 1 and " " in rest:
            # Hand-edited headers sometimes use spaces; accept them for the header only.
            parts = [p for p in rest.split(" ") if p]
        if name == "#separator":
            value = rest.strip(WHITESPACES)
            if value.startswith("\\x") and _HEX_BYTE.fullmatch(value[2:]) and 0 <= int(value[2:], 16) <= 255:
                self.separator = int(value[2:], 16)
            elif value:
                self.separator = value.encode("utf-8")[0]
        elif name == "#unset_field":
            self.unset_field = (parts[0] if parts else "-").encode("utf-8")
        elif name == "#empty_field":
            self.empty_field = (parts[0] if parts else "(empty)").encode("utf-8")
        elif name == "#path":
            self.path = parts[0].strip(WHITESPACES) if parts else None
        elif name == "#fields":
            self.field_count = len(parts)
            # A repeated name keeps its last column, as the Swift loop does.
            found = {field.strip(WHITESPACES): index for index, field in enumerate(parts)}
            self.columns = tuple(found.get(n, -1) for n in ("ts", "id.resp_h", "id.orig_h", "id.resp_p", "resp_cc"))
            if self.columns[0] < 0 or self.columns[1] < 0:
                self.field_count = 0
                return (MALFORMED, "#fields has no ts or id.resp_h column; is this a Zeek conn.log?")
        return (METADATA,)
