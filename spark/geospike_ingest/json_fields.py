"""Pulls named fields out of one NDJSON line with the rules of Sources/GeoSpikeIngest/JSONFieldScanner.swift.

The Swift scanner walks the bytes once and is lenient where a full JSON parser is not
(skipped values are checked only for nesting, bare tokens starting with `-` or a digit
count as numbers, bad escapes are kept). To be exact without being slow, a line goes
first through Python's C JSON decoder; only when that refuses the line does the
byte-by-byte port below decide. Both yield, per wanted field,
the last value the line gave it, as `(kind, value)`:

- `"string"`: the decoded text (lone surrogates become U+FFFD, as Swift's decoder does);
- `"number"`: the raw token text (`1.50` stays `1.50`: timestamps are parsed from it);
- `"literal"`: `true`, `false` or `null`;
- `"array"`: the list of every string token inside it, decoded, keys of nested objects
  included (what `JSONFieldScanner.contains` compares against; exact for words of letters).

Nested objects and dotted keys are the same path: `{"destination": {"geo": {"country_iso_code": "SE"}}}`,
`{"destination.geo": {"country_iso_code": "SE"}}` and `{"destination.geo.country_iso_code": "SE"}`.
"""

import json
import re

STRING, NUMBER, LITERAL, ARRAY = "string", "number", "literal", "array"


class _Number(str):
    """A JSON number kept as its source text."""


class _Object(list):
    """A JSON object as its (key, value) pairs in document order (duplicates kept)."""


class _Refused(ValueError):
    """A token Python accepts but the Swift scanner does not (NaN, Infinity)."""


def _constant(token):
    # Swift takes a bare token starting with '-' as a number and refuses NaN/Infinity.
    if token == "-Infinity":
        return _Number(token)
    raise _Refused(token)


_DECODER = json.JSONDecoder(
    object_pairs_hook=_Object, parse_int=_Number, parse_float=_Number, parse_constant=_constant)
_SURROGATE = re.compile("[\ud800-\udfff]")


def _clean(text):
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


class FieldScanner:
    """Finds the fields named by dotted paths; `fields[i]` lists the paths that mean field `i`."""

    def __init__(self, fields):
        self.field_of_path = {}
        for index, paths in enumerate(fields):
            for path in paths:
                self.field_of_path[path] = index
        self.field_count = len(fields)
        # Every proper prefix of a wanted path ending before a dot: objects worth descending into.
        self.prefixes = set()
        for path in self.field_of_path:
            for i, c in enumerate(path):
                if c == ".":
                    self.prefixes.add(path[:i])
        self.relevant = self.prefixes | set(self.field_of_path)

    def scan(self, line):
        """The wanted values of one line (`bytes`), or None when it is not one complete JSON object."""
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            return self._scan_bytes(line)
        try:
            document = _DECODER.decode(text)
        except (ValueError, RecursionError):
            return self._scan_bytes(line)
        if type(document) is not _Object:
            return None
        values = [None] * (self.field_count + 1)  # the last slot: the conflicting field, if any
        if not self._collect(document, "", values):
            return self._scan_bytes(line)
        return values

    def _collect(self, pairs, prefix, values):
        relevant = self.relevant
        for key, value in pairs:
            path = prefix + key if prefix else key
            if path not in relevant:
                continue
            kind = type(value)
            if kind is _Object:
                if path in self.prefixes:
                    if not self._collect(value, path + ".", values):
                        return False
                continue
            field = self.field_of_path.get(path)
            if field is None:
                continue
            if kind is str:
                _set(values, field, (STRING, _clean(value)))
            elif kind is _Number:
                _set(values, field, (NUMBER, str(value)))
            elif kind is list:
                _set(values, field, (ARRAY, list(_strings_in(value))))
            else:
                _set(values, field, (LITERAL, "null" if value is None else ("true" if value else "false")))
        return True

    # MARK: the byte-level port, for lines the decoder refuses

    def _scan_bytes(self, line):
        scan = _ByteScan(line, self)
        return scan.values if scan.run() else None


def conflicting_field(values):
    """The first wanted field a line gave twice with different scalar values, or None
    (JSONFieldScanner.conflictingField): kept in the slot after the fields'."""
    return values[-1]


def _set(values, field, value):
    """Records a field's value; a scalar met again with another value is a conflict."""
    previous = values[field]
    if (previous is not None and previous[0] != ARRAY and value[0] != ARRAY and previous != value
            and not isinstance(values[-1], int)):
        values[-1] = field
    values[field] = value


def _strings_in(value):
    if type(value) is str:
        yield value
    elif type(value) is list:
        for item in value:
            yield from _strings_in(item)
    elif type(value) is _Object:
        for key, item in value:
            yield key
            yield from _strings_in(item)


_SPACE = b" \t\r\n"
_DELIMITERS = b",}] \t\r\n"


class _ByteScan:
    """One pass of JSONFieldScanner.scan over the bytes of a line."""

    def __init__(self, line, scanner):
        self.b = line
        self.n = len(line)
        self.scanner = scanner
        self.values = [None] * (scanner.field_count + 1)

    def run(self):
        p = self._skip_space(0)
        if p >= self.n or self.b[p] != 0x7B:  # {
            return False
        p = self._object(p + 1, "")
        if p is None:
            return False
        return self._skip_space(p) == self.n

    def _skip_space(self, p):
        while p < self.n and self.b[p] in _SPACE:
            p += 1
        return p

    def _object(self, p, prefix):
        """Parses members from just inside `{`; returns the index past `}` or None."""
        b, n = self.b, self.n
        p = self._skip_space(p)
        if p < n and b[p] == 0x7D:
            return p + 1
        while True:
            p = self._skip_space(p)
            if p >= n or b[p] != 0x22:
                return None
            end = self._string_end(p)
            if end is None:
                return None
            key = _key_text(b[p + 1:end - 1])
            p = self._skip_space(end)
            if p >= n or b[p] != 0x3A:  # :
                return None
            p = self._skip_space(p + 1)
            if p >= n:
                return None
            path = None if key is None else prefix + key
            field = self.scanner.field_of_path.get(path) if path is not None else None
            c = b[p]
            if c == 0x7B:
                if path is not None and path in self.scanner.prefixes:
                    p = self._object(p + 1, path + ".")
                else:
                    p = self._container_end(p + 1)
                if p is None:
                    return None
            elif c == 0x22:
                end = self._string_end(p)
                if end is None:
                    return None
                if field is not None:
                    _set(self.values, field, (STRING, _unescape(b[p + 1:end - 1])))
                p = end
            elif c == 0x5B:
                end = self._container_end(p + 1)
                if end is None:
                    return None
                if field is not None:
                    _set(self.values, field, (ARRAY, self._array_strings(p + 1, end)))
                p = end
            else:
                start = p
                while p < n and b[p] not in _DELIMITERS:
                    p += 1
                if p == start:
                    return None
                token = b[start:p]
                is_number = c == 0x2D or 0x30 <= c <= 0x39
                if not is_number and token not in (b"true", b"false", b"null"):
                    return None
                if field is not None:
                    _set(self.values, field, (NUMBER if is_number else LITERAL, token.decode("utf-8", "replace")))
            p = self._skip_space(p)
            if p >= n:
                return None
            if b[p] == 0x2C:
                p += 1
                continue
            if b[p] == 0x7D:
                return p + 1
            return None

    def _string_end(self, p):
        """From an opening quote to just past the closing one (an odd run of backslashes escapes)."""
        b = self.b
        q = p + 1
        while True:
            quote = b.find(b'"', q)
            if quote < 0:
                return None
            k = quote - 1
            backslashes = 0
            while k >= p + 1 and b[k] == 0x5C:
                backslashes += 1
                k -= 1
            if backslashes % 2 == 0:
                return quote + 1
            q = quote + 1

    def _container_end(self, p):
        """From just inside `{` or `[` to just past the matching close."""
        b, n = self.b, self.n
        depth = 1
        while p < n:
            c = b[p]
            if c == 0x22:
                end = self._string_end(p)
                if end is None:
                    return None
                p = end
                continue
            if c == 0x7B or c == 0x5B:
                depth += 1
            elif c == 0x7D or c == 0x5D:
                depth -= 1
                if depth == 0:
                    return p + 1
            p += 1
        return None

    def _array_strings(self, p, end):
        """Every string token between `[` and `]`, decoded (JSONFieldScanner.contains)."""
        strings = []
        b = self.b
        while p < end:
            if b[p] == 0x22:
                close = self._string_end(p)
                if close is None:
                    break
                strings.append(_unescape(b[p + 1:close - 1]))
                p = close
            else:
                p += 1
        return strings


def _key_text(raw):
    """A key as the trie walk sees it: decoded, and None when not ASCII (it can match nothing)."""
    if 0x5C in raw:
        raw = _unescape(raw).encode("utf-8", "surrogatepass")
    return raw.decode("ascii") if raw.isascii() else None


_ESCAPES = {0x6E: 0x0A, 0x74: 0x09, 0x72: 0x0D, 0x62: 0x08, 0x66: 0x0C}


def _hex4(raw, at):
    if at + 4 > len(raw):
        return None
    value = 0
    for k in range(at, at + 4):
        c = raw[k]
        if 0x30 <= c <= 0x39:
            d = c - 0x30
        elif 0x61 <= c <= 0x66:
            d = c - 0x61 + 10
        elif 0x41 <= c <= 0x46:
            d = c - 0x41 + 10
        else:
            return None
        value = value << 4 | d
    return value


def _unescape(raw):
    """Decodes JSON escapes as JSONFieldScanner.unescape (unknown escapes keep the character)."""
    if 0x5C not in raw:
        return raw.decode("utf-8", "replace")
    out = bytearray()
    i = 0
    n = len(raw)
    while i < n:
        c = raw[i]
        if c != 0x5C or i + 1 >= n:
            out.append(c)
            i += 1
            continue
        e = raw[i + 1]
        i += 2
        if e in _ESCAPES:
            out.append(_ESCAPES[e])
        elif e == 0x75:  # u
            scalar = _hex4(raw, i)
            if scalar is None:
                out.append(e)
                continue
            i += 4
            low = _hex4(raw, i + 2) if i + 6 <= n and raw[i] == 0x5C and raw[i + 1] == 0x75 else None
            if 0xD800 <= scalar < 0xDC00 and low is not None and 0xDC00 <= low < 0xE000:
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                i += 6
            elif 0xD800 <= scalar < 0xE000:
                scalar = 0xFFFD
            out += chr(scalar).encode("utf-8")
        else:
            out.append(e)
    return out.decode("utf-8", "replace")
