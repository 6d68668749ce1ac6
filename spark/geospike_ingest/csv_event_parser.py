"""Flow CSV from firewalls, nfdump and Argus, columns found by name (CSVEventParser.swift, CSVFieldMapping.swift).

The first line is the header; columns named by the mapping must be in it, the others
are guessed from common names. The delimiter (comma, tab, semicolon or bar) is the one
the header uses most. Times may be epoch seconds or milliseconds, ISO 8601, or
`YYYY/MM/DD HH:MM:SS[.ffffff]`; times without a zone are in the input time zone.
nfdump's trailing `Summary` block is metadata, not data.
"""

from .country_names import WHITESPACES
from .errors import GeoSpikeError
from .event_fields import EVENT, MALFORMED, METADATA, EventFields, is_absent_value, trimmed
from .timestamp import LocalTimeConverter, parse_date_time, parse_epoch

# CSVColumn.swift order, with the option that names each column.
COLUMNS = ["time", "destination_ip", "country", "source_ip", "destination_port", "process", "host", "user"]
OPTION_NAMES = {
    "time": "--time-field", "destination_ip": "--dst-ip-field", "country": "--country-field",
    "source_ip": "--src-ip-field", "destination_port": "--dst-port-field", "process": "--process-field",
    "host": "--host-field", "user": "--user-field",
}

# Column names tried, in order, when a field is not named explicitly (CSVFieldMapping.guesses).
GUESSES = {
    "time": [
        "@timestamp", "timestamp", "time", "ts", "starttime", "stime", "start", "first", "date first seen",
        "first seen", "datetime", "date", "event_time", "flow_start", "start_time", "receive_time",
    ],
    "destination_ip": [
        "destination.ip", "dst_ip", "dstip", "dst_addr", "dstaddr", "daddr", "da", "dst", "dest_ip", "destip",
        "destination_ip", "destination", "dst ip addr", "id.resp_h", "ipv4_dst_addr", "ipv6_dst_addr",
    ],
    "country": [
        "destination.geo.country_iso_code", "dst_country", "dst_cc", "dest_country", "destination_country",
        "country", "country_code", "cc", "destination.geo.country_name",
    ],
    "source_ip": [
        "source.ip", "src_ip", "srcip", "src_addr", "srcaddr", "saddr", "sa", "src", "source_ip", "source",
        "src ip addr", "id.orig_h", "ipv4_src_addr", "ipv6_src_addr",
    ],
    "destination_port": [
        "destination.port", "dst_port", "dstport", "dport", "dp", "dest_port", "destination_port", "dst pt",
        "id.resp_p", "l4_dst_port",
    ],
    "process": ["process.name", "process_name", "process", "app", "application"],
    "host": ["host.name", "host", "hostname", "host_name", "device", "observer.name"],
    "user": ["user.name", "user", "username", "user_name"],
}


def _text(raw):
    return raw.decode("utf-8", "replace")


class CSVEventParser:
    """Turns CSV lines into outcomes; holds the header of one file. `mapping` maps COLUMNS to explicit names."""

    def __init__(self, mapping, time_zone, file_name):
        self.mapping = mapping
        self.converter = LocalTimeConverter(time_zone)
        self.file_name = file_name
        self.delimiter = ord(",")
        self.column_count = 0
        self.column_index = {c: -1 for c in COLUMNS}
        self.in_trailer = False

    def parse(self, line, line_number):
        """`(EVENT, fields)`, `(MALFORMED, reason)` or `(METADATA,)`; raises for a header without the columns."""
        if self.column_count == 0:
            if line[:1] == b"#":
                return (METADATA,)
            self._read_header(line, line_number)
            return (METADATA,)
        if self.in_trailer:
            return (METADATA,)
        if line.strip(b" \t") == b"Summary":
            self.in_trailer = True
            return (METADATA,)
        if line[:1] == b"#":
            return (METADATA,)
        cells = self._split(line)
        if cells is None:
            return (MALFORMED, "unterminated quoted field")
        if len(cells) != self.column_count:
            return (MALFORMED, f"{len(cells)} columns where the header has {self.column_count} (truncated line?)")
        index = self.column_index
        time_text = trimmed(_text(cells[index["time"]])) if index["time"] >= 0 else ""
        if not time_text:
            return (MALFORMED, "empty time column")
        time = self._parse_time(time_text)
        if time is None:
            return (MALFORMED, f"time '{time_text[:40]}' is not epoch seconds, milliseconds or a date-time")
        fields = EventFields()
        fields.time = time
        fields.destination_ip = self._present(cells, "destination_ip")
        fields.source_ip = self._present(cells, "source_ip")
        fields.destination_port = self._present(cells, "destination_port")
        fields.process_name = self._present(cells, "process")
        fields.host_name = self._present(cells, "host")
        fields.user_name = self._present(cells, "user")
        country = self._present(cells, "country")
        if country is not None:
            if len(country.encode("utf-8")) == 2:
                fields.country_code = country
            else:
                fields.country_name = country
        return (EVENT, fields)

    def _present(self, cells, column):
        i = self.column_index[column]
        if i < 0:
            return None
        value = trimmed(_text(cells[i]))
        return None if is_absent_value(value) else value

    def _parse_time(self, text):
        epoch = parse_epoch(text, guess_unit=True)
        if epoch is not None:
            return epoch
        parsed = parse_date_time(text)
        if parsed is None:
            return None
        seconds, has_zone = parsed
        return seconds if has_zone else self.converter.utc(seconds)

    def _split(self, line):
        """The cells of a row, RFC 4180 quotes undone; None for an unterminated quote."""
        delimiter = self.delimiter
        if 0x22 not in line:
            return line.split(bytes([delimiter]))
        cells = []
        n = len(line)
        i = 0
        while True:
            j = i
            while j < n and line[j] == 0x20:
                j += 1
            if j < n and line[j] == 0x22:
                out = bytearray()
                j += 1
                closed = False
                while j < n:
                    if line[j] == 0x22:
                        if j + 1 < n and line[j + 1] == 0x22:
                            out.append(0x22)
                            j += 2
                            continue
                        closed = True
                        j += 1
                        break
                    out.append(line[j])
                    j += 1
                if not closed:
                    return None
                # Anything between the closing quote and the delimiter is dropped, as in Swift.
                while j < n and line[j] != delimiter:
                    j += 1
                cells.append(bytes(out))
            else:
                j = line.find(bytes([delimiter]), i)
                if j < 0:
                    j = n
                cells.append(line[i:j])
            if j >= n:
                return cells
            i = j + 1

    def _read_header(self, line, line_number):
        text = _text(line)
        best = max([",", "\t", ";", "|"], key=text.count)
        self.delimiter = ord(best)
        names = [name.strip(WHITESPACES).strip('"') for name in text.split(best)]
        folded = [name.lower() for name in names]
        listing = ", ".join(names)
        for column in COLUMNS:
            explicit = self.mapping.get(column)
            if explicit is not None:
                if explicit.lower() not in folded:
                    raise GeoSpikeError.bad_data(
                        self.file_name, line_number,
                        f"the header has no column '{explicit}' (named by {OPTION_NAMES[column]}); its columns are: {listing}")
                self.column_index[column] = folded.index(explicit.lower())
            else:
                for guess in GUESSES[column]:
                    if guess in folded:
                        self.column_index[column] = folded.index(guess)
                        break
        # One column must not serve two fields by guessing (e.g. "destination" as IP and country).
        if (self.column_index["country"] >= 0 and self.column_index["country"] == self.column_index["destination_ip"]
                and self.mapping.get("country") is None):
            self.column_index["country"] = -1
        if self.column_index["time"] < 0:
            raise GeoSpikeError.bad_data(
                self.file_name, line_number,
                f"no time column in the CSV header; name it with --time-field (columns: {listing})")
        if self.column_index["destination_ip"] < 0 and self.column_index["country"] < 0:
            raise GeoSpikeError.bad_data(
                self.file_name, line_number,
                "no destination IP or country column in the CSV header; name one with --dst-ip-field or "
                f"--country-field (columns: {listing})")
        self.column_count = len(names)
