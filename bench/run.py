#!/usr/bin/env python3
"""`make bench`: geospike side by side with its pandas/statsmodels peers and the read limit.

One run: creates the peers' virtual environment (bench/.venv from bench/requirements.txt),
builds the release binaries, generates (or reuses) the workloads under bench/work/, measures
every stage `--repeat` times, and writes bench/RESULTS.md with the machine, medians, min–max,
peak RSS and a table of ratios against the targets of issue 8.

Stages, per workload size:
- ingest: `geospike-eval counts` vs `wc -l` (the read-bandwidth limit) vs bench/pandas_ingest.py,
  on the same ECS NDJSON file (page cache warm), and a check that both count tables agree;
- train + score: `geospike-train` + `geospike-score` on the counts, vs
  bench/statsmodels_train.py (per-country NB2 GLM) on the same counts;
- scoring throughput (country-windows/s) and a 30-minute ECS batch scored end to end;
- Swift micro-benchmarks of the hot loops (`geospike-eval bench`), when that command exists;
- wide: `geospike-train` on a year of 15-minute counts to 250 countries (issue 4's target),
  its ingest and fit CPU apart, vs statsmodels on 10 of those countries, extrapolated;
- batch: `geospike-score` on the wide workload's 30-minute ECS batch, end to end (issue 5's
  latency target: model load, tor-geoipdb lookups, scoring, output), at the training volume
  and at 10x it, and the scoring kernel on that 250-country model.

Python standard library only: the driver must run before the venv exists.
"""

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
WORK = BENCH / "work"
VENV = BENCH / ".venv"
RESULTS = BENCH / "RESULTS.md"
QUIRKS_FIXTURE = BENCH / "fixtures" / "quirks-ecs.ndjson"
SEED = 8

# Workloads: synthetic ECS NDJSON from `geospike-eval synth`.  `days` and `volume` were chosen
# so the file lands near the named size; `replicas` > 1 concatenates the generated file that
# many times, which grows the input without growing buckets x countries (the memory claim).
# At volume 1 the generator writes about 4 MB (5 000 lines) a day, less at weekends.
SIZES = {
    "small": {"days": 15, "volume": 0.25, "replicas": 1, "peer_repeat": None},
    "100mb": {"days": 25, "volume": 1.0, "replicas": 1, "peer_repeat": None},
    "1gb": {"days": 25, "volume": 1.0, "replicas": 10, "peer_repeat": 1},
}

# What one run measures: the per-size ingest/train/score stages (with the count-table
# agreement checks), the Swift micro-benchmarks, the wide training workload of issue 4, and
# the 30-minute batch over the wide workload's 250 countries of issue 5.
STAGES = ("sizes", "micro", "wide", "batch")

TARGETS = {
    "ingest_mb_per_core_s": 250.0,
    "ingest_vs_pandas": 25.0,
    "train_score_vs_statsmodels": 10.0,
    "scoring_windows_per_s": 10e6,
    "ingest_rss_growth": 0.20,
    "batch_latency_s": 0.050,
}

# Measured child.  GNU time reports the child's own peak RSS (wait4); where it is missing, a
# one-shot Python wrapper reads RUSAGE_CHILDREN, whose peak includes the wrapper's ~14 MB
# before exec, so small processes read high.
GNU_TIME = "/usr/bin/time"
RUSAGE_WRAPPER = r"""
import resource, subprocess, sys
report, cmd = sys.argv[1], sys.argv[2:]
code = subprocess.call(cmd)
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(report, "w") as out:
    out.write(f"{usage.ru_utime} {usage.ru_stime} {usage.ru_maxrss} {code}\n")
"""


class BenchError(Exception):
    """A step of the benchmark failed; the message says which and what to do."""


@dataclass
class Sample:
    wall: float
    cpu: float
    rss_kb: int


@dataclass
class Series:
    """Repeated measurements of one command."""

    label: str
    samples: list = field(default_factory=list)

    def values(self, name):
        return [getattr(s, name) for s in self.samples]

    def median(self, name="wall"):
        return statistics.median(self.values(name))

    def low(self, name="wall"):
        return min(self.values(name))

    def high(self, name="wall"):
        return max(self.values(name))

    @property
    def rss_mb(self):
        return max(self.values("rss_kb")) / 1024


# MARK: - Running things


def log(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def run(cmd, env=None, capture=True, cwd=ROOT):
    """Runs a setup command; fails with its stderr when it fails."""
    proc = subprocess.run(cmd, env=env, cwd=cwd, text=True,
                          stdout=subprocess.PIPE if capture else None,
                          stderr=subprocess.PIPE if capture else None)
    if proc.returncode != 0:
        tail = (proc.stderr or "").strip().splitlines()[-15:]
        raise BenchError(f"`{' '.join(map(str, cmd))}` exited {proc.returncode}:\n" + "\n".join(tail))
    return proc.stdout or ""


def measure(cmd, env, stdout_path=None):
    """One timed run of `cmd`: wall seconds, user+sys CPU seconds, peak RSS."""
    report = WORK / ".rusage.txt"
    stderr_path = WORK / ".stderr.txt"
    cmd = [str(c) for c in cmd]
    if os.access(GNU_TIME, os.X_OK):
        wrapped = [GNU_TIME, "--quiet", "-f", "%U %S %M %x", "-o", str(report), *cmd]
    else:
        wrapped = [sys.executable, "-c", RUSAGE_WRAPPER, str(report), *cmd]
    stdout = open(stdout_path, "wb") if stdout_path else subprocess.DEVNULL
    try:
        with open(stderr_path, "wb") as stderr:
            start = time.perf_counter()
            subprocess.run(wrapped, env=env, cwd=ROOT, stdout=stdout, stdin=subprocess.DEVNULL, stderr=stderr)
            wall = time.perf_counter() - start
    finally:
        if stdout_path:
            stdout.close()
    fields = report.read_text().split()
    user, system, rss_kb, code = float(fields[-4]), float(fields[-3]), int(fields[-2]), int(fields[-1])
    if code != 0:
        tail = stderr_path.read_text(errors="replace").strip().splitlines()[-15:]
        raise BenchError(f"`{' '.join(cmd)}` exited {code}:\n" + "\n".join(tail))
    return Sample(wall, user + system, rss_kb)


def repeat(label, cmd, env, times, stdout_path=None):
    series = Series(label)
    for i in range(times):
        series.samples.append(measure(cmd, env, stdout_path))
        log(f"  {label} #{i + 1}: {series.samples[-1].wall:.3f} s, {series.samples[-1].rss_kb / 1024:.1f} MB")
    return series


def swift_env():
    env = dict(os.environ)
    env["OPENBLAS_NUM_THREADS"] = "1"
    return env


def peer_env():
    """Single-threaded numpy/scipy, with the machine's OpenBLAS core overrides removed together."""
    env = swift_env()
    env.update(OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", PYTHONWARNINGS="ignore")
    for name in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
        env.pop(name, None)
    return env


# MARK: - Setup


def ensure_venv():
    """bench/.venv with the pinned peers; reinstalled when requirements.txt changes."""
    requirements = BENCH / "requirements.txt"
    digest = hashlib.sha256(requirements.read_bytes()).hexdigest()
    stamp = VENV / ".requirements.sha256"
    python = VENV / "bin" / "python"
    if python.exists() and stamp.exists() and stamp.read_text().strip() == digest:
        return python
    log("creating bench/.venv and installing bench/requirements.txt")
    run([sys.executable, "-m", "venv", str(VENV)])
    run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "-r", str(requirements)])
    stamp.write_text(digest + "\n")
    return python


def build_release(scratch_path):
    """Builds the three executables (only they: bench needs no test support targets)."""
    log("building release binaries")
    # Statically linked Swift runtime: a scorer run otherwise spends ~15 ms in the dynamic
    # linker, a third of the 50 ms batch target (the Makefile's release build does the same).
    args = ["swift", "build", "-c", "release", "--static-swift-stdlib"]
    if scratch_path:
        args += ["--scratch-path", scratch_path]
    for product in ("geospike-eval", "geospike-train", "geospike-score"):
        run(args + ["--product", product], capture=False)
    bin_dir = Path(run(args + ["--show-bin-path"]).strip())
    for name in ("geospike-eval", "geospike-train", "geospike-score"):
        if not (bin_dir / name).exists():
            raise BenchError(f"{bin_dir / name} was not built; run `swift build -c release` and read its errors")
    return bin_dir


def country_windows(batch_csv, training_csv):
    """Buckets from the batch's first to last bucket x countries the scorer scores there
    (the training countries, plus any first seen in the batch)."""
    batch, training = read_counts(batch_csv), read_counts(training_csv)
    if not batch:
        return 0
    stamps = sorted({bucket for bucket, _ in batch})
    first, last = (dt.datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ") for s in (stamps[0], stamps[-1]))
    buckets = int((last - first).total_seconds()) // 900 + 1
    countries = {c for _, c in training} | {c for _, c in batch}
    return buckets * len(countries)


def has_subcommand(bin_dir, executable, subcommand):
    proc = subprocess.run([str(bin_dir / executable), subcommand, "--help"],
                          capture_output=True, text=True)
    return proc.returncode == 0


def generate_workload(size, bin_dir):
    """The ECS NDJSON file of one size, generated once and cached under bench/work/<size>/."""
    spec = SIZES[size]
    directory = WORK / size
    final = directory / "workload-ecs.ndjson"
    stamp = directory / "workload.json"
    wanted = json.dumps({"seed": SEED, **{k: spec[k] for k in ("days", "volume", "replicas")}}, sort_keys=True)
    if final.exists() and stamp.exists() and stamp.read_text() == wanted:
        return final
    if not has_subcommand(bin_dir, "geospike-eval", "synth"):
        raise BenchError("`geospike-eval synth` does not exist yet; the workload generator is issue 7")
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    generated = directory / "synth.ndjson"
    cmd = [str(bin_dir / "geospike-eval"), "synth", "--days", str(spec["days"]), "--seed", str(SEED),
           "--volume", str(spec["volume"]), "--format", "ecs", "--out", str(directory), "--file-name", generated.name]
    log(f"generating the {size} workload: {' '.join(cmd[1:])}")
    run(cmd)
    if spec["replicas"] == 1:
        generated.rename(final)
    else:
        with open(final, "wb") as out:
            for _ in range(spec["replicas"]):
                with open(generated, "rb") as handle:
                    shutil.copyfileobj(handle, out, 1 << 20)
        generated.unlink()
    stamp.write_text(wanted)
    return final


def warm_page_cache(path):
    with open(path, "rb") as handle:
        while handle.read(1 << 24):
            pass


# MARK: - Counts files


def read_counts(path):
    """{(bucket_start, country): count} of a counts CSV (first three columns)."""
    table = {}
    with open(path) as handle:
        header = handle.readline().strip().split(",")
        if header[:3] != ["bucket_start", "country", "count"]:
            raise BenchError(f"{path}:1: expected header bucket_start,country,count, got {','.join(header)}")
        for number, line in enumerate(handle, start=2):
            parts = line.rstrip("\n").split(",")
            if len(parts) < 3:
                raise BenchError(f"{path}:{number}: expected bucket_start,country,count")
            table[(parts[0], parts[1])] = int(parts[2])
    return table


def compare_counts(ours_path, peer_path):
    """(agree, description) of two count tables."""
    ours, peer = read_counts(ours_path), read_counts(peer_path)
    only_ours = sorted(set(ours) - set(peer))
    only_peer = sorted(set(peer) - set(ours))
    differ = sorted(k for k in set(ours) & set(peer) if ours[k] != peer[k])
    if not (only_ours or only_peer or differ):
        return True, f"identical: {len(ours)} cells, {sum(ours.values())} events"
    lines = [f"DISAGREE: {len(ours)} vs {len(peer)} cells, {sum(ours.values())} vs {sum(peer.values())} events; "
             f"{len(only_ours)} cells only in geospike, {len(only_peer)} only in pandas, {len(differ)} differ"]
    for key in differ[:5]:
        lines.append(f"  {key[0]} {key[1]}: geospike {ours[key]}, pandas {peer[key]}")
    for key in only_ours[:5]:
        lines.append(f"  {key[0]} {key[1]}: geospike {ours[key]}, pandas none")
    for key in only_peer[:5]:
        lines.append(f"  {key[0]} {key[1]}: geospike none, pandas {peer[key]}")
    return False, "\n".join(lines)


def split_counts(counts_path, train_path, day_path):
    """Training counts (all but the last day) and the last day's counts; returns the day's start."""
    with open(counts_path) as handle:
        header = handle.readline()
        rows = handle.readlines()
    if not rows:
        raise BenchError(f"{counts_path} has no counts; the workload is empty")
    last = dt.datetime.strptime(rows[-1].split(",")[0], "%Y-%m-%dT%H:%M:%SZ")
    day_start = (last - dt.timedelta(days=1) + dt.timedelta(minutes=15)).strftime("%Y-%m-%dT%H:%M:%SZ")
    with open(train_path, "w") as train, open(day_path, "w") as day:
        train.write(header)
        day.write(header)
        for row in rows:
            (day if row.split(",")[0] >= day_start else train).write(row)
    return day_start


def last_thirty_minutes(ecs_path, out_path):
    """The events of the file's last two 15-minute buckets, as an ECS batch."""
    stamp = re.compile(rb'"@timestamp"\s*:\s*"(\d{4}-\d\d-\d\dT\d\d:\d\d)')
    with open(ecs_path, "rb") as handle:
        handle.seek(max(0, os.path.getsize(ecs_path) - (8 << 20)))
        tail = handle.read().split(b"\n")[1:]
    latest = max((m.group(1) for m in map(stamp.search, tail) if m), default=None)
    if latest is None:
        raise BenchError(f"{ecs_path}: no @timestamp in its last 8 MB")
    last = dt.datetime.strptime(latest.decode(), "%Y-%m-%dT%H:%M")
    cutoff = last.replace(minute=last.minute - last.minute % 15) - dt.timedelta(minutes=15)
    cutoff_text = cutoff.strftime("%Y-%m-%dT%H:%M").encode()
    kept = [line for line in tail if (m := stamp.search(line)) and m.group(1) >= cutoff_text]
    out_path.write_bytes(b"\n".join(kept) + b"\n")
    return len(kept)


# MARK: - Stages


def bench_ingest(size, workload, bin_dir, python, repeats, peer_repeats):
    directory = workload.parent
    ours_csv, peer_csv = directory / "counts-geospike.csv", directory / "counts-pandas.csv"
    warm_page_cache(workload)
    result = {"bytes": workload.stat().st_size}
    result["lines"] = int(run(["wc", "-l", str(workload)]).split()[0])
    log(f"ingest, {size}: {result['bytes'] / 1e6:.1f} MB, {result['lines']} lines")
    result["wc"] = repeat("wc -l", ["wc", "-l", workload], swift_env(), repeats)
    result["geospike"] = repeat("geospike-eval counts",
                                [bin_dir / "geospike-eval", "counts", "--input", workload],
                                swift_env(), repeats, stdout_path=ours_csv)
    result["pandas"] = repeat("pandas_ingest.py", [python, BENCH / "pandas_ingest.py", workload, "--out", peer_csv],
                              peer_env(), peer_repeats)
    result["agree"], result["agreement"] = compare_counts(ours_csv, peer_csv)
    log(f"  counts {result['agreement'].splitlines()[0]}")
    result["counts_csv"] = ours_csv
    return result


def bench_model(size, counts_csv, workload, bin_dir, python, repeats, peer_repeats):
    directory = counts_csv.parent
    train_csv, day_csv = directory / "counts-train.csv", directory / "counts-last-day.csv"
    model = directory / "model.geospike"
    split_counts(counts_csv, train_csv, day_csv)
    batch = directory / "batch-30m.ndjson"
    batch_events = last_thirty_minutes(workload, batch)
    log(f"train and score, {size}")
    score = [bin_dir / "geospike-score", "--model", model, "--emit", "all"]
    result = {"batch_events": batch_events}
    # The synthetic organisation lives in Europe/Berlin; the trainer is told so, as a user would.
    result["train"] = repeat("geospike-train",
                             [bin_dir / "geospike-train", "--input", train_csv, "--format", "counts",
                              "--timezone", "Europe/Berlin", "--quiet", "--out", model],
                             swift_env(), repeats)
    result["score_day"] = repeat("geospike-score (last day)", score + ["--format", "counts", "--input", day_csv],
                                 swift_env(), repeats, stdout_path=directory / "scores-day.ndjson")
    result["score_all"] = repeat("geospike-score (all training buckets)",
                                 score + ["--format", "counts", "--input", train_csv],
                                 swift_env(), repeats, stdout_path=directory / "scores-all.ndjson")
    result["score_all_windows"] = country_windows(train_csv, train_csv)
    result["score_all_records"] = sum(1 for _ in open(directory / "scores-all.ndjson", "rb"))
    result["score_day_windows"] = country_windows(day_csv, train_csv)
    result["score_day_records"] = sum(1 for _ in open(directory / "scores-day.ndjson", "rb"))
    result["batch_30m"] = repeat("geospike-score (30-minute ECS batch)",
                                 [bin_dir / "geospike-score", "--model", model, "--format", "ecs", "--input", batch],
                                 swift_env(), repeats, stdout_path=directory / "alerts-30m.ndjson")
    peer_json = directory / "statsmodels.json"
    result["statsmodels"] = repeat("statsmodels_train.py",
                                   [python, BENCH / "statsmodels_train.py", "--train", train_csv, "--score", day_csv],
                                   peer_env(), peer_repeats, stdout_path=peer_json)
    result["statsmodels_report"] = json.loads(peer_json.read_text().strip().splitlines()[-1])
    # What the peer pays before it reads a byte, to separate fitting from start-up.
    result["peer_imports"] = repeat("python imports of the statsmodels peer",
                                    [python, "-c", "import numpy, pandas, scipy.stats, statsmodels.api"],
                                    peer_env(), peer_repeats)
    # The peer's in-process train/score times, for every repetition would need N reports;
    # the last one is representative and its process wall is in the series above.
    return result


# MARK: - Wide workload (issue 4)

# 250 countries x 1 year of 15-minute counts, written by bench/make_wide_counts.py.
WIDE = {"countries": 250, "days": 365, "seed": SEED}
# Issue 4: the fit alone, after ingest, on one core.
WIDE_FIT_TARGET_CPU_S = 2.0
# The statsmodels peer fits one NB2 GLM per country on every bucket, so its cost grows
# linearly with countries: it runs on this many, spread over the volume ranking, and its
# time is scaled to all 250 (which would take some four minutes per run here).
WIDE_PEER_COUNTRIES = 10
CPU_TIMES = re.compile(r"CPU seconds: ingest ([0-9.]+), fit ([0-9.]+)")


def generate_wide_workload(python):
    """bench/work/wide/ (training-counts.csv, batch-counts.csv, batch-ecs.ndjson and batch-ecs-ipv6.ndjson),
    generated once and kept while bench/make_wide_counts.py and its arguments stay the same."""
    directory = WORK / "wide"
    script = BENCH / "make_wide_counts.py"
    stamp = directory / "workload.json"
    wanted = json.dumps({**WIDE, "script_sha256": hashlib.sha256(script.read_bytes()).hexdigest()}, sort_keys=True)
    if (directory / "training-counts.csv").exists() and stamp.exists() and stamp.read_text() == wanted:
        return directory
    shutil.rmtree(directory, ignore_errors=True)
    cmd = [str(python), str(script), "--out", str(directory), "--countries", str(WIDE["countries"]),
           "--days", str(WIDE["days"]), "--seed", str(WIDE["seed"])]
    log(f"generating the wide workload: {' '.join(cmd[1:])}")
    run(cmd, env=peer_env())
    stamp.write_text(wanted)
    return directory


def peer_subset(directory, countries):
    """Training and batch counts of `countries` countries spread evenly over the volume
    ranking (busiest, the 26th, … for 10 of 250), for the statsmodels peer."""
    train, batch = directory / "training-counts.csv", directory / "batch-counts.csv"
    subset_train = directory / f"peer-training-{countries}.csv"
    subset_batch = directory / f"peer-batch-{countries}.csv"
    totals = {}
    with open(train) as handle:
        header = handle.readline()
        for line in handle:
            _, country, count = line.rstrip("\n").split(",")[:3]
            totals[country] = totals.get(country, 0) + int(count)
    ranked = sorted(totals, key=lambda c: (-totals[c], c))
    chosen = [ranked[i * len(ranked) // countries] for i in range(min(countries, len(ranked)))]
    for source, target in ((train, subset_train), (batch, subset_batch)):
        with open(source) as handle, open(target, "w") as out:
            out.write(handle.readline())
            out.writelines(line for line in handle if line.split(",")[1] in chosen)
    if subset_batch.stat().st_size <= len(header):
        raise BenchError(f"{subset_batch}: none of {', '.join(chosen)} has traffic in the batch; the peer needs some")
    return subset_train, subset_batch, [(c, totals[c]) for c in chosen], len(ranked)


def bench_wide(directory, bin_dir, python, repeats):
    counts = directory / "training-counts.csv"
    model = directory / "model.gsm"
    warm_page_cache(counts)
    result = {"bytes": counts.stat().st_size, "rows": int(run(["wc", "-l", str(counts)]).split()[0]) - 1,
              "train": Series("geospike-train"), "ingest_cpu": [], "fit_cpu": []}
    log(f"wide: {result['bytes'] / 1e6:.1f} MB, {result['rows']:,} rows of counts")
    cmd = [bin_dir / "geospike-train", "--format", "counts", "--input", counts, "--timezone", "Europe/Berlin",
           "--cpu-times", "--quiet", "--out", model]
    for i in range(repeats):
        sample = measure(cmd, swift_env())
        # measure() leaves the child's stderr here; --cpu-times puts the phases' CPU there.
        found = CPU_TIMES.search((WORK / ".stderr.txt").read_text(errors="replace"))
        if not found:
            raise BenchError("geospike-train --cpu-times printed no 'CPU seconds: ingest …, fit …' line")
        result["train"].samples.append(sample)
        result["ingest_cpu"].append(float(found.group(1)))
        result["fit_cpu"].append(float(found.group(2)))
        log(f"  geospike-train #{i + 1}: {sample.cpu:.2f} s CPU (ingest {found.group(1)}, fit {found.group(2)}), "
            f"{sample.rss_kb / 1024:.0f} MB")
    subset_train, subset_batch, chosen, countries = peer_subset(directory, WIDE_PEER_COUNTRIES)
    result["countries"], result["peer_countries"] = countries, chosen
    log(f"  statsmodels peer on {len(chosen)} of {countries} countries: {', '.join(c for c, _ in chosen)}")
    peer_json = directory / "statsmodels-subset.json"
    # Once, whatever --repeat says: its in-process timing is the number extrapolated.
    result["statsmodels"] = repeat(f"statsmodels_train.py ({len(chosen)} countries)",
                                   [python, BENCH / "statsmodels_train.py", "--train", subset_train,
                                    "--score", subset_batch], peer_env(), 1, stdout_path=peer_json)
    result["statsmodels_report"] = json.loads(peer_json.read_text().strip().splitlines()[-1])
    return result


# MARK: - 30-minute batch (issue 5)

# The wide workload's batch again at this multiple of the training rates: thousands of events
# in 30 minutes, a busier organisation than the one trained on (and some alerts to write).
BATCH_VOLUME = 10.0
# Latency is a small number on a shared machine: more runs than the throughput stages.
BATCH_MIN_REPEAT = 11
IPV6_DESTINATION = re.compile(rb'"destination":\{"ip":"[^"]*:')


def generate_busy_batch(python):
    """bench/work/wide-volume10/: make_wide_counts.py with --batch-volume, whose training counts
    are the wide workload's (they are drawn before the batch), so the wide model scores it."""
    directory = WORK / f"wide-volume{BATCH_VOLUME:g}"
    script = BENCH / "make_wide_counts.py"
    stamp = directory / "workload.json"
    wanted = json.dumps({**WIDE, "batch_volume": BATCH_VOLUME,
                         "script_sha256": hashlib.sha256(script.read_bytes()).hexdigest()}, sort_keys=True)
    if (directory / "batch-ecs.ndjson").exists() and stamp.exists() and stamp.read_text() == wanted:
        return directory
    shutil.rmtree(directory, ignore_errors=True)
    cmd = [str(python), str(script), "--out", str(directory), "--countries", str(WIDE["countries"]),
           "--days", str(WIDE["days"]), "--seed", str(WIDE["seed"]), "--batch-volume", f"{BATCH_VOLUME:g}"]
    log(f"generating the busy batch: {' '.join(cmd[1:])}")
    run(cmd, env=peer_env())
    stamp.write_text(wanted)
    return directory


def measure_exact(cmd, env, stdout_path=None):
    """One timed run of `cmd` with its own rusage from wait4: CPU time to the microsecond, which
    a 50 ms target needs (GNU time, which `measure` uses, reports hundredths of a second)."""
    cmd = [str(c) for c in cmd]
    stderr_path = WORK / ".stderr.txt"
    stdout = open(stdout_path, "wb") if stdout_path else subprocess.DEVNULL
    try:
        with open(stderr_path, "wb") as stderr:
            start = time.perf_counter()
            proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=stdout, stdin=subprocess.DEVNULL, stderr=stderr)
            _, status, usage = os.wait4(proc.pid, 0)
            wall = time.perf_counter() - start
    finally:
        if stdout_path:
            stdout.close()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        tail = stderr_path.read_text(errors="replace").strip().splitlines()[-15:]
        raise BenchError(f"`{' '.join(cmd)}` exited {proc.returncode}:\n" + "\n".join(tail))
    return Sample(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss)


def repeat_exact(label, cmd, env, times, stdout_path=None):
    series = Series(label)
    for i in range(times):
        series.samples.append(measure_exact(cmd, env, stdout_path))
        sample = series.samples[-1]
        log(f"  {label} #{i + 1}: {sample.wall * 1e3:.1f} ms wall, {sample.cpu * 1e3:.1f} ms CPU")
    # A child's peak RSS from wait4 starts at this Python process's own (Linux keeps the
    # pre-exec high-water mark: 69 MB for every run late in a full bench), so the peak comes
    # from one more run under GNU time, which forks from a small process.
    rss_kb = measure(cmd, env, stdout_path).rss_kb
    for sample in series.samples:
        sample.rss_kb = rss_kb
    return series


def bench_batch(directory, bin_dir, python, repeats):
    """geospike-score on the wide workload's 30-minute ECS batch, process wall and CPU time."""
    busy = generate_busy_batch(python)
    counts, model = directory / "training-counts.csv", directory / "model.gsm"
    if not model.exists() or model.stat().st_mtime < counts.stat().st_mtime:
        log("batch: training the 250-country model once (the wide stage leaves it in place when it runs)")
        run([str(bin_dir / "geospike-train"), "--format", "counts", "--input", str(counts), "--out", str(model),
             "--timezone", "Europe/Berlin", "--quiet"], env=swift_env())
    times = max(repeats, BATCH_MIN_REPEAT)
    score = [bin_dir / "geospike-score", "--model", model]
    result = {"runs": []}
    # The same batch with a few percent of its destinations over IPv6: one is enough to load
    # the tor-geoipdb IPv6 table, which an IPv4-only batch never reads. Runs remember that the
    # tables were checked (~/.cache/geospike); the last row never can, as the first run after
    # tor-geoipdb changes.
    first_run = dict(swift_env(), XDG_CACHE_HOME="/dev/null")
    for name, where, suffix, env in (("training volume", directory, "", swift_env()),
                                     ("training volume with IPv6", directory, "-ipv6", swift_env()),
                                     (f"{BATCH_VOLUME:g}x volume", busy, "", swift_env()),
                                     ("training volume with IPv6, tor tables checked", directory, "-ipv6",
                                      first_run)):
        batch, output = where / f"batch-ecs{suffix}.ndjson", where / f"alerts-30m{suffix}.ndjson"
        events = sum(1 for _ in open(batch, "rb"))
        ipv6 = sum(1 for line in open(batch, "rb") if IPV6_DESTINATION.search(line))
        name += f" ({ipv6} to IPv6 destinations)" if ipv6 else ""
        log(f"batch, {name}: {events} events")
        series = repeat_exact(f"geospike-score, 30-minute ECS batch ({name})", score + ["--input", batch],
                              env, times, stdout_path=output)
        result["runs"].append({"name": name, "events": events, "series": series,
                               "alerts": sum(1 for _ in open(output, "rb")), "steady": env is not first_run})
    # What is not the batch: the same counts without JSON or GeoIP, and a process that only starts.
    result["counts"] = repeat_exact("geospike-score, the same batch as counts",
                                    score + ["--format", "counts", "--input", directory / "batch-counts.csv"],
                                    swift_env(), times, stdout_path=directory / "alerts-30m-counts.ndjson")
    result["startup"] = repeat_exact("geospike-score --version (process start only)",
                                     [bin_dir / "geospike-score", "--version"], swift_env(), times)
    # The scoring kernel on this model: the last 28 days of its own training counts.
    kernel = run([str(bin_dir / "geospike-eval"), "bench", "--only", "scoring", "--json", "--model", str(model),
                  "--counts", str(counts)], env=swift_env())
    result["kernel"] = next((e for e in json.loads(kernel) if e.get("kind") == "scoring-wide"), None)
    return result


def micro_benchmarks(bin_dir):
    if not has_subcommand(bin_dir, "geospike-eval", "bench"):
        return None
    log("Swift micro-benchmarks (geospike-eval bench)")
    output = run([str(bin_dir / "geospike-eval"), "bench", "--json"], env=swift_env())
    return json.loads(output)


def quirks_agreement(bin_dir, python):
    ours, peer = WORK / "quirks-geospike.csv", WORK / "quirks-pandas.csv"
    # One truncated line in 17 is far above the default 1% malformed budget, on purpose.
    measure([bin_dir / "geospike-eval", "counts", "--max-bad-fraction", "0.1", "--input", QUIRKS_FIXTURE],
            swift_env(), stdout_path=ours)
    measure([python, BENCH / "pandas_ingest.py", QUIRKS_FIXTURE, "--out", peer], peer_env())
    return compare_counts(ours, peer)


# MARK: - Machine


def machine_description(python):
    def first(cmd, default="unknown"):
        try:
            out = subprocess.run(cmd, capture_output=True, text=True, timeout=60).stdout.strip()
            return out.splitlines()[0] if out else default
        except (OSError, subprocess.TimeoutExpired):
            return default

    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = "unknown"
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal"):
            memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    blas = first(["dpkg-query", "-W", "-f=${Version}", "libopenblas0-pthread"])
    numpy_blas = run([str(python), "-c",
                      "import json, numpy, threadpoolctl; numpy.ones((64, 64)) @ numpy.ones((64, 64)); "
                      "print(json.dumps(threadpoolctl.threadpool_info()))"], env=peer_env())
    pools = json.loads(numpy_blas)
    kernels = "; ".join(f"{p.get('internal_api')} {p.get('version')} {p.get('architecture')} "
                        f"({p.get('num_threads')} thread{'s' if p.get('num_threads') != 1 else ''})" for p in pools)
    versions = run([str(python), "-c",
                    "import numpy, pandas, scipy, statsmodels; print(f'numpy {numpy.__version__}, "
                    "pandas {pandas.__version__}, scipy {scipy.__version__}, statsmodels {statsmodels.__version__}')"])
    overrides = ", ".join(f"{k}={os.environ[k]}" for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE") if k in os.environ)
    return [
        ("date", dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")),
        ("commit", first(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"])),
        ("cores (nproc)", first(["nproc"])),
        ("CPU", cpu),
        ("memory", memory),
        ("kernel", platform.release()),
        ("OS", first(["sh", "-c", ". /etc/os-release && echo $PRETTY_NAME"])),
        ("Swift", first(["swift", "--version"])),
        ("OpenBLAS (Debian, geospike)", f"libopenblas0-pthread {blas}, OPENBLAS_NUM_THREADS=1"
                                        + (f", {overrides}" if overrides else "")),
        ("Python peers", f"Python {platform.python_version()}; {versions.strip()}"),
        ("numpy's BLAS (threadpoolctl)", kernels + ", OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE unset"),
        ("load average at start (1, 5, 15 min)", load_average()),
    ]


def load_average():
    """The 1/5/15-minute load averages: other work on the machine stretches wall times."""
    return ", ".join(Path("/proc/loadavg").read_text().split()[:3])


# MARK: - Report


def mb(n):
    return n / 1e6


def fmt(value, digits=3):
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.{digits}g}"


def row_time(series):
    """wall median, wall min–max, CPU median, peak RSS, runs."""
    return (f"{fmt(series.median())} s", f"{fmt(series.low())}–{fmt(series.high())} s",
            f"{fmt(series.median('cpu'))} s", f"{series.rss_mb:.1f} MB", f"{len(series.samples)}")


def throughput_row(series, amount, unit):
    """median rate (from the median time) and min–max rate."""
    return (f"{fmt(amount / series.median())} {unit}".strip(),
            f"{fmt(amount / series.high())}–{fmt(amount / series.low())} {unit}".strip())


def verdict(value, target, higher_is_better=True):
    if value is None:
        return "not measured"
    met = value >= target if higher_is_better else value <= target
    return "**met**" if met else "**missed**"


TIME_HEADER = ["| {first} | wall (median) | wall min–max | CPU (median) | peak RSS | runs |",
               "|---|---|---|---|---|---|"]


def ingest_section(size, ingest, ratios):
    size_mb = mb(ingest["bytes"])
    lines = ["", f"## {size}: {size_mb:,.1f} MB, {ingest['lines']:,} lines of ECS NDJSON", "",
             "### Ingest (ECS NDJSON → 15-minute counts per country)", "",
             "| tool | MB/s (median) | MB/s min–max | MB per CPU-second | wall (median) | CPU (median) | peak RSS | runs |",
             "|---|---|---|---|---|---|---|---|"]
    for key, name in (("wc", "`wc -l` (read limit)"), ("geospike", "`geospike-eval counts`"),
                      ("pandas", "pandas (`bench/pandas_ingest.py`)")):
        series = ingest[key]
        rate, span = throughput_row(series, size_mb, "")
        wall, _, cpu, rss, runs = row_time(series)
        per_cpu = fmt(size_mb / series.median("cpu")) if series.median("cpu") > 0 else "—"
        lines.append(f"| {name} | {rate} | {span} | {per_cpu} | {wall} | {cpu} | {rss} | {runs} |")
    ours, peer, limit = ingest["geospike"], ingest["pandas"], ingest["wc"]
    per_core = size_mb / ours.median("cpu")
    ratios += [
        (size, "ingest MB/s per core", fmt(size_mb / ours.median()), fmt(per_core), "≥ 250",
         verdict(per_core, TARGETS["ingest_mb_per_core_s"])),
        (size, "ingest speed-up vs pandas", f"{fmt(peer.median() / ours.median())}×",
         f"{fmt(peer.median('cpu') / ours.median('cpu'))}×", "≥ 25×",
         verdict(peer.median("cpu") / ours.median("cpu"), TARGETS["ingest_vs_pandas"])),
        (size, "geospike ingest / `wc -l` throughput (share of the read limit)",
         f"{limit.median() / ours.median():.1%}", "—", "—", "—"),
        (size, "ingest peak RSS, geospike / pandas", f"{ours.rss_mb:.0f} / {peer.rss_mb:.0f} MB", "—", "—", "—"),
    ]
    return lines


def model_section(size, model, ratios):
    report = model["statsmodels_report"]
    lines = ["", "### Train and score (counts → model → scored batch)", "",
             f"Training counts: all but the last day ({report['training_buckets']:,} buckets × "
             f"{report['countries']} countries); batch: the last day ({report['country_windows']:,} "
             f"country-windows in the peer, {model['score_day_windows']:,} in geospike-score, which writes "
             f"{model['score_day_records']:,} records: one per bucket and country with traffic).", "",
             TIME_HEADER[0].format(first="step"), TIME_HEADER[1]]
    for key, name in (("train", "`geospike-train --format counts`"),
                      ("score_day", "`geospike-score --emit all` (last day)"),
                      ("statsmodels", "statsmodels NB2 GLM: train + score (whole process)"),
                      ("peer_imports", "… of which its imports alone (numpy, pandas, scipy, statsmodels)")):
        lines.append(f"| {name} | " + " | ".join(row_time(model[key])) + " |")
    lines += ["", f"Inside the last statsmodels run: train {fmt(report['train_seconds'])} s "
              f"({report['negative_binomial_fits']} NB2 fits, {report['poisson_fallbacks']} Poisson fallbacks), "
              f"score {fmt(report['score_seconds'])} s (wall, in-process); the rest is Python and library start-up.",
              "", "### Scoring", "", TIME_HEADER[0].format(first="run"), TIME_HEADER[1]]
    windows = model["score_all_windows"]
    lines.append(f"| `geospike-score --emit all` over all training buckets ({windows:,} country-windows scored, "
                 f"{model['score_all_records']:,} NDJSON records written) | " + " | ".join(row_time(model["score_all"])) + " |")
    lines.append(f"| 30-minute ECS batch end to end ({model['batch_events']:,} events: ingest + score + alerts) | "
                 + " | ".join(row_time(model["batch_30m"])) + " |")
    rate, span = throughput_row(model["score_all"], windows, "country-windows/s")
    lines += ["", f"Scoring through the CLI, all training buckets: {rate} (min–max {span}), "
              "including start-up, reading the counts and writing NDJSON."]

    def both(name):
        return {kind: model["train"].median(kind) + model["score_day"].median(kind) for kind in ("wall", "cpu")}[name]

    wall_speedup = model["statsmodels"].median() / both("wall")
    cpu_speedup = model["statsmodels"].median("cpu") / max(both("cpu"), 1e-3)
    ratios += [
        (size, "train + score speed-up vs statsmodels (whole processes)", f"{fmt(wall_speedup)}×",
         f"{fmt(cpu_speedup)}×", "≥ 10×", verdict(cpu_speedup, TARGETS["train_score_vs_statsmodels"])),
        (size, "train + score speed-up vs statsmodels, its imports excluded",
         f"{fmt((model['statsmodels'].median() - model['peer_imports'].median()) / both('wall'))}×",
         f"{fmt((model['statsmodels'].median('cpu') - model['peer_imports'].median('cpu')) / max(both('cpu'), 1e-3))}×",
         "—", "—"),
        (size, "geospike-train / statsmodels' in-process training (wall)",
         f"{model['train'].median() / report['train_seconds']:.2f}", "—", "—", "—"),
        (size, "scoring country-windows/s through the CLI (start-up, input, NDJSON out)",
         fmt(windows / model["score_all"].median()), fmt(windows / max(model["score_all"].median("cpu"), 1e-3)),
         "≥ 10 M (kernel, below)", "—"),
    ]
    return lines


def micro_section(micro, ratios):
    if not micro:
        ratios.append(("—", "scoring kernel country-windows/s", "—", "—", "≥ 10 M",
                       "not measured (`geospike-eval bench` missing)"))
        return []
    lines = ["", "## Swift micro-benchmarks (`geospike-eval bench`)", "",
             "Best of 5 rounds each in one process (`OPENBLAS_NUM_THREADS=1`), in CPU time except the count "
             "tails (NumericsBenchmark times itself in wall time). The tor-geoipdb tables stay loaded between "
             "rounds, so the ECS reader rows are the streaming rate without the one-off table load.", "",
             "| hot loop | ns per operation | operations per second | one operation is |", "|---|---|---|---|"]
    for entry in micro:
        ns = entry["nanosecondsPerOperation"]
        lines.append(f"| {entry['name']} | {fmt(ns)} | {fmt(1e9 / ns)} | {entry.get('unit', '')} |")
    kernel = next((e for e in micro if e.get("kind") == "scoring-kernel"), None)
    if kernel:
        rate = 1e9 / kernel["nanosecondsPerOperation"]
        ratios.append(("micro", f"scoring kernel country-windows/s ({kernel['name']})", fmt(rate), "—", "≥ 10 M",
                       verdict(rate, TARGETS["scoring_windows_per_s"])))
    return lines


def wide_section(wide, ratios):
    train, report = wide["train"], wide["statsmodels_report"]
    ingest, fit = statistics.median(wide["ingest_cpu"]), statistics.median(wide["fit_cpu"])
    peer_countries = len(wide["peer_countries"])
    scale = wide["countries"] / peer_countries
    peer_train = report["train_seconds"]
    lines = ["", f"## wide: {wide['countries']} countries × 1 year of 15-minute counts (issue 4)", "",
             f"`bench/make_wide_counts.py --countries {WIDE['countries']} --days {WIDE['days']} --seed {WIDE['seed']}`: "
             f"{mb(wide['bytes']):.1f} MB, {wide['rows']:,} rows of counts CSV ({report['training_buckets']:,} buckets). "
             "`geospike-train --format counts --cpu-times` reports the CPU of its two phases; the target is the fit's.",
             "", "| step | CPU (median) | CPU min–max | wall (median) | peak RSS | runs |", "|---|---|---|---|---|---|",
             f"| `geospike-train --format counts`, whole process | {fmt(train.median('cpu'))} s | "
             f"{fmt(train.low('cpu'))}–{fmt(train.high('cpu'))} s | {fmt(train.median())} s | {train.rss_mb:.0f} MB | "
             f"{len(train.samples)} |",
             f"| … ingest: counts CSV → count table ({fmt(mb(wide['bytes']) / ingest)} MB per CPU-second) | "
             f"{fmt(ingest)} s | {fmt(min(wide['ingest_cpu']))}–{fmt(max(wide['ingest_cpu']))} s | — | — | "
             f"{len(wide['ingest_cpu'])} |",
             f"| … fit: family contest, calibration, final fit of every country (target ≤ {WIDE_FIT_TARGET_CPU_S:g} s) | "
             f"{fmt(fit)} s | {fmt(min(wide['fit_cpu']))}–{fmt(max(wide['fit_cpu']))} s | — | — | {len(wide['fit_cpu'])} |",
             "", f"The statsmodels peer (`bench/statsmodels_train.py`: one NB2 GLM per country on hour-of-day and "
             f"day-of-week dummies, zeros filled) on {peer_countries} of the {wide['countries']} countries, spread over "
             "the volume ranking (" + ", ".join(f"{c} {n:,} events" for c, n in wide["peer_countries"]) + "), run once:",
             "", "| peer | seconds | |", "|---|---|---|",
             f"| statsmodels, {peer_countries} countries: read, fill zeros, fit (in-process wall, after imports) | "
             f"{fmt(peer_train)} s | measured ({report['negative_binomial_fits']} NB2 fits, "
             f"{report['poisson_fallbacks']} Poisson fallbacks) |",
             f"| statsmodels, whole process ({peer_countries} countries) | {fmt(wide['statsmodels'].median('cpu'))} s CPU | "
             "measured |",
             f"| statsmodels, {wide['countries']} countries: the {peer_countries}-country time × {scale:g} | "
             f"{fmt(peer_train * scale)} s | **extrapolated, not measured** (per-country fits on the same buckets "
             "scale with the number of countries) |"]
    ratios += [
        ("wide", f"fit CPU-seconds, {wide['countries']} countries × {report['training_buckets']:,} buckets (issue 4)",
         "—", fmt(fit), f"≤ {WIDE_FIT_TARGET_CPU_S:g} s", verdict(fit, WIDE_FIT_TARGET_CPU_S, higher_is_better=False)),
        ("wide", "counts CSV ingest MB per CPU-second (geospike-train)", "—", fmt(mb(wide["bytes"]) / ingest), "—", "—"),
        ("wide", f"statsmodels read + fit, extrapolated to {wide['countries']} countries / geospike ingest + fit",
         "—", f"{fmt(peer_train * scale / (ingest + fit))}×", "—", "extrapolated"),
    ]
    return lines


def batch_section(batch, ratios):
    def ms(seconds):
        return f"{seconds * 1e3:.1f} ms"

    def row(what, series):
        return (f"| {what} | {ms(series.median())} | {ms(series.low())}–{ms(series.high())} | "
                f"{ms(series.median('cpu'))} | {ms(series.low('cpu'))}–{ms(series.high('cpu'))} | "
                f"{series.rss_mb:.1f} MB | {len(series.samples)} |")

    lines = ["", "## 30-minute batch over 250 countries, end to end (issue 5)", "",
             "`geospike-score --model bench/work/wide/model.gsm --input batch-ecs.ndjson`: load the model, read the "
             "batch and place its destination addresses with Debian's tor-geoipdb tables, score 2 buckets × 250 "
             "countries, write the alerts. The batch is the wide workload's two buckets after training, at the "
             f"training rates and at {BATCH_VOLUME:g}× them, and at the training rates with a few percent of the "
             "events sent to the same countries over IPv6 (placing any IPv6 address reads the IPv6 table too). "
             "A run remembers in ~/.cache/geospike that the tor tables passed their check; the last row runs without "
             "that memory (`XDG_CACHE_HOME=/dev/null`), as the first run after tor-geoipdb is installed or upgraded "
             "does. Whole processes; CPU from each one's own rusage (wait4).",
             "", "| run | wall (median) | wall min–max | CPU (median) | CPU min–max | peak RSS | runs |",
             "|---|---|---|---|---|---|---|"]
    for entry in batch["runs"]:
        lines.append(row(f"ECS batch, {entry['name']}: {entry['events']:,} events, {entry['alerts']} alert(s)",
                         entry["series"]))
    lines.append(row("the same batch (training volume) as counts CSV: no JSON, no GeoIP", batch["counts"]))
    lines.append(row("`geospike-score --version`: process start only", batch["startup"]))
    kernel = batch.get("kernel")
    if kernel:
        ns = kernel["nanosecondsPerOperation"]
        lines += ["", f"The scoring kernel on this model (`geospike-eval bench --only scoring --model … --counts …`): "
                  f"{kernel['name']}: {fmt(ns)} ns per country-window, {fmt(1e9 / ns)} country-windows per CPU-second."]
    for entry in batch["runs"]:
        series = entry["series"]
        # The target is the run every 15 minutes; the first after a tor-geoipdb change is shown beside it.
        ratios.append(("wide", f"30-minute ECS batch, 250 countries, {entry['name']}, end to end (s)",
                       fmt(series.median()), fmt(series.median("cpu")), "≤ 0.05 s" if entry["steady"] else "—",
                       verdict(series.median("cpu"), TARGETS["batch_latency_s"], higher_is_better=False)
                       if entry["steady"] else "—"))
    return lines


def write_results(args, machine, quirks, by_size, micro, wide=None, batch=None):
    machine = machine + [("load average at end (1, 5, 15 min)", load_average())]
    lines = ["# geospike benchmark results", "",
             f"Written by `make bench` (`python3 bench/run.py --size {','.join(args.sizes)} --repeat {args.repeat}"
             + (f" --only {','.join(args.stages)}" if args.only else "") + "`); "
             "every number below is what that run measured. Medians of the repetitions with min–max; "
             "peak RSS is the largest over the repetitions; CPU is user + system time. MB = 10^6 bytes. "
             "Everything runs single-threaded (`OPENBLAS_NUM_THREADS=1` for geospike, OMP/OpenBLAS threads 1 "
             "for the Python peers), so on an idle machine CPU time is the wall time; on a shared one (see the "
             "load average) CPU time is the steadier measure, and the verdicts use it. "
             "How to read this and what bounds each stage: bench/README.md.", "",
             "## Machine", "", "| | |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in machine]
    if quirks:
        lines += ["", "## Do the count tables agree?", "",
                  "`geospike-eval counts` and `bench/pandas_ingest.py` on the same input, cell by cell:", "",
                  f"- bench/fixtures/quirks-ecs.ndjson (hand-made, every ECS quirk): {quirks[1]}"]
    for size, result in by_size.items():
        lines.append(f"- {size} workload: " + result["ingest"]["agreement"].replace("\n", "\n  "))
    ratios = []
    for size, result in by_size.items():
        lines += ingest_section(size, result["ingest"], ratios)
        lines += model_section(size, result["model"], ratios)
    if "micro" in args.stages:
        lines += micro_section(micro, ratios)
    if wide:
        lines += wide_section(wide, ratios)
    if batch:
        lines += batch_section(batch, ratios)
    if "sizes" in args.stages and "100mb" in by_size and "1gb" in by_size:
        small, large = by_size["100mb"]["ingest"]["geospike"].rss_mb, by_size["1gb"]["ingest"]["geospike"].rss_mb
        growth = large / small - 1
        ratios.append(("100mb → 1gb", "ingest peak RSS growth", f"{small:.1f} → {large:.1f} MB ({growth:+.1%})", "—",
                       "within ±20%", verdict(abs(growth), TARGETS["ingest_rss_growth"], higher_is_better=False)))
    elif "sizes" in args.stages:
        ratios.append(("100mb → 1gb", "ingest peak RSS growth", "—", "—", "within ±20%",
                       "not measured (needs `--size 100mb,1gb`)"))
    lines += ["", "## Ratios against the targets of issue 8", "",
              "| workload | ratio | by wall time | by CPU time | target | verdict |", "|---|---|---|---|---|---|"]
    lines += [f"| {' | '.join(r)} |" for r in ratios]
    args.results.write_text("\n".join(lines) + "\n")
    return ratios


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", default="small",
                        help="comma-separated workload sizes: small (CI, ~2 min), 100mb (~10 min), 1gb")
    parser.add_argument("--repeat", type=int, default=3, help="repetitions of every measurement (default 3)")
    parser.add_argument("--scratch-path", default=os.environ.get("BENCH_SCRATCH_PATH"),
                        help="swift build --scratch-path (default: the package's .build)")
    parser.add_argument("--bin-dir", help="use the release binaries in this directory instead of building")
    parser.add_argument("--only", help=f"comma-separated stages to run: {', '.join(STAGES)} (default: all); "
                                       "the report then goes to bench/work/RESULTS-<stages>.md, never over RESULTS.md")
    parser.add_argument("--results", type=Path, help="where to write the report (default bench/RESULTS.md)")
    args = parser.parse_args()
    args.sizes = [s.strip() for s in args.size.split(",") if s.strip()]
    unknown = [s for s in args.sizes if s not in SIZES]
    if unknown or not args.sizes or args.repeat < 1:
        parser.error(f"--size takes {', '.join(SIZES)} (comma-separated); --repeat at least 1")
    args.stages = [s.strip() for s in args.only.split(",") if s.strip()] if args.only else list(STAGES)
    if not args.stages or any(s not in STAGES for s in args.stages):
        parser.error(f"--only takes {', '.join(STAGES)} (comma-separated)")
    args.results = (args.results or (WORK / f"RESULTS-{'-'.join(args.stages)}.md" if args.only else RESULTS)).resolve()

    started = time.time()
    try:
        WORK.mkdir(parents=True, exist_ok=True)
        python = ensure_venv()
        bin_dir = Path(args.bin_dir).resolve() if args.bin_dir else build_release(args.scratch_path)
        machine = machine_description(python)
        quirks, by_size, micro, wide, batch = None, {}, None, None, None
        if "sizes" in args.stages:
            quirks = quirks_agreement(bin_dir, python)
            log(f"quirks fixture: {quirks[1].splitlines()[0]}")
            for size in args.sizes:
                workload = generate_workload(size, bin_dir)
                peer_repeats = SIZES[size]["peer_repeat"] or args.repeat
                ingest = bench_ingest(size, workload, bin_dir, python, args.repeat, peer_repeats)
                model = bench_model(size, ingest["counts_csv"], workload, bin_dir, python, args.repeat, peer_repeats)
                by_size[size] = {"ingest": ingest, "model": model}
        if "micro" in args.stages:
            micro = micro_benchmarks(bin_dir)
        if "wide" in args.stages:
            wide = bench_wide(generate_wide_workload(python), bin_dir, python, args.repeat)
        if "batch" in args.stages:
            batch = bench_batch(generate_wide_workload(python), bin_dir, python, args.repeat)
        ratios = write_results(args, machine, quirks, by_size, micro, wide, batch)
    except BenchError as error:
        print(f"bench: {error}", file=sys.stderr)
        return 1
    print()
    for row in ratios:
        print(f"{row[0]:>12}  {row[1]:<72} {row[2]:>28} {row[3]:>10}  {row[4]:<22} {row[5].strip('*')}")
    print(f"\nwrote {args.results} in {time.time() - started:.0f} s")
    disagreements = [size for size, r in by_size.items() if not r["ingest"]["agree"]]
    disagreements += ["quirks"] if quirks and not quirks[0] else []
    if disagreements:
        print(f"bench: the count tables disagree on {', '.join(disagreements)}; see {args.results}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
