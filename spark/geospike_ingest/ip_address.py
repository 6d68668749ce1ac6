"""IP address parsing and non-public classification, as Sources/GeoSpikeIngest/IPAddress.swift.

Addresses are `(4, int)` for IPv4 and `(6, int)` for IPv6 (128-bit). IPv4-mapped IPv6
(`::ffff:192.0.2.1`) is IPv4, brackets around IPv6 and zone ids (`%eth0`) are accepted,
octets may carry leading zeros; anything else the Swift parser refuses is refused here
(Python's `ipaddress` is stricter about leading zeros, so it is not used).
"""

_HEX = {c: int(c, 16) for c in "0123456789abcdefABCDEF"}


def parse_ip(text):
    """Parses dotted-quad IPv4 or RFC 4291 IPv6 text; None when it is not an address."""
    n = len(text)
    if n == 0:
        return None
    start = 0
    if text[0] == "[" and text[n - 1] == "]":
        start = 1
        n -= 1
    body = text[start:n]
    if ":" not in body:
        value = parse_v4(body)
        return None if value is None else (4, value)
    value = parse_v6(body)
    if value is None:
        return None
    if value >> 64 == 0 and (value & 0xFFFFFFFFFFFFFFFF) >> 32 == 0xFFFF:
        return (4, value & 0xFFFFFFFF)
    return (6, value)


def parse_v4(text):
    """Four decimal octets of at most three digits each, each at most 255 (IPAddress.parseV4)."""
    result = 0
    octet = 0
    digits = 0
    dots = 0
    for c in text:
        if c == ".":
            if digits == 0 or dots >= 3:
                return None
            result = result << 8 | octet
            octet = 0
            digits = 0
            dots += 1
        else:
            d = ord(c) - 48
            if not 0 <= d < 10 or digits >= 3:
                return None
            octet = octet * 10 + d
            if octet > 255:
                return None
            digits += 1
    if dots != 3 or digits == 0:
        return None
    return result << 8 | octet


def parse_v6(text):
    """Eight hex groups with at most one `::` gap and an optional IPv4 tail (IPAddress.parseV6)."""
    percent = text.find("%")
    n = len(text) if percent < 0 else percent
    if n < 2:
        return None
    groups = [0] * 8
    group_count = 0
    gap_at = -1
    i = 0
    if text[0] == ":":
        if text[1] != ":":
            return None
        gap_at = 0
        i = 2
    while i < n:
        j = i
        dotted = False
        while j < n and text[j] != ":":
            if text[j] == ".":
                dotted = True
            j += 1
        if dotted:
            # An embedded IPv4 tail fills the last two groups.
            if j != n or group_count > 6:
                return None
            v4 = parse_v4(text[i:n])
            if v4 is None:
                return None
            groups[group_count] = v4 >> 16
            groups[group_count + 1] = v4 & 0xFFFF
            group_count += 2
            break
        if j <= i or j - i > 4 or group_count >= 8:
            return None
        value = 0
        for k in range(i, j):
            h = _HEX.get(text[k])
            if h is None:
                return None
            value = value << 4 | h
        groups[group_count] = value
        group_count += 1
        i = j
        if i < n:
            i += 1
            if i < n and text[i] == ":":
                if gap_at >= 0:
                    return None
                gap_at = group_count
                i += 1
            elif i == n:
                return None
    if gap_at >= 0:
        if group_count >= 8:
            return None
        moved = groups[gap_at:group_count]
        groups = groups[:gap_at] + [0] * (8 - group_count) + moved
    elif group_count != 8:
        return None
    value = 0
    for g in groups:
        value = value << 16 | g
    return value


def _within(address, network, prefix):
    return address >> (32 - prefix) == network >> (32 - prefix)


_V4_NON_PUBLIC = [
    (0x00000000, 8),  # "this network"
    (0x0A000000, 8),  # 10/8 private
    (0x64400000, 10),  # 100.64/10 CGNAT
    (0x7F000000, 8),  # loopback
    (0xA9FE0000, 16),  # link-local
    (0xAC100000, 12),  # 172.16/12 private
    (0xC0000000, 24),  # 192.0.0/24 IETF protocol assignments
    (0xC0000200, 24),  # TEST-NET-1
    (0xC0A80000, 16),  # 192.168/16 private
    (0xC6120000, 15),  # 198.18/15 benchmarking
    (0xC6336400, 24),  # TEST-NET-2
    (0xCB007100, 24),  # TEST-NET-3
    (0xE0000000, 4),  # multicast
    (0xF0000000, 4),  # reserved and broadcast
]


def is_non_public(address):
    """True for destinations that belong to no country (IPAddress.isNonPublic)."""
    family, value = address
    if family == 4:
        return any(_within(value, network, prefix) for network, prefix in _V4_NON_PUBLIC)
    hi = value >> 64
    lo = value & 0xFFFFFFFFFFFFFFFF
    if hi == 0 and lo in (0, 1):
        return True  # unspecified, loopback
    if hi == 0x0064FF9B00000000 and lo >> 32 == 0:
        return is_non_public((4, lo & 0xFFFFFFFF))  # NAT64: judge the IPv4 inside
    if hi == 0x0100000000000000:
        return True  # 100::/64 discard
    if hi >> 32 == 0x20010DB8:
        return True  # 2001:db8::/32 documentation
    if hi >> 44 == 0x3FFF0:
        return True  # 3fff::/20 documentation
    top16 = hi >> 48
    if top16 & 0xFE00 == 0xFC00:
        return True  # fc00::/7 unique local
    if top16 & 0xFFC0 == 0xFE80:
        return True  # fe80::/10 link-local
    if top16 & 0xFFC0 == 0xFEC0:
        return True  # fec0::/10 site-local
    if top16 & 0xFF00 == 0xFF00:
        return True  # ff00::/8 multicast
    return False
