"""Destination address to country: Tor range tables, a MaxMind DB, or nothing.

Mirrors Sources/GeoSpikeIngest/GeoIPResolver.swift (which source a `--geoip` value
names, non-public addresses never reaching a database), TorGeoIPTable.swift (the
`START,END,CC` text tables of Debian's tor-geoipdb, binary search over sorted ranges)
and MaxMindDatabase.swift (`country.iso_code` of a GeoLite2/GeoIP2 database).

In Spark the driver opens the source once (`GeoIPSource.open`): Tor tables are parsed
there and broadcast as sorted arrays; an MMDB file is shipped to the executors with
`SparkContext.addFile`. Executors build a `GeoIPResolver` from that source.
"""

import os
import re
import socket
from array import array
from bisect import bisect_right

from .country_names import country_code
from .errors import BAD_DATA, NO_INPUT, GeoSpikeError
from .ip_address import is_non_public, parse_ip

TOR_DIRECTORY = "/usr/share/tor"

COUNTRY, NON_PUBLIC, UNRESOLVED = "country", "nonPublic", "unresolved"


class TorGeoIPTable:
    """One Tor geoip file as sorted parallel arrays: IPv4 (`geoip`) and/or IPv6 (`geoip6`) ranges."""

    def __init__(self, path):
        self.path = path
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError:
            raise GeoSpikeError(
                NO_INPUT, f"cannot read the GeoIP table {path}; install tor-geoipdb (make deps) or pass --geoip FILE.mmdb"
            ) from None
        fast = self._parse_uniform(data)
        if fast is not None:
            self.v4, self.v6 = fast
            return
        v4 = ([], [], [])
        v6 = ([], [], [])
        for number, raw in enumerate(data.split(b"\n"), start=1):
            line = raw[:-1] if raw.endswith(b"\r") else raw
            if not line or line[:1] == b"#":
                continue
            # START,END,CC with exactly two bytes after the second comma (TorGeoIPTable.init).
            match = _LINE.fullmatch(line)
            if match is None:
                raise self._malformed(number, line)
            start_text, end_text, code_bytes = match.groups()
            code = _code(code_bytes)
            if _DECIMAL.fullmatch(start_text) and _DECIMAL.fullmatch(end_text):
                s, e = int(start_text), int(end_text)
                if s > e or e > 0xFFFFFFFF:
                    raise self._malformed(number, line)
                v4[0].append(s)
                v4[1].append(e)
                v4[2].append(code)
                continue
            s, e = _v6_value(start_text), _v6_value(end_text)
            if s is None or e is None or s > e:
                raise self._malformed(number, line)
            v6[0].append(s)
            v6[1].append(e)
            v6[2].append(code)
        self.v4 = _sorted(*v4, typecode="L")
        self.v6 = _sorted(*v6, typecode=None)

    @staticmethod
    def _parse_uniform(data):
        """The common case fast: every line IPv4 decimal or every line plain IPv6 (Debian's two files).

        None when the file is anything else; the line-by-line parser then decides (and
        reports the malformed line).
        """
        significant = sum(1 for line in data.split(b"\n") if line not in (b"", b"\r") and line[:1] != b"#")
        rows = _V4_FILE.findall(data)
        if rows and len(rows) == significant:
            starts = array("L", [int(r[0]) for r in rows])
            ends = array("L", [int(r[1]) for r in rows])
            if any(s > e for s, e in zip(starts, ends)) or max(ends) > 0xFFFFFFFF:
                return None
            codes = [_code(r[2]) for r in rows]
            return _sorted(starts, ends, codes, "L"), None
        rows = _V6_FILE.findall(data)
        if rows and len(rows) == significant:
            try:
                pton = socket.inet_pton
                starts = [int.from_bytes(pton(socket.AF_INET6, r[0].decode()), "big") for r in rows]
                ends = [int.from_bytes(pton(socket.AF_INET6, r[1].decode()), "big") for r in rows]
            except OSError:
                return None
            if any(s > e or s >> 32 == 0xFFFF or e >> 32 == 0xFFFF for s, e in zip(starts, ends)):
                return None
            codes = [_code(r[2]) for r in rows]
            return None, _sorted(starts, ends, codes, None)
        return None

    def _malformed(self, number, line):
        text = line[:80].decode("utf-8", "replace")
        return GeoSpikeError.bad_data(
            self.path, number, f"'{text}' is not START,END,CC; is this a Tor geoip file? (or pass --geoip FILE.mmdb)")

    @staticmethod
    def search(ranges, key):
        """The code of the range holding `key`, or None (a gap or a `??` range)."""
        starts, ends, codes = ranges
        low = bisect_right(starts, key)
        if low > 0 and key <= ends[low - 1]:
            return codes[low - 1] or None
        return None


_LINE = re.compile(rb"([^,]*),([^,]*),(..)", re.S)
_V4_FILE = re.compile(rb"^([0-9]{1,10}),([0-9]{1,10}),([^\r\n]{2})\r?$", re.M)
_V6_FILE = re.compile(rb"^([0-9a-fA-F:]{2,39}),([0-9a-fA-F:]{2,39}),([^\r\n]{2})\r?$", re.M)
_CODES = {}


def _code(raw):
    """The country of a table row's two bytes; "" for `??` and anything not two letters."""
    code = _CODES.get(raw)
    if code is None:
        code = _CODES[raw] = country_code(raw.decode("latin-1")) or ""
    return code
_DECIMAL = re.compile(rb"[0-9]{1,10}")


def _v6_value(text):
    """An IPv6 range bound as an integer; None when IPAddress.parse would not give IPv6."""
    try:
        value = int.from_bytes(socket.inet_pton(socket.AF_INET6, text.decode("ascii")), "big")
    except (OSError, UnicodeDecodeError, ValueError):
        value = None
    if value is None or value >> 32 == 0xFFFF:
        # inet_pton is the fast path for the usual spellings; the Swift rules decide the rest.
        address = parse_ip(text.decode("utf-8", "replace"))
        return address[1] if address is not None and address[0] == 6 else None
    return value


def _sorted(starts, ends, codes, typecode):
    # Debian's files are sorted; other exports may not be, so sort only when needed.
    if any(a > b for a, b in zip(starts, starts[1:])):
        order = sorted(range(len(starts)), key=starts.__getitem__)
        starts, ends, codes = [starts[i] for i in order], [ends[i] for i in order], [codes[i] for i in order]
    if typecode:
        return array(typecode, starts), array(typecode, ends), codes
    return starts, ends, codes


class GeoIPSource:
    """What a `--geoip` value names, opened on the driver: `kind` is `none`, `tor` or `mmdb`."""

    def __init__(self, kind, description, v4=None, v6=None, mmdb_path=None):
        self.kind = kind
        self.description = description
        self.v4 = v4
        self.v6 = v6
        self.mmdb_path = mmdb_path

    _opened = {}

    @classmethod
    def open(cls, spec):
        """Opens the source `spec` names (None: Tor tables when installed), like GeoIPResolver.init.

        Sources are kept for the process, as the Swift code keeps Tor tables: a driver that
        runs several jobs parses the tables once.
        """
        if spec not in cls._opened:
            cls._opened[spec] = cls._open(spec)
        return cls._opened[spec]

    @classmethod
    def _open(cls, spec):
        if spec is None:
            v4, v6 = TOR_DIRECTORY + "/geoip", TOR_DIRECTORY + "/geoip6"
            if os.path.exists(v4) or os.path.exists(v6):
                return cls._tor(v4, v6, f"tor-geoipdb ({TOR_DIRECTORY})")
            return cls("none", "none (install tor-geoipdb or pass --geoip FILE.mmdb)")
        if spec == "none":
            return cls("none", "none (--geoip none)")
        if not os.path.exists(spec):
            raise GeoSpikeError(
                NO_INPUT, f"GeoIP database {spec} does not exist; pass --geoip FILE.mmdb, a Tor geoip file, or none")
        if os.path.isdir(spec):
            v4, v6 = spec + "/geoip", spec + "/geoip6"
            if not os.path.exists(v4) and not os.path.exists(v6):
                raise GeoSpikeError(NO_INPUT, f"GeoIP directory {spec} has neither geoip nor geoip6 in it")
            return cls._tor(v4, v6, spec)
        if _looks_binary(spec):
            _open_mmdb(spec)
            return cls("mmdb", spec, mmdb_path=spec)
        sibling = os.path.join(os.path.dirname(spec), "geoip6")
        v6 = sibling if os.path.basename(spec) == "geoip" and os.path.exists(sibling) else None
        return cls._tor(spec, v6, spec, require_v4=True)

    @classmethod
    def _tor(cls, v4_path, v6_path, description, require_v4=False):
        # Swift loads each table on first need; the driver loads both up front to broadcast them.
        v4 = TorGeoIPTable(v4_path).v4 if v4_path and (require_v4 or os.path.exists(v4_path)) else None
        v6 = TorGeoIPTable(v6_path).v6 if v6_path and os.path.exists(v6_path) else None
        return cls("tor", description, v4=v4, v6=v6)

    @property
    def has_database(self):
        return self.kind != "none"


def _looks_binary(path):
    """MaxMind DBs are binary, Tor tables text: a NUL or control byte early decides."""
    if path.endswith(".mmdb"):
        return True
    try:
        with open(path, "rb") as handle:
            head = handle.read(4096)
    except OSError:
        return False
    return any(b == 0 or b < 9 or 13 < b < 32 for b in head)


def _open_mmdb(path):
    try:
        import maxminddb
    except ImportError:
        raise GeoSpikeError(
            NO_INPUT, "reading a .mmdb needs the maxminddb package: pip install -r spark/requirements.txt") from None
    try:
        return maxminddb.open_database(path)
    except (OSError, ValueError) as error:
        if isinstance(error, FileNotFoundError) or isinstance(error, PermissionError):
            raise GeoSpikeError(
                NO_INPUT, f"cannot open the GeoIP database {path}: {error}; check the --geoip path") from None
        raise GeoSpikeError(
            BAD_DATA,
            f"{path} is not a readable MaxMind DB ({error}); pass a GeoLite2/GeoIP2 .mmdb file to --geoip") from None


class GeoIPResolver:
    """Resolves destination address text to (COUNTRY, code), (NON_PUBLIC,) or (UNRESOLVED,)."""

    CACHE_LIMIT = 1 << 16

    def __init__(self, source, mmdb_local_path=None):
        self.source = source
        self._mmdb = _open_mmdb(mmdb_local_path or source.mmdb_path) if source.kind == "mmdb" else None
        self._cache = {}

    def resolve_text(self, text):
        """The resolution of an address written as text, or None when the text is not an address."""
        cached = self._cache.get(text)
        if cached is not None:
            return cached
        address = parse_ip(text)
        if address is None:
            return None
        if is_non_public(address):
            result = (NON_PUBLIC,)
        else:
            code = self._lookup(address)
            result = (COUNTRY, code) if code else (UNRESOLVED,)
        # The cache only saves lookups: it is bounded, and cleared rather than grown.
        if len(self._cache) >= self.CACHE_LIMIT:
            self._cache.clear()
        self._cache[text] = result
        return result

    def _lookup(self, address):
        family, value = address
        if self.source.kind == "tor":
            ranges = self.source.v4 if family == 4 else self.source.v6
            return TorGeoIPTable.search(ranges, value) if ranges else None
        if self.source.kind == "mmdb":
            import ipaddress

            ip = ipaddress.IPv4Address(value) if family == 4 else ipaddress.IPv6Address(value)
            try:
                record = self._mmdb.get(ip)
            except ValueError:
                return None
            country = record.get("country") if isinstance(record, dict) else None
            iso = country.get("iso_code") if isinstance(country, dict) else None
            if isinstance(iso, str) and len(iso.encode("utf-8")) == 2:
                return country_code(iso)
            return None
        return None
