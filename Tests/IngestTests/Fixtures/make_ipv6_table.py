#!/usr/bin/env python3
"""Writes ipv6_addresses.csv, the reference that IPAddressTests and GeoIPTests check
geospike's IPv6 text parsing against (IPAddress.parseV6 and the Tor table's fast path).

    python3 Tests/IngestTests/Fixtures/make_ipv6_table.py

Columns: `text`, then `address`, the 128-bit value as 32 hex digits (empty when Python's
ipaddress.IPv6Address rejects the text), then `ipv4_mapped`, the dotted IPv4 address of
an IPv4-mapped address (empty otherwise). Rows are hand-picked forms (compressed and not,
`::` at the start, middle and end, embedded IPv4, uppercase, zone ids, and invalid ones:
too many groups, 5-digit groups, two `::`, stray colons, empty) and then, from a fixed
seed, random addresses in every spelling RFC 4291 allows and small mutations of them.

geospike is deliberately looser than Python in two places, kept out of the table (the
tests state them by hand): dotted IPv4 octets with leading zeros (`::01.2.3.4`), which
Python rejects since 3.9.5, and zone ids that are empty or hold a second `%`, which
geospike ignores like any other zone id. No text holds a comma, a quote or white space,
so the CSV needs no quoting.
"""
import ipaddress
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = 6

HAND_PICKED = [
    # compressed, as Tor's geoip-db-tool and Python write them
    "::", "::1", "1::", "2001:db8::", "2001:db8::1", "2001:218::1", "2a02:cf40::",
    "2001:2:0:ffff:ffff:ffff:ffff:ffff", "fe80::1c2b:3aff:fe4d:5e6f", "1::2", "1:2::3:4",
    # `::` for one group, at the start, middle and end
    "::2:3:4:5:6:7:8", "1::3:4:5:6:7:8", "1:2:3:4:5:6:7::", "1:2:3::5:6:7:8",
    # uncompressed, with and without leading zeros
    "2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8:0:0:0:0:0:1", "0:0:0:0:0:0:0:0",
    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "0000:0000:0000:0000:0000:0000:0000:0000",
    # `::` where the longest run of zeros is not
    "2001:0:0:1::1", "2001::1:0:0:1", "0::0", "0:0::0:0",
    # uppercase and mixed case
    "2001:DB8::1", "ABCD:EF01:2345:6789:ABCD:EF01:2345:6789", "aBcD::eF", "FE80::1",
    # embedded IPv4
    "::1.2.3.4", "::ffff:1.2.3.4", "::ffff:89.160.20.156", "64:ff9b::192.0.2.33", "1:2:3:4:5:6:1.2.3.4",
    "1::1.2.3.4", "::ffff:0.0.0.0", "::255.255.255.255", "::FFFF:10.0.0.1", "::ffff:59a0:149c",
    # zone ids
    "fe80::1%eth0", "fe80::1c2b:3aff:fe4d:5e6f%25", "::1%lo", "1::%x",
    # invalid: too many or too few groups
    "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8::", "::1:2:3:4:5:6:7:8", "1:2:3:4::5:6:7:8",
    "1:2:3:4:5:6:7:1.2.3.4", "1:2:3:4:5:6:7:8:1.2.3.4", "::1:2:3:4:5:6:1.2.3.4",
    # invalid: 5-digit groups
    "12345::1", "::12345", "1:2:3:4:5:6:7:12345", "00000::", "2001:0db80::1",
    # invalid: two `::`, stray colons
    "1::2::3", "::1::", "::::", ":::", "2001:::1", "1:::2", ":1", "1:", ":", "1:2:3:4:5:6:7:8:",
    ":1:2:3:4:5:6:7:8", "1::2:", ":1::2", "2001:db8::1:",
    # invalid: not hex, wrong IPv4, empty, other families
    "", "g::1", "::g", "2001:db8::1x", "1.2.3.4", "::1.2.3", "::1.2.3.4.5", "::1.2.3.256", "::1.2.3.4:1",
    "1.2.3.4::", "::1.2..4", "::.1.2.3", "::a.1.2.3", "::1a.2.3.4", "::1234.1.2.3", "[::1]", "[2001:db8::1]",
    "::1/64", "::-1", "+::1", "::1::1.2.3.4",
]


def spellings(value, rng):
    """`value` in every spelling RFC 4291 allows, a few in mixed case."""
    address = ipaddress.IPv6Address(value)
    groups = [f"{(value >> (112 - 16 * k)) & 0xFFFF:x}" for k in range(8)]
    texts = {str(address), address.exploded, str(address).upper(), ":".join(groups)}
    # `::` over every run of zero groups, not only the longest.
    for start in range(8):
        for end in range(start + 1, 9):
            if all(g == "0" for g in groups[start:end]):
                texts.add(":".join(groups[:start]) + "::" + ":".join(groups[end:]))
    # The low 32 bits as dotted IPv4, after six groups or after `::`.
    dotted = str(ipaddress.IPv4Address(value & 0xFFFF_FFFF))
    texts.add(":".join(groups[:6]) + ":" + dotted)
    for start in range(7):
        if all(g == "0" for g in groups[start:6]):
            texts.add(":".join(groups[:start]) + "::" + dotted)
    mixed = "".join(c.upper() if rng.random() < 0.5 else c for c in address.exploded)
    texts.add(mixed)
    return sorted(texts)


def random_value(rng):
    """128 bits with runs of zero groups (so `::` has somewhere to go), sometimes IPv4-mapped."""
    if rng.random() < 0.1:
        return 0xFFFF_0000_0000 | rng.getrandbits(32)
    groups = [rng.choice([0, 0, rng.getrandbits(4), rng.getrandbits(8), rng.getrandbits(16)]) for _ in range(8)]
    return sum(g << (112 - 16 * k) for k, g in enumerate(groups))


def mutations(text, rng):
    """Small edits of a valid text: most make it invalid, some keep it valid."""
    alphabet = ":.0123456789abcdefABCDEFg%"
    out = set()
    for _ in range(4):
        k = rng.randrange(len(text) + 1)
        out.add(text[:k] + rng.choice(alphabet) + text[k:])  # insert
        if text:
            k = rng.randrange(len(text))
            out.add(text[:k] + text[k + 1:])  # delete
            out.add(text[:k] + rng.choice(alphabet) + text[k + 1:])  # replace
    out.add(text + ":")
    out.add(":" + text)
    out.add(text + "::")
    out.add(text + ":1")
    out.add("0" + text)  # a 5-digit first group when it had 4
    return sorted(out)


def python_looser_or_stricter(text):
    """Texts where Python's ipaddress and geospike knowingly differ (see the module doc)."""
    address, percent, zone = text.partition("%")
    if percent and (not zone or "%" in zone):
        return True
    tail = address.rsplit(":", 1)[-1]
    return "." in tail and any(len(octet) > 1 and octet.startswith("0") for octet in tail.split("."))


def reference(text):
    try:
        address = ipaddress.IPv6Address(text)
    except ValueError:
        return "", ""
    mapped = address.ipv4_mapped
    return f"{int(address):032x}", str(mapped) if mapped else ""


def main():
    rng = random.Random(SEED)
    texts = list(HAND_PICKED)
    for _ in range(60):
        forms = spellings(random_value(rng), rng)
        texts += forms
        texts += mutations(rng.choice(forms), rng)
    seen, rows = set(), []
    for text in texts:
        if text in seen or python_looser_or_stricter(text):
            continue
        assert not any(c in text for c in ',"\n ') and len(text) < 100, text
        seen.add(text)
        rows.append((text, *reference(text)))
    path = os.path.join(HERE, "ipv6_addresses.csv")
    with open(path, "w", newline="") as f:
        f.write("# IPv6 text and its value by Python's ipaddress.IPv6Address (empty: rejected)\n")
        f.write(f"# generated by make_ipv6_table.py with Python {sys.version.split()[0]}, seed {SEED}\n")
        f.write("text,address,ipv4_mapped\n")
        f.writelines(",".join(row) + "\n" for row in rows)
    valid = sum(1 for row in rows if row[1])
    print(f"ipv6_addresses.csv: {len(rows)} rows, {valid} valid, {len(rows) - valid} invalid", file=sys.stderr)


if __name__ == "__main__":
    main()
