"""Timestamps, bucket spans and local-time conversion, exactly as geospike computes them.

Mirrors Sources/GeoSpikeIngest/Timestamp.swift (ISO 8601 and log date-times, epoch
numbers with unit guessing, ISO output), BucketSpan.swift (floor to epoch-aligned
buckets) and LocalTimeConverter.swift (zoneless CSV times in an IANA zone). The
floating-point steps are done in the same order as the Swift code, so the seconds
(and therefore the buckets) are bit-for-bit the same.
"""

import math
import re
from functools import lru_cache
from datetime import datetime, timezone

from .errors import USAGE, GeoSpikeError

_ZERO = ord("0")


def _digit(text, i):
    c = ord(text[i]) - _ZERO
    return c if 0 <= c < 10 else None


def _two(text, i):
    a = _digit(text, i)
    b = _digit(text, i + 1)
    if a is None or b is None:
        return None
    return a * 10 + b


def days_in(month, year):
    """Days in a month of the proleptic Gregorian calendar (Timestamp.daysIn)."""
    if month == 2:
        return 29 if (year % 4 == 0 and year % 100 != 0) or year % 400 == 0 else 28
    if month in (4, 6, 9, 11):
        return 30
    return 31


def _trunc_div(a, b):
    # Swift's Int64 division truncates towards zero; Python's // floors.
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


def days_from_civil(year, month, day):
    """Days since 1970-01-01 (Howard Hinnant's days_from_civil, Timestamp.days)."""
    y = year - 1 if month <= 2 else year
    era = _trunc_div(y if y >= 0 else y - 399, 400)
    year_of_era = y - era * 400
    day_of_year = _trunc_div(153 * (month - 3 if month > 2 else month + 9) + 2, 5) + day - 1
    day_of_era = year_of_era * 365 + _trunc_div(year_of_era, 4) - _trunc_div(year_of_era, 100) + day_of_year
    return era * 146097 + day_of_era - 719468


def civil_from_days(days):
    """The (year, month, day) of a day count since 1970-01-01 (Timestamp.civil)."""
    z = days + 719468
    era = _trunc_div(z if z >= 0 else z - 146096, 146097)
    day_of_era = z - era * 146097
    year_of_era = _trunc_div(
        day_of_era - _trunc_div(day_of_era, 1460) + _trunc_div(day_of_era, 36524) - _trunc_div(day_of_era, 146096), 365)
    day_of_year = day_of_era - (365 * year_of_era + _trunc_div(year_of_era, 4) - _trunc_div(year_of_era, 100))
    mp = _trunc_div(5 * day_of_year + 2, 153)
    day = day_of_year - _trunc_div(153 * mp + 2, 5) + 1
    month = mp + 3 if mp < 10 else mp - 9
    return year_of_era + era * 400 + (1 if month <= 2 else 0), month, day


def iso8601(epoch_seconds):
    """Whole epoch seconds as ISO 8601 UTC, e.g. `2026-10-05T00:15:00Z` (Timestamp.iso8601)."""
    days = _trunc_div(epoch_seconds, 86400) if epoch_seconds >= 0 else _trunc_div(epoch_seconds - 86399, 86400)
    second_of_day = epoch_seconds - days * 86400
    year, month, day = civil_from_days(days)
    if year < 0 or year > 9999:
        return f"{year}-{month}-{day}T{second_of_day}s"
    return "%04d-%02d-%02dT%02d:%02d:%02dZ" % (
        year, month, day, second_of_day // 3600, second_of_day // 60 % 60, second_of_day % 60)


# The usual spellings, for a fast path; anything it does not match goes through the full port.
_USUAL = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt ]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:[.,]([0-9]+))?)?"
    r"(?:[Zz]|([+-])([0-9]{2})(?::?([0-9]{2}))?)?")


@lru_cache(maxsize=1 << 14)
def _midnight(year, month, day):
    """Epoch seconds of a valid date's midnight UTC, or None for a date that does not exist."""
    if not (1 <= month <= 12) or day < 1 or day > days_in(month, year):
        return None
    return days_from_civil(year, month, day) * 86400


def parse_date_time(text):
    """Parses an ISO 8601 date-time or a log variant to `(epoch seconds, has_zone)`, or None.

    Accepts `2026-10-05T00:15:00Z`, fractional seconds (`.` or `,`), offsets `+02:00`,
    `+0200`, `+02`, a space or `t` instead of `T`, and `2026/10/05 00:15:00.123456`
    (Argus, nfdump); the seconds are optional. Mirrors Timestamp.parseDateTime; the
    usual spellings take a regular-expression path with the same arithmetic.
    """
    match = _USUAL.fullmatch(text)
    if match is not None:
        year, month, day, hour, minute, second, digits, sign, offset_hours, offset_minutes = match.groups()
        midnight = _midnight(int(year), int(month), int(day))
        second = 0 if second is None else int(second)
        offset = 0 if sign is None else int(offset_hours) * 3600 + int(offset_minutes or 0) * 60
        if (midnight is not None and int(hour) <= 23 and int(minute) <= 59 and second <= 60
                and (sign is None or (int(offset_hours) <= 23 and int(offset_minutes or 0) <= 59))):
            fraction = 0.0
            if digits:
                scale = 0.1
                for d in digits:
                    fraction += (ord(d) - _ZERO) * scale
                    scale *= 0.1
            whole = midnight + int(hour) * 3600 + int(minute) * 60 + min(second, 59) - (-offset if sign == "-" else offset)
            return float(whole) + fraction, sign is not None or text[-1] in "Zz"
    return _parse_date_time(text)


def _parse_date_time(text):
    """The byte-by-byte port of Timestamp.parseDateTime."""
    n = len(text)
    if n < 16:
        return None
    y0 = _two(text, 0)
    y1 = _two(text, 2)
    if y0 is None or y1 is None:
        return None
    year = y0 * 100 + y1
    separator = text[4]
    if separator not in "-/" or text[7] != separator:
        return None
    month = _two(text, 5)
    day = _two(text, 8)
    if month is None or day is None or text[10] not in "T t":
        return None
    hour = _two(text, 11)
    if hour is None or text[13] != ":":
        return None
    minute = _two(text, 14)
    if minute is None:
        return None
    if not (1 <= month <= 12) or day < 1 or day > days_in(month, year) or hour > 23 or minute > 59:
        return None
    i = 16
    second = 0
    fraction = 0.0
    if i < n and text[i] == ":":
        if i + 3 > n:
            return None
        s = _two(text, i + 1)
        if s is None or s > 60:
            return None
        second = min(s, 59)
        i += 3
        if i < n and text[i] in ".,":
            i += 1
            scale = 0.1
            start = i
            while i < n:
                d = _digit(text, i)
                if d is None:
                    break
                fraction += d * scale
                scale *= 0.1
                i += 1
            if i == start:
                return None
    offset_seconds = 0
    has_zone = False
    if i < n:
        c = text[i]
        if c in "Zz":
            has_zone = True
            i += 1
        elif c in "+-":
            if i + 3 > n:
                return None
            offset_hours = _two(text, i + 1)
            if offset_hours is None or offset_hours > 23:
                return None
            i += 3
            offset_minutes = 0
            if i < n and text[i] == ":":
                if i + 3 > n:
                    return None
                m = _two(text, i + 1)
                if m is None:
                    return None
                offset_minutes = m
                i += 3
            elif i + 2 <= n and _two(text, i) is not None:
                offset_minutes = _two(text, i)
                i += 2
            if offset_minutes > 59:
                return None
            offset_seconds = (offset_hours * 3600 + offset_minutes * 60) * (-1 if c == "-" else 1)
            has_zone = True
    if i != n:
        return None
    whole = days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset_seconds
    return float(whole) + fraction, has_zone


_INT64_GUARD = 922_337_203_685_477_580


def parse_decimal(text):
    """Parses `123` or `-123.456` (no exponent) like Timestamp.parseDecimal, or None."""
    n = len(text)
    if n == 0:
        return None
    i = 0
    negative = False
    if text[0] == "-":
        negative = True
        i = 1
    whole = 0
    start = i
    while i < n:
        d = ord(text[i]) - _ZERO
        if not 0 <= d < 10:
            break
        if whole >= _INT64_GUARD:
            return None
        whole = whole * 10 + d
        i += 1
    if i == start:
        return None
    value = float(whole)
    if i < n and text[i] == ".":
        i += 1
        fraction = 0
        scale = 1.0
        while i < n:
            d = ord(text[i]) - _ZERO
            if not 0 <= d < 10:
                break
            if scale < 1e15:
                fraction = fraction * 10 + d
                scale *= 10
            i += 1
        value += float(fraction) / scale
    if i != n:
        return None
    return -value if negative else value


def parse_epoch(text, guess_unit):
    """Epoch seconds from a decimal number; with `guess_unit` the magnitude picks s/ms/µs/ns.

    Mirrors Timestamp.parseEpoch: below 1e11 seconds, below 1e14 milliseconds, below
    1e17 microseconds, else nanoseconds; negative numbers are not times.
    """
    value = parse_decimal(text)
    if value is None or value < 0:
        return None
    if not guess_unit:
        return value
    if value < 1e11:
        return value
    if value < 1e14:
        return value / 1e3
    if value < 1e17:
        return value / 1e6
    return value / 1e9


class BucketSpan:
    """The width of a time bucket in whole seconds, aligned to the Unix epoch (BucketSpan.swift)."""

    _PATTERN = re.compile(r"[+-]?[0-9]+")

    def __init__(self, seconds):
        self.seconds = seconds

    @classmethod
    def parse(cls, text):
        """Parses Elastic-style spans (`15m`, `1h`, `900s`, bare seconds); must divide a day."""
        trimmed = text.strip(" \t").lower()
        digits = trimmed
        unit = 1
        if trimmed and trimmed[-1].isalpha():
            digits = trimmed[:-1]
            units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
            if trimmed[-1] not in units:
                raise GeoSpikeError(USAGE, f"bucket span '{text}': unit must be s, m, h or d (e.g. 15m)")
            unit = units[trimmed[-1]]
        value = int(digits) if cls._PATTERN.fullmatch(digits) else 0
        if value <= 0 or 86400 % (value * unit) != 0:
            raise GeoSpikeError(
                USAGE, f"bucket span '{text}' must be a positive duration that divides a day (e.g. 15m, 1h)")
        return cls(value * unit)

    def bucket_start(self, epoch_seconds):
        """The start of the bucket holding `epoch_seconds` (floor, also before 1970)."""
        t = math.floor(epoch_seconds)
        return t - t % self.seconds


class LocalTimeConverter:
    """Converts zoneless wall-clock times in an IANA zone to UTC (LocalTimeConverter.swift).

    The offset is max(offset at `local`, offset at `local - that offset`), so in the
    repeated hour after a DST change the earlier (daylight) reading wins. Like the
    Swift converter, it remembers the offset of the last quarter hour; one converter
    serves one file, read in order, as in Swift, so even a zone whose transitions fall
    inside a quarter hour converts identically.
    """

    def __init__(self, identifier):
        if identifier in ("UTC", "Etc/UTC", "Z"):
            self.zone = None
        else:
            try:
                from zoneinfo import ZoneInfo

                self.zone = ZoneInfo(identifier)
            except Exception:
                raise GeoSpikeError(
                    USAGE, f"unknown time zone '{identifier}'; use an IANA name such as Europe/Stockholm or UTC"
                ) from None
        self._cached_quarter = None
        self._cached_offset = 0.0

    # Python's datetime spans years 1-9999; instants outside take the offset at the edge.
    _EARLIEST, _LATEST = -62135596800 + 86400, 253402300799 - 86400

    def _offset_at(self, instant):
        clamped = min(max(math.floor(instant), self._EARLIEST), self._LATEST)
        moment = datetime.fromtimestamp(clamped, tz=timezone.utc).astimezone(self.zone)
        return float(int(moment.utcoffset().total_seconds()))

    def utc(self, local):
        """UTC epoch seconds for `local`, a wall-clock time written as if it were UTC."""
        if self.zone is None:
            return local
        quarter = math.floor(local / 900)
        if quarter != self._cached_quarter:
            first = self._offset_at(local)
            second = self._offset_at(local - first)
            self._cached_offset = max(first, second)
            self._cached_quarter = quarter
        return local - self._cached_offset
