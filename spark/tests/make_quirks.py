#!/usr/bin/env python3
"""Writes small log files with every quirk the readers must agree on, deterministically by seed.

    python3 spark/tests/make_quirks.py OUT_DIR [--seed N] [--lines N]

One file per reader path: ECS NDJSON (nested and dotted keys mixed, escapes, arrays and
odd values in event.category, duplicate keys, numeric and zoned timestamps, CRLF, lines
Python's json refuses but geospike accepts and the reverse, truncated lines), the same
as a multi-member .gz, Zeek TSV (two header blocks, a non-conn block, a changed
separator) and Zeek JSON, Suricata EVE (flow, netflow and other event types), nfdump
CSV (zoneless times, quoting, a Summary trailer) and a semicolon CSV with country names.
Destinations cover codes in any case, names with diacritics, public IPv4/IPv6,
IPv4-mapped and bracketed IPv6, NAT64, zone ids, leading zeros, private, CGNAT,
link-local, multicast and junk; processes include the excluded Beats in any spelling.
Every file is a few thousand lines over three days, so a test stays fast.
"""

import argparse
import gzip
import json
import random
from pathlib import Path

START = 1791158400  # 2026-10-05T00:00:00Z
DAYS = 3

PUBLIC_IPS = [
    "8.8.8.8", "1.1.1.1", "81.2.69.160", "185.60.216.35", "195.22.1.1", "203.0.112.9", "41.203.64.1",
    "200.160.2.3", "31.13.72.36", "77.88.55.77", "2a00:1450:4001:80e::200e", "2606:4700:4700::1111",
    "2001:4860:4860::8888", "2a02:6b8::2:242", "2400:cb00::1",
]
QUIRKY_IPS = [
    " 8.8.4.4 ", "\t9.9.9.9", "[2001:4860::1]", "::ffff:8.8.4.4", "::FFFF:1.0.0.1", "64:ff9b::808:808",
    "64:ff9b::a00:1", "fe80::1%eth0", "2001:db8::5", "100.64.3.4", "192.168.1.1", "10.0.0.7",
    "010.001.002.003", "172.20.0.1", "169.254.1.1", "224.0.0.251", "255.255.255.255", "127.0.0.1",
    "198.18.0.1", "::1", "fd00::1", "ff02::1", "256.1.1.1", "1.2.3", "not-an-ip", "", "-", "::",
    "2001:4860:4860:0:0:0:0:8888", "1:2:3:4:5:6:7:8:9", "8.8.8.8.", "0008.8.8.8",
]
CODES = ["SE", "se", "De", "us", "FR", "EU", "AP", "??", "--", "S", "SWE", "1A", "JP", "br", "é"]
NAMES = ["Sweden", "türkiye", "TURKIYE", "  Côte d'Ivoire ", "Russian Federation", "UK", "Vatican City",
         "Atlantis", "Korea, Republic of", "united states", "Åland", "Curacao", "Réunion"]
PROCESSES = ["chrome.exe", "curl", "filebeat", "FileBeat.EXE", "metricbeat.exe", "elastic-agent",
             "Elastic-Agent.exe", "winlogbeat.exe.exe", "packetbeat ", "svchost.exe", ".exe", "packetbeat.ex"]


def random_public_v4(rng):
    return ".".join(str(rng.randint(1, 223) if i == 0 else rng.randint(0, 255)) for i in range(4))


def destination_ip(rng):
    roll = rng.random()
    if roll < 0.45:
        return random_public_v4(rng)
    if roll < 0.75:
        return rng.choice(PUBLIC_IPS)
    return rng.choice(QUIRKY_IPS)


def timestamp_text(rng, t):
    """One of the ISO 8601 spellings geospike accepts, or (rarely) one it refuses."""
    whole = int(t)
    from datetime import datetime, timedelta, timezone

    moment = datetime.fromtimestamp(whole, tz=timezone.utc)
    roll = rng.random()
    if roll < 0.4:
        return moment.strftime("%Y-%m-%dT%H:%M:%S") + f".{rng.randint(0, 999):03d}Z"
    if roll < 0.55:
        local = moment + timedelta(hours=2)
        return local.strftime("%Y-%m-%dT%H:%M:%S") + rng.choice(["+02:00", "+0200", "+02"])
    if roll < 0.65:
        local = moment - timedelta(hours=5, minutes=30)
        return local.strftime("%Y-%m-%d %H:%M:%S,%f") + "-05:30"
    if roll < 0.72:
        return moment.strftime("%Y-%m-%dt%H:%Mz")
    if roll < 0.78:
        return moment.strftime("%Y/%m/%d %H:%M:%S")  # zoneless: UTC for JSON readers
    if roll < 0.80:
        return moment.strftime("%Y-%m-%dT%H:%M") + ":60Z"  # a leap second reads as :59
    if roll < 0.81:
        return "2026-02-30T10:00:00Z"  # no such day: malformed
    if roll < 0.82:
        return str(whole)  # epoch as a string: not a date-time, malformed in JSON
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def ecs_category(rng):
    """event.category as real documents write it, plus the odd values the rules must judge."""
    return rng.choice([
        "network", "network", ["network"], ["network", "process"], ["process"], "process", None,
        "MISSING", 5, True, [["network"]], [{"network": 1}], ["net\\u0077ork"], "net\\u0077ork", [], {},
    ])


def set_path(document, dotted, value, rng):
    """Puts a value under a dotted key, nested, dotted or half-and-half at random."""
    parts = dotted.split(".")
    style = rng.randrange(3)
    if style == 0 or len(parts) == 1:
        document[dotted] = value
        return
    cut = 1 if style == 1 else len(parts) - 1
    node = document
    for part in [".".join(parts[:cut])] + parts[cut:-1]:
        node = node.setdefault(part, {}) if isinstance(node.get(part, {}), dict) else node
    node[parts[-1]] = value


def ecs_line(rng, t):
    document = {}
    roll = rng.random()
    if roll < 0.08:
        set_path(document, "@timestamp", rng.choice([int(t * 1000), int(t), round(t, 3), int(t * 1e6)]), rng)
    else:
        set_path(document, "@timestamp", timestamp_text(rng, t), rng)
    category = ecs_category(rng)
    if category != "MISSING":
        set_path(document, "event.category", category, rng)
    choice = rng.random()
    if choice < 0.2:
        set_path(document, "destination.geo.country_iso_code", rng.choice(CODES), rng)
    if 0.15 < choice < 0.3:
        set_path(document, "destination.geo.country_name", rng.choice(NAMES), rng)
    if choice > 0.1:
        set_path(document, "destination.ip", destination_ip(rng), rng)
    if rng.random() < 0.7:
        set_path(document, "destination.port", rng.choice([443, 80, "53", 8443, None]), rng)
    set_path(document, "source.ip", f"10.0.{rng.randint(0, 3)}.{rng.randint(1, 254)}", rng)
    if rng.random() < 0.5:
        set_path(document, "process.name", rng.choice(PROCESSES), rng)
    set_path(document, "host.name", rng.choice(["ws-01", "ws-02", "srv\"quoted\"", "hôst-ünïcode"]), rng)
    if rng.random() < 0.3:
        set_path(document, "user.name", rng.choice(["alice", "bob", "c\\arol"]), rng)
    text = json.dumps(document, ensure_ascii=rng.random() < 0.5)
    # The escaped spellings above were written literally; undo json's doubling of their backslash.
    text = text.replace("\\\\u0077", "\\u0077")
    return text


def ecs_oddity(rng, t):
    """Lines that stress the byte-level JSON rules rather than the field choices."""
    stamp = f'"@timestamp":"{timestamp_text(rng, t)}"'
    ip = random_public_v4(rng)
    return rng.choice([
        # Python's json refuses these, geospike's scanner accepts them.
        '{%s,"destination.ip":"%s","event.category":"network","x":01}' % (stamp, ip),
        '{%s,"destination.ip":"%s","note":"bad \\x escape"}' % (stamp, ip),
        '{%s,"destination.ip":"%s","note":"raw\ttab"}' % (stamp, ip),
        '{%s,"destination.ip":"%s","n":-Infinity}' % (stamp, ip),
        '{%s,"destination.ip":"%s","skip":[1,,2]}' % (stamp, ip),
        # Python's json accepts these, geospike refuses them.
        '{%s,"destination.ip":"%s","n":NaN}' % (stamp, ip),
        '{%s,"destination.ip":"%s","n":Infinity}' % (stamp, ip),
        # Duplicate keys, nested after dotted: the last one wins.
        '{%s,"destination.ip":"10.0.0.1","destination":{"ip":"%s"}}' % (stamp, ip),
        '{%s,"destination":{"ip":"%s"},"destination.ip":null}' % (stamp, ip),
        '{%s,"destination.geo.country_iso_code":"SE","destination":{"geo":{"country_iso_code":{}}}}' % stamp,
        # Escapes in keys and values, a surrogate pair, a lone surrogate.
        '{"\\u0040timestamp":"%s","destination\\u002eip":"%s"}' % (timestamp_text(rng, t), ip),
        '{%s,"destination.geo.country_name":"T\\u00fcrkiye"}' % stamp,
        '{%s,"destination.geo.country_name":"\\ud83d\\ude00"}' % stamp,
        '{%s,"destination.geo.country_name":"\\ud800x","destination.ip":"%s"}' % (stamp, ip),
        '{%s,"process.name":"file\\u0062eat","destination.ip":"%s"}' % (stamp, ip),
        # Truncated, unbalanced, trailing garbage, not an object, invalid UTF-8.
        '{%s,"destination.ip":"%s"' % (stamp, ip),
        '{%s,"destination.ip":"%s"}}' % (stamp, ip),
        '{%s,"destination.ip":"%s"} x' % (stamp, ip),
        '[%s]' % stamp,
        '{%s,"destination.ip":"%s","host.name":"\xff\xfe"}' % (stamp, ip),
        # No time, a time of the wrong kind.
        '{"destination.ip":"%s"}' % ip,
        '{"@timestamp":null,"destination.ip":"%s"}' % ip,
        '{"@timestamp":-5,"destination.ip":"%s"}' % ip,
        '{"@timestamp":1.5e12,"destination.ip":"%s"}' % ip,
    ])


def ecs_lines(rng, count):
    lines = []
    for _ in range(count):
        t = START + rng.random() * DAYS * 86400
        roll = rng.random()
        if roll < 0.01:
            lines.append(rng.choice(["", "   ", "\t"]))
        elif roll < 0.08:
            lines.append(ecs_oddity(rng, t))
        else:
            lines.append(ecs_line(rng, t))
    return lines


def write_bytes_lines(path, lines, rng, crlf_fraction=0.1):
    out = bytearray()
    for line in lines:
        data = line.encode("utf-8", "surrogateescape") if isinstance(line, str) else line
        if "\xff" in line:
            data = line.encode("latin-1", "replace")
        out += data + (b"\r\n" if rng.random() < crlf_fraction else b"\n")
    path.write_bytes(bytes(out))
    return bytes(out)


def zeek_tsv(rng, count):
    fields = ["ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "proto", "resp_cc"]
    header = ["#separator \\x09", "#set_separator\t,", "#empty_field\t(empty)", "#unset_field\t-",
              "#path\tconn", "#fields\t" + "\t".join(fields), "#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring"]
    lines = list(header)
    for i in range(count):
        t = START + rng.random() * DAYS * 86400
        if i == count // 2:
            # A second log concatenated: another path (not counted), then conn again with '|' separators.
            lines += ["#close\t2026-10-06-00-00-00", "#separator \\x7c", "#path|dns",
                      "#fields|ts|id.resp_h|uid", f"{t:.6f}|8.8.8.8|Cx"]
            lines += ["#path|conn", "#fields|" + "|".join(fields)]
        separator = "|" if i > count // 2 else "\t"
        ts = rng.choice([f"{t:.6f}"] * 12 + [f"{int(t)}", "2026-10-05T01:02:03Z", rng.choice(["-", "x1759"])])
        cc = rng.choice(["-", "(empty)", "SE", "us", "??", ""])
        row = [ts, "C1", "10.0.0.5", "5353", destination_ip(rng).strip() or "-", "443", "tcp", cc]
        if rng.random() < 0.02:
            row = row[:5]  # truncated line
        lines.append(separator.join(row))
    lines.insert(3, "   #comment with leading spaces")
    return lines


def zeek_json(rng, count):
    lines = []
    for _ in range(count):
        t = START + rng.random() * DAYS * 86400
        document = {"ts": rng.choice([t, round(t, 6), int(t)]), "uid": "C1",
                    rng.choice(["id.orig_h", "id_orig_h"]): "10.0.0.5",
                    rng.choice(["id.resp_h", "id_resp_h"]): destination_ip(rng),
                    rng.choice(["id.resp_p", "id_resp_p"]): rng.choice([443, 53])}
        if rng.random() < 0.3:
            document["_path"] = rng.choice(["conn", "conn", "dns", "http"])
        if rng.random() < 0.2:
            document["resp_cc"] = rng.choice(["SE", "fr", "??"])
        if rng.random() < 0.03:
            document["ts"] = timestamp_text(rng, t)
        lines.append(json.dumps(document))
    return lines


def suricata(rng, count):
    lines = []
    for _ in range(count):
        t = START + rng.random() * DAYS * 86400
        document = {"timestamp": timestamp_text(rng, t),
                    "event_type": rng.choice(["flow", "flow", "netflow", "alert", "dns", "FLOW"]),
                    "src_ip": "10.1.1.1", "dest_ip": destination_ip(rng), "dest_port": 443, "host": "sensor-1"}
        if rng.random() < 0.02:
            del document["event_type"]
        lines.append(json.dumps(document))
    return lines


def nfdump_csv(rng, count):
    lines = ["ts,te,td,sa,da,sp,dp,pr,flg,ipkt,ibyt"]
    for _ in range(count):
        t = START + rng.random() * DAYS * 86400
        from datetime import datetime, timezone

        local = datetime.fromtimestamp(int(t), tz=timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
        ts = rng.choice([local] * 6 + [local + ".123", f"{t * 1000:.0f}", f"{t:.3f}", local.replace("-", "/"),
                                       rng.choice(["", "soon"])])
        da = destination_ip(rng).strip()
        if rng.random() < 0.1:
            da = f'"{da}"'
        row = [ts, ts, "0.1", "10.0.0.9", da, "5000", "443", "TCP", '"..A.,S."', "3", "120"]
        if rng.random() < 0.02:
            row = row[:4]
        if rng.random() < 0.01:
            row[1] = '"unterminated'
        lines.append(",".join(row))
    lines += ["Summary", "flows,bytes,packets,avg_bps,avg_pps,avg_bpp", "7,1234,56,0,0,0"]
    return lines


def semicolon_csv(rng, count):
    lines = ["# exported by a firewall", "Time;Dst IP;Country;Application;User"]
    for _ in range(count):
        t = START + rng.random() * DAYS * 86400
        country = rng.choice(NAMES + CODES + ["", "n/a", "unknown", "NULL", "-", '"Korea, Republic of"'])
        lines.append(";".join([f"{int(t)}", destination_ip(rng).strip(), country, rng.choice(PROCESSES), "alice"]))
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--lines", type=int, default=1500)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    n = args.lines
    write_bytes_lines(out / "quirks-ecs.ndjson", ecs_lines(rng, n), rng)
    # Two gzip members back to back: zlib reads them as one stream.
    first = gzip.compress("\n".join(ecs_lines(rng, n // 2)).encode("utf-8", "surrogateescape") + b"\n")
    second = gzip.compress("\n".join(ecs_lines(rng, n // 2)).encode("utf-8", "surrogateescape"))
    (out / "quirks-ecs-members.ndjson.gz").write_bytes(first + second)
    write_bytes_lines(out / "quirks-conn.log", zeek_tsv(rng, n), rng, crlf_fraction=0)
    write_bytes_lines(out / "quirks-conn.json", zeek_json(rng, n), rng)
    write_bytes_lines(out / "quirks-eve.json", suricata(rng, n), rng)
    write_bytes_lines(out / "quirks-nfdump.csv", nfdump_csv(rng, n), rng)
    write_bytes_lines(out / "quirks-firewall.csv", semicolon_csv(rng, n), rng)
    # An empty file and one with only comments: both are accounted for, neither is an error.
    (out / "quirks-empty.log").write_bytes(b"")
    (out / "quirks-comments.csv").write_bytes(b"# nothing but a comment\n\n")


if __name__ == "__main__":
    main()
