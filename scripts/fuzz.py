#!/usr/bin/env python3
"""Mutation fuzzing of every input geospike reads, through the real binaries.

Targets: each log reader (ECS, Zeek TSV, Zeek JSON, Suricata EVE, CSV, counts CSV), the
model loader, exception files (JSON and YAML) and rule files. Seeds come from datasets/
and models/; each input is mutated (bit flips, control bytes, invalid UTF-8, deleted,
repeated and spliced spans, huge and implausible numbers, duplicate keys, truncation)
and fed to the binary that reads it. Every run must end with a documented exit code
(0, 64, 65, 66 or 74), an error message when it is not 0, and within the time limit.

Reported per target: inputs tried, crashes (death by a signal), hangs (over the time
limit), undocumented exit codes, and the exit codes seen. Failing inputs are kept under
--artifacts. Exit status 1 when anything failed.

  scripts/fuzz.py --bin .build/debug [--seed 1] [--lines-per-reader 1000000] [--models 2000] [--texts 1000]

`make fuzz` runs it at full size; `make test` runs a seeded smoke run of a few seconds.
Standard library only.
"""
import argparse
import gzip
import json
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOCUMENTED = {0, 64, 65, 66, 74}

INTERESTING_BYTES = [0x00, 0x09, 0x0A, 0x0D, 0x1B, 0x22, 0x2C, 0x3A, 0x5C, 0x7B, 0x7D, 0x5B, 0x5D, 0x7F, 0x80,
                     0xC0, 0xC3, 0xE2, 0xED, 0xF0, 0xFF]
INTERESTING_TOKENS = [
    b"9999", b"0001", b"569568", b"-1", b"0", b"1e308", b"-1e308", b"1e999", b"NaN", b"Infinity", b"nan",
    b"99999999999999999999999", b"18446744073709551616", b"-9223372036854775809", b"4294967296",
    b"null", b"true", b"[]", b"{}", b'"', b"\\", b"\\u0000", b"\\ud800", b"\\u001b[2J", b"\x1b]0;x\x07",
    b"XX", b"ZZ", b"EU", b"??", b"--", b"KP", b"::", b"::ffff:1.2.3.4", b"255.255.255.255", b"0.0.0.0",
    b"fe80::1%eth0", b"1.2.3", b"300.1.1.1", b"9999-12-31T23:59:59Z", b"0001-01-01T00:00:00Z",
    b"2026-02-30T25:61:61Z", b"1970-01-01T00:00:00Z", b"+99:99", b"\t", b",", b'""', b"#fields",
    b'"destination":{"geo":{"country_iso_code":"KP"}}', b'"@timestamp":"9999-01-01T00:00:00Z"',
    b"\xef\xbb\xbf", b"\xff\xfe", b"\xe2\x80\xae",
]


def mutate(data: bytes, rng: random.Random, donors: list) -> bytes:
    """One to four random mutations of `data`."""
    b = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        choice = rng.randrange(10)
        n = len(b)
        if choice == 0 and n:
            i = rng.randrange(n)
            b[i] ^= 1 << rng.randrange(8)
        elif choice == 1 and n:
            b[rng.randrange(n)] = rng.choice(INTERESTING_BYTES)
        elif choice == 2 and n:
            i = rng.randrange(n)
            del b[i:i + rng.randint(1, 16)]
        elif choice == 3 and n:
            i = rng.randrange(n)
            span = b[i:i + rng.randint(1, 32)]
            b[i:i] = span * rng.randint(1, 8)
        elif choice == 4:
            b[rng.randint(0, n):rng.randint(0, n)] = b""  # no-op when the indices cross
            b[rng.randint(0, len(b)):0] = rng.choice(INTERESTING_TOKENS)
        elif choice == 5 and n:
            del b[rng.randrange(n):]
        elif choice == 6 and n:
            # A run of digits replaced by an extreme number.
            digits = [m.span() for m in re.finditer(rb"[0-9]+", bytes(b))]
            if digits:
                s, e = rng.choice(digits)
                b[s:e] = rng.choice([b"9999", b"0", b"-1", b"99999999999999999999", b"1e308", b"00000000000001"])
        elif choice == 7 and donors:
            donor = rng.choice(donors)
            i, j = rng.randint(0, n), rng.randint(0, len(donor))
            b = bytearray(b[:i] + donor[j:])
        elif choice == 8 and n > 2:
            # A key or value repeated: duplicate keys, repeated fields.
            i, j = sorted((rng.randrange(n), rng.randrange(n)))
            b[j:j] = b[i:j][:64]
        else:
            b[rng.randint(0, n):0] = bytes([rng.randrange(256)])
    return bytes(b)


def read_lines(path: str, limit: int = 3000) -> list:
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        return [line.rstrip(b"\n") for _, line in zip(range(limit), f)]


class Tally:
    def __init__(self, name):
        self.name, self.inputs, self.runs = name, 0, 0
        self.crashes, self.hangs, self.undocumented, self.silent = 0, 0, 0, 0
        self.codes = {}

    @property
    def failures(self):
        return self.crashes + self.hangs + self.undocumented + self.silent

    def line(self):
        codes = ", ".join(f"{k}: {v}" for k, v in sorted(self.codes.items(), key=lambda kv: str(kv[0])))
        return (f"{self.name:<16} {self.inputs:>9} inputs {self.runs:>6} runs  crashes {self.crashes}  hangs {self.hangs}"
                f"  undocumented {self.undocumented}  silent {self.silent}  exit codes {{{codes}}}")


def run(tally: Tally, argv: list, timeout: float, artifacts: str, keep: list):
    """Runs one binary; classifies the outcome; keeps the inputs of a failure."""
    tally.runs += 1
    try:
        p = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           timeout=timeout)
    except subprocess.TimeoutExpired:
        tally.hangs += 1
        tally.codes["hang"] = tally.codes.get("hang", 0) + 1
        save(tally, "hang", argv, b"", artifacts, keep)
        return
    code = p.returncode
    tally.codes[code] = tally.codes.get(code, 0) + 1
    if code < 0:
        tally.crashes += 1
        save(tally, f"signal{-code}", argv, p.stderr, artifacts, keep)
    elif code not in DOCUMENTED:
        tally.undocumented += 1
        save(tally, f"exit{code}", argv, p.stderr, artifacts, keep)
    elif code != 0 and not p.stderr.strip():
        tally.silent += 1
        save(tally, f"silent{code}", argv, p.stderr, artifacts, keep)


def save(tally, what, argv, stderr, artifacts, keep):
    directory = os.path.join(artifacts, f"{tally.name}-{what}-{tally.runs}")
    os.makedirs(directory, exist_ok=True)
    for path in keep:
        shutil.copy(path, directory)
    with open(os.path.join(directory, "command.txt"), "w") as f:
        f.write(" ".join(argv) + "\n")
    with open(os.path.join(directory, "stderr.txt"), "wb") as f:
        f.write(stderr)
    print(f"fuzz: {tally.name}: {what}; inputs kept in {directory}", file=sys.stderr)


def zeek_json(tsv_lines: list) -> list:
    fields = next(l for l in tsv_lines if l.startswith(b"#fields")).decode().split("\t")[1:]
    out = []
    for line in tsv_lines:
        if line.startswith(b"#"):
            continue
        values = line.decode(errors="replace").split("\t")
        record = {"_path": "conn"}
        for k, v in zip(fields, values):
            if v != "-":
                record[k] = float(v) if k == "ts" else v
        out.append(json.dumps(record, separators=(",", ":")).encode())
    return out


def fuzz_readers(args, rng, work, tallies):
    d = lambda name: os.path.join(ROOT, "datasets", name)
    zeek = read_lines(d("sample-zeek-conn.log.gz"))
    nfdump = read_lines(d("sample-nfdump.csv.gz"))
    counts = read_lines(d("train-counts.csv"))
    readers = [
        # name, --format, header lines kept before the mutated lines, seed lines
        ("ecs", "ecs", [], read_lines(d("train-ecs.ndjson.gz"))),
        ("zeek-tsv", "zeek", [l for l in zeek if l.startswith(b"#")], [l for l in zeek if not l.startswith(b"#")]),
        ("zeek-json", "zeek", [], zeek_json(zeek)),
        ("suricata", "suricata", [], read_lines(d("sample-suricata-eve.json.gz"))),
        ("csv", "csv", nfdump[:1], nfdump[1:]),
        ("counts", "counts", counts[:1], counts[1:]),
    ]
    for name, fmt, header, seeds in readers:
        tally = Tally(name)
        tallies.append(tally)
        left = args.lines_per_reader
        while left > 0:
            n = min(args.batch, left)
            left -= n
            lines = [mutate(rng.choice(seeds), rng, seeds) if rng.random() < 0.9 else rng.choice(seeds) for _ in range(n)]
            head = list(header)
            if head and rng.random() < 0.2:
                i = rng.randrange(len(head))
                head[i] = mutate(head[i], rng, head)
            # Readers judge a file by its first 64 KB (NUL bytes or many control bytes there
            # mean a binary file, refused whole), so most batches start with clean lines
            # and the mutants follow; some start mutated, to exercise that check too.
            clean, size = [], 0
            if rng.random() < 0.95:
                while size < 70_000:
                    clean.append(rng.choice(seeds))
                    size += len(clean[-1]) + 1
            path = os.path.join(work, f"{name}.in")
            with open(path, "wb") as f:
                f.write(b"\n".join(head + clean + lines) + b"\n")
            tally.inputs += n
            fmt_arg = fmt if rng.random() < 0.9 else "auto"
            run(tally, [os.path.join(args.bin, "geospike-eval"), "counts", "--input", path, "--format", fmt_arg,
                        "--max-bad-fraction", "1"], args.timeout, args.artifacts, [path])


def crc_fixed(data: bytes) -> bytes:
    return data[:-4] + struct.pack("<I", zlib.crc32(data[:-4]) & 0xFFFFFFFF)


def mutate_model(model: bytes, rng: random.Random) -> bytes:
    """A damaged model: random bytes anywhere, or JSON-aware edits of the header with its
    length and checksum fixed, so that the checks after the CRC are reached too."""
    header_length = struct.unpack_from("<Q", model, 12)[0]
    header = model[20:20 + header_length]
    rest = model[20 + header_length:]
    kind = rng.randrange(4)
    if kind == 0:
        return mutate(model, rng, [])
    if kind == 1:
        return crc_fixed(mutate(model, rng, []))
    if kind == 2:
        # Header edited as text: numbers made extreme, strings made hostile.
        text = header
        for _ in range(rng.randint(1, 3)):
            numbers = [m.span() for m in re.finditer(rb"-?[0-9][0-9.eE+-]*", text)]
            strings = [m.span() for m in re.finditer(rb'"[^"\\]*"', text)]
            if numbers and rng.random() < 0.6:
                s, e = rng.choice(numbers)
                text = text[:s] + rng.choice([b"1e999", b"-1e999", b"0", b"-1", b"1e308", b"99999999999999999999",
                                              b"NaN", b"null", b"[]"]) + text[e:]
            elif strings:
                s, e = rng.choice(strings)
                text = text[:s] + rng.choice([b'"\x1b[2J"', b'""', b'"ZZ"', b'"' + b"A" * 100000 + b'"', b"1",
                                              b'"geospike-zz"']) + text[e:]
        body = model[:12] + struct.pack("<Q", len(text)) + text + rest
        return crc_fixed(body)
    # Coefficients: non-finite or extreme values, checksum fixed.
    b = bytearray(model)
    start = 20 + header_length + 8
    count = (len(model) - 4 - start) // 8
    for _ in range(rng.randint(1, 3)):
        if count:
            i = start + 8 * rng.randrange(count)
            b[i:i + 8] = struct.pack("<d", rng.choice([float("nan"), float("inf"), -float("inf"), 1e308, -1e308, 0.0]))
    if rng.random() < 0.2:
        b[start - 8:start] = struct.pack("<Q", rng.choice([0, 1, 2**63, count + 1]))
    return crc_fixed(bytes(b))


def fuzz_models(args, rng, work, tallies, batch):
    model = open(os.path.join(ROOT, "models", "demo.gsm"), "rb").read()
    tally = Tally("model")
    tallies.append(tally)
    path = os.path.join(work, "mutant.gsm")
    for i in range(args.models):
        with open(path, "wb") as f:
            f.write(mutate_model(model, rng))
        tally.inputs += 1
        if i % 2:
            argv = [os.path.join(args.bin, "geospike-train"), "inspect", path]
        else:
            argv = [os.path.join(args.bin, "geospike-score"), "--model", path, "--input", batch, "--geoip", "none"]
        run(tally, argv, args.timeout_small, args.artifacts, [path])


EXCEPTIONS_YAML = b"""# approved traffic
exceptions:
  - id: backup-se
    country: SE
    host.name: backup01
    source.ip: [10.0.0.5/32, 10.0.1.0/24]
    destination.port: 443
    reason: nightly offsite backup
    owner: it@example.com
    expires: 2030-01-01
  - country: HK
    user.name: 'o''brien'
    process.name: "rsync.exe"
    reason: mirror
    owner: ops
    expires: 2030-06-30
"""

RULE_JSON = b"""{"name": "Egress spike (EU office)", "rule_id": "geo-egress-eu", "severity": "medium", "risk_score": 47,
 "max_signals": 10, "interval": "15m", "from": "now-30m", "tags": ["Team: EU SOC", "Domain: Network"],
 "threat": [{"tactic": {"id": "TA0010", "name": "Exfiltration", "reference": "https://attack.mitre.org/tactics/TA0010/"},
             "technique": [{"id": "T1567", "name": "Exfiltration Over Web Service"}]}],
 "business_hours": {"start": "07:30", "end": "16:00", "days": ["Mon", "Tue", "Wed", "Thu", "Fri"]}}
"""


def fuzz_texts(args, rng, work, tallies, batch):
    model = os.path.join(ROOT, "models", "demo.gsm")
    example = open(os.path.join(ROOT, "datasets", "exceptions-example.json"), "rb").read()
    targets = [
        ("exceptions-json", "--exceptions", "e.json", [example]),
        ("exceptions-yaml", "--exceptions", "e.yaml", [EXCEPTIONS_YAML]),
        ("rule", "--rule", "r.json", [RULE_JSON]),
    ]
    for name, option, file_name, seeds in targets:
        tally = Tally(name)
        tallies.append(tally)
        path = os.path.join(work, file_name)
        for _ in range(args.texts):
            with open(path, "wb") as f:
                f.write(mutate(rng.choice(seeds), rng, seeds))
            tally.inputs += 1
            argv = [os.path.join(args.bin, "geospike-score"), "--model", model, "--input", batch, "--geoip", "none",
                    option, path]
            run(tally, argv, args.timeout_small, args.artifacts, [path])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bin", required=True, help="directory holding geospike-train, -score and -eval")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--lines-per-reader", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=50_000, help="mutated lines per run of a reader")
    parser.add_argument("--models", type=int, default=2000)
    parser.add_argument("--texts", type=int, default=1000, help="mutants per exception or rule format")
    parser.add_argument("--timeout", type=float, default=300, help="seconds per reader run before it is a hang")
    parser.add_argument("--timeout-small", type=float, default=30, help="seconds per model/exception/rule run")
    parser.add_argument("--artifacts", default=os.path.join(ROOT, ".build", "fuzz-failures"))
    args = parser.parse_args()
    for tool in ("geospike-train", "geospike-score", "geospike-eval"):
        if not os.access(os.path.join(args.bin, tool), os.X_OK):
            sys.exit(f"fuzz.py: {args.bin}/{tool} is not built; run swift build")
    rng = random.Random(args.seed)
    started = time.monotonic()
    tallies = []
    with tempfile.TemporaryDirectory(prefix="geospike-fuzz-") as work:
        batch = os.path.join(work, "batch.ndjson")
        with open(batch, "wb") as f:
            f.write(b"\n".join(read_lines(os.path.join(ROOT, "datasets", "batch-attack-ecs.ndjson.gz"), 400)) + b"\n")
        fuzz_readers(args, rng, work, tallies)
        fuzz_models(args, rng, work, tallies, batch)
        fuzz_texts(args, rng, work, tallies, batch)
    for tally in tallies:
        print(tally.line())
    failures = sum(t.failures for t in tallies)
    print(f"fuzz: seed {args.seed}, {sum(t.inputs for t in tallies)} inputs in {sum(t.runs for t in tallies)} runs, "
          f"{time.monotonic() - started:.1f} s: {failures} failure(s)")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
