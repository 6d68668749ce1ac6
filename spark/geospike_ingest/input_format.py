"""Per-file format detection from the first bytes (InputFormat.swift `detect`).

Zeek TSV starts with `#separator`/`#fields`/`#path`; JSON lines are Suricata EVE when
they carry `event_type` with `dest_ip`/`src_ip`, Zeek JSON when they carry `id.resp_h`
style keys or `ts` with `uid`, ECS otherwise; other text is CSV, and a CSV whose header
has `bucket_start`, `country` and `count` is a counts table.
"""

from .country_names import WHITESPACES

FORMATS = ["auto", "ecs", "zeek", "suricata", "csv", "counts"]


def detect(head):
    """The format of a file from its head bytes, or None when there is nothing to go on."""
    json_lines = 0
    saw_suricata = saw_zeek = False
    lines = head.split(b"\n")
    for index, raw in enumerate(lines):
        # The last line may be cut by the peek window; judge it only if it is the only one.
        complete = index < len(lines) - 1 or index == 0
        line = raw.lstrip(b" \t").rstrip(b"\r ")
        if not complete or not line:
            continue
        first = line[:1]
        if first == b"#":
            text = line[:12].decode("utf-8", "replace")
            if text.startswith(("#separator", "#fields", "#path")):
                return "zeek"
            continue
        if first == b"{":
            text = line.decode("utf-8", "replace")
            if '"event_type"' in text and ('"dest_ip"' in text or '"src_ip"' in text):
                saw_suricata = True
            elif ('"id.resp_h"' in text or '"id_resp_h"' in text or '"id.orig_h"' in text
                  or ('"ts"' in text and '"uid"' in text)):
                saw_zeek = True
            json_lines += 1
            if json_lines >= 5:
                break
            continue
        if json_lines > 0:
            continue
        header = line.decode("utf-8", "replace").lower()
        columns = set()
        cell = []
        for c in header + ",":
            if c in ",\t;":
                columns.add("".join(cell).strip(WHITESPACES).strip('"'))
                cell = []
            else:
                cell.append(c)
        if {"bucket_start", "country", "count"} <= columns:
            return "counts"
        return "csv"
    if json_lines > 0:
        if saw_suricata:
            return "suricata"
        if saw_zeek:
            return "zeek"
        return "ecs"
    return None
