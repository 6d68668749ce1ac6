#!/usr/bin/env python3
"""Prophet, the peer a data scientist would pick for seasonal series, on the real labelled
count series, judged by docs/labelled-series-protocol.md (the protocol `geospike-eval labelled`
follows too, so the two sets of figures stand side by side).

Per series: walk-forward 7-day test windows after a first 7-day training span, each scored by
a Prophet model (daily and weekly seasonality, defaults otherwise) fitted on every non-missing
point before the window. A test point's score is z = (y - yhat) / sigma, sigma being the
half-width of Prophet's interval in standard deviations; it alerts when z >= k. One fit per
window serves the whole sweep of k.

    python3 bench/prophet_labelled.py --json bench/work/prophet-labelled.json
    python3 bench/prophet_labelled.py --from-json bench/work/prophet-labelled.json \\
        --geospike-json geospike-labelled.json      # Prophet at geospike's operating point
    python3 bench/prophet_labelled.py --self-check  # the protocol's accounting, on tiny inputs

Started with a Python that lacks prophet, the script creates bench/.venv from
bench/requirements-prophet.txt and runs itself there. The protocol's accounting below is
standard library only, so `--self-check` and `--from-json` need no virtual environment.
"""

import argparse
import csv
import datetime as dt
import hashlib
import json
import logging
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
VENV = BENCH / ".venv"
REQUIREMENTS = (BENCH / "requirements.txt", BENCH / "requirements-prophet.txt")
DEFAULT_DATA = ROOT / "datasets" / "real" / "cloud-monitoring"
PROTOCOL = "docs/labelled-series-protocol.md"

K_SWEEP = (3.0, 4.0, 5.0, 6.0, 8.0, 10.0, 15.0, 20.0)
DAY_S = 86400
COUNT_FIELDS = ("test_days", "up_episodes", "found", "down_episodes", "false_alerts", "false_per_day")

# sysexits, as the geospike executables use them.
EX_USAGE, EX_DATAERR, EX_NOINPUT, EX_IOERR = 64, 65, 66, 74


class BenchError(Exception):
    """A problem with the input or the output, with the sysexits code to leave with."""

    def __init__(self, message, code=EX_DATAERR):
        super().__init__(message)
        self.code = code


# MARK: - Reading a labelled series


@dataclass
class Series:
    """One labelled series on its regular grid; a grid point absent from the file is missing."""

    name: str
    step_s: int
    start_s: int  # epoch seconds (UTC) of the first grid point
    values: list  # rounded count per grid point, None where missing
    labels: list  # 0 or 1 per grid point (0 where the file has no row)
    repeated_rows: int = 0  # rows repeating a time stamp already read (merged into one point)

    def hour_of_day(self, index):
        return (self.start_s + index * self.step_s) % DAY_S // 3600


def parse_time_stamp(text):
    """Epoch seconds of a UTC time stamp, `YYYY-MM-DD HH:MM:SS` or ISO 8601 (`...T...Z`)."""
    moment = dt.datetime.fromisoformat(text.strip())  # ValueError on anything else
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return int(round(moment.timestamp()))


def parse_count(text):
    """A count rounded half up (`9` or `9.0`), None when empty (missing)."""
    text = text.strip()
    if not text:
        return None
    number = float(text)  # ValueError on anything else
    if not math.isfinite(number) or number < 0:
        raise ValueError(f"{text!r} is not a count")
    return int(math.floor(number + 0.5))


def parse_span(text):
    """Seconds in `90s`, `1m`, `1h` or `1d`."""
    units = {"s": 1, "m": 60, "h": 3600, "d": DAY_S}
    try:
        seconds = int(text[:-1]) * units[text[-1]]
    except (ValueError, KeyError, IndexError):
        raise BenchError(f"--bucket-span {text!r}: expected a whole number and s, m, h or d", EX_USAGE)
    if seconds <= 0:
        raise BenchError(f"--bucket-span {text!r}: must be positive", EX_USAGE)
    return seconds


def read_series(path, step_s=None):
    """Reads `TimeStamp,Value,Label` into a Series.

    A time stamp given on several rows is one time point (the vendored app1-* series repeat
    some hours): the rows must agree on the value, and the point is labelled 1 if any row says
    so, since the expert marked it.
    """
    path = Path(path)
    try:
        handle = open(path, newline="", encoding="utf-8-sig")
    except OSError as error:
        raise BenchError(f"{path}: cannot open: {error.strerror}", EX_NOINPUT)
    rows = []  # (line, epoch seconds, value, label)
    with handle:
        reader = csv.reader(handle)
        try:
            header = next(reader, None)
            if header is None or [field.strip() for field in header] != ["TimeStamp", "Value", "Label"]:
                raise BenchError(f"{path}:1: expected the header TimeStamp,Value,Label, found {header}")
            for fields in reader:
                line = reader.line_num
                if not fields or fields == [""]:
                    continue
                if len(fields) != 3:
                    raise BenchError(f"{path}:{line}: expected 3 fields, found {len(fields)}")
                try:
                    seconds = parse_time_stamp(fields[0])
                except ValueError:
                    raise BenchError(f"{path}:{line}: {fields[0]!r} is not a time stamp")
                try:
                    value = parse_count(fields[1])
                except ValueError:
                    raise BenchError(f"{path}:{line}: {fields[1]!r} is not a count")
                if fields[2].strip() not in ("0", "1"):
                    raise BenchError(f"{path}:{line}: label {fields[2]!r} is not 0 or 1")
                if rows and seconds < rows[-1][1]:
                    raise BenchError(f"{path}:{line}: time stamp {fields[0]!r} is earlier than the line before")
                rows.append((line, seconds, value, int(fields[2].strip())))
        except csv.Error as error:
            raise BenchError(f"{path}:{reader.line_num}: {error}")
        except UnicodeDecodeError as error:
            raise BenchError(f"{path}: not UTF-8 text ({error.reason})")
    if len(rows) < 2:
        raise BenchError(f"{path}: needs at least two time points, found {len(rows)}")

    merged = []
    repeated = 0
    for line, seconds, value, label in rows:
        if merged and merged[-1][1] == seconds:
            if merged[-1][2] != value:
                raise BenchError(
                    f"{path}:{line}: time stamp repeated from line {merged[-1][0]} with another value")
            merged[-1] = (merged[-1][0], seconds, value, max(label, merged[-1][3]))
            repeated += 1
        else:
            merged.append((line, seconds, value, label))
    if len(merged) < 2:
        raise BenchError(f"{path}: needs at least two distinct time points")

    if step_s is None:
        gaps = Counter(b[1] - a[1] for a, b in zip(merged, merged[1:]))
        step_s = min(gaps, key=lambda gap: (-gaps[gap], gap))
    start = merged[0][1]
    count = (merged[-1][1] - start) // step_s + 1
    values, labels = [None] * count, [0] * count
    for line, seconds, value, label in merged:
        offset = seconds - start
        if offset % step_s:
            raise BenchError(f"{path}:{line}: time stamp off the series' {step_s} s grid")
        values[offset // step_s], labels[offset // step_s] = value, label
    return Series(path.stem, step_s, start, values, labels, repeated)


# MARK: - The protocol's accounting (pure functions)


def test_windows(points, step_s, min_train_days=7, window_days=7):
    """Grid index ranges [first, end) of the walk-forward test windows; [] when too short."""
    first = math.ceil(min_train_days * DAY_S / step_s)
    length = math.ceil(window_days * DAY_S / step_s)
    return [(start, min(start + length, points)) for start in range(first, points, length)]


def episodes(labels):
    """Maximal runs of label 1 as inclusive (first, last) grid indices."""
    runs, start = [], None
    for index, label in enumerate(labels):
        if label and start is None:
            start = index
        elif not label and start is not None:
            runs.append((start, index - 1))
            start = None
    if start is not None:
        runs.append((start, len(labels) - 1))
    return runs


def normal_hour_medians(values, labels, hours):
    """Median of the label-0 values per hour of day over the whole series, and over all hours."""
    by_hour = {}
    for value, label, hour in zip(values, labels, hours):
        if value is not None and not label:
            by_hour.setdefault(hour, []).append(value)
    every = [value for group in by_hour.values() for value in group]
    return {hour: statistics.median(group) for hour, group in by_hour.items()}, (
        statistics.median(every) if every else None)


def goes_up(episode, values, hours, medians, overall_median):
    """True when the episode's largest value beats the usual (label-0 median) level at its hour.

    The hour of the first point holding the largest value counts; an hour without label-0
    values falls back to the median over all hours. An episode without any value cannot be
    seen to go up.
    """
    first, last = episode
    peak_index, peak = None, None
    for index in range(first, last + 1):
        if values[index] is not None and (peak is None or values[index] > peak):
            peak_index, peak = index, values[index]
    if peak is None:
        return False
    usual = medians.get(hours[peak_index], overall_median)
    return usual is None or peak > usual


def judge(values, labels, hours, alerts, windows, step_s):
    """Counts of one series at one threshold: what the protocol reports per series.

    `alerts[i]` says whether grid point i alerted; a missing value never alerts, whatever
    `alerts` says, and only points inside the test windows count.
    """
    in_test = [False] * len(values)
    for start, end in windows:
        for index in range(start, end):
            in_test[index] = True
    alerting = [bool(alert) and in_test[i] and values[i] is not None for i, alert in enumerate(alerts)]
    first_test = windows[0][0] if windows else len(values)
    medians, overall_median = normal_hour_medians(values, labels, hours)
    up = found = down = 0
    for episode in episodes(labels):
        if episode[0] < first_test or not in_test[episode[0]]:
            continue  # starts in the first training span: not judged
        if goes_up(episode, values, hours, medians, overall_median):
            up += 1
            found += any(alerting[episode[0]:episode[1] + 1])
        else:
            down += 1
    false_alerts = sum(1 for i, alert in enumerate(alerting) if alert and not labels[i])
    # Test time is the points that could be scored: a missing one is never judged either way.
    test_points = sum(1 for i, inside in enumerate(in_test) if inside and values[i] is not None)
    return with_rate({
        "test_days": test_points * step_s / DAY_S, "up_episodes": up, "found": found,
        "down_episodes": down, "false_alerts": false_alerts})


def with_rate(counts):
    counts["false_per_day"] = counts["false_alerts"] / counts["test_days"] if counts["test_days"] else 0.0
    return counts


def overall(per_series):
    """Totals over series; false alerts per day is total false alerts over total test days."""
    total = {key: sum(row[key] for row in per_series) for key in COUNT_FIELDS if key != "false_per_day"}
    return with_rate(total)


# MARK: - Prophet at another detector's operating point


def operating_curve(sweep_rows):
    """(false per day, found) of the sweep, by false per day, one point per rate with the most
    found there. Found never falls as the rate rises (a lower k alerts on a superset of points);
    several k often share a rate (0 false alerts) with different found counts, and only the
    best of them is an operating point."""
    best = {}
    for row in sweep_rows:
        best[row["false_per_day"]] = max(best.get(row["false_per_day"], 0), row["found"])
    curve, most = [], 0
    for rate, found in sorted(best.items()):
        most = max(most, found)
        curve.append((rate, most))
    return curve


def found_at_rate(curve, rate):
    """Found episodes interpolated at `rate` false alerts per day, and how to read the number:
    'interpolated', or a bound ('at most', 'at least') when the rate lies outside the sweep."""
    if rate < curve[0][0]:
        return curve[0][1], "at most"
    if rate > curve[-1][0]:
        return curve[-1][1], "at least"
    for (rate0, found0), (rate1, found1) in zip(curve, curve[1:]):
        if rate0 <= rate <= rate1:
            if rate1 == rate0:
                return max(found0, found1), "interpolated"
            return found0 + (found1 - found0) * (rate - rate0) / (rate1 - rate0), "interpolated"
    return curve[0][1], "interpolated"  # a one-point curve at exactly this rate


def rate_at_found(curve, found):
    """False alerts per day at which the sweep first finds `found` episodes (interpolated),
    with 'interpolated', 'at most' (found already at the sweep's lowest rate) or 'not reached'."""
    if found <= curve[0][1]:
        return curve[0][0], "at most"
    for (rate0, found0), (rate1, found1) in zip(curve, curve[1:]):
        if found0 < found <= found1:
            return rate0 + (rate1 - rate0) * (found - found0) / (found1 - found0), "interpolated"
    return curve[-1][0], "not reached"


def read_geospike(path):
    """geospike-eval labelled --json: {"overall": {...}, "series": [{"name", ...}]}."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise BenchError(f"{path}: cannot open: {error.strerror}", EX_NOINPUT)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise BenchError(f"{path}:{error.lineno}: not JSON ({error.msg})")
    needed = ("up_episodes", "found", "false_alerts", "false_per_day", "test_days")

    def checked(row, where):
        if not isinstance(row, dict):
            raise BenchError(f"{path}: {where} is not an object")
        for key in needed:
            value = row.get(key)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                raise BenchError(f"{path}: {where} lacks a number \"{key}\"")
        return row

    if not isinstance(document, dict):
        raise BenchError(f"{path}: expected a JSON object with \"overall\" and \"series\"")
    result = {"overall": checked(document.get("overall"), "\"overall\""), "series": []}
    series = document.get("series", [])
    if not isinstance(series, list):
        raise BenchError(f"{path}: \"series\" is not an array")
    for index, row in enumerate(series):
        row = checked(row, f"series[{index}]")
        if not isinstance(row.get("name"), str):
            raise BenchError(f"{path}: series[{index}] lacks a \"name\"")
        result["series"].append(row)
    return result


def compare(prophet_result, geospike):
    """Prophet's found episodes at geospike's false alerts per day, and its rate at geospike's
    found count, overall and per series present in both runs."""

    def one(name, theirs, sweep_rows):
        curve = operating_curve(sweep_rows)
        found, found_reading = found_at_rate(curve, theirs["false_per_day"])
        rate, rate_reading = rate_at_found(curve, theirs["found"])
        ours = sweep_rows[0]
        return {
            "name": name,
            "geospike": {key: theirs[key] for key in ("test_days", "up_episodes", "found", "false_alerts",
                                                      "false_per_day")},
            "prophet_found_at_geospike_rate": found, "found_reading": found_reading,
            "prophet_rate_at_geospike_found": rate, "rate_reading": rate_reading,
            # The same protocol on the same files must judge the same episodes over the same days.
            "same_episodes": ours["up_episodes"] == theirs["up_episodes"]
            and abs(ours["test_days"] - theirs["test_days"]) < 1e-6,
            "prophet_up_episodes": ours["up_episodes"], "prophet_test_days": ours["test_days"],
        }

    sweep = prophet_result["sweep"]
    rows = [one("overall", geospike["overall"], [dict(entry["overall"], k=entry["k"]) for entry in sweep])]
    for theirs in geospike["series"]:
        per_k = []
        for entry in sweep:
            match = [row for row in entry["series"] if row["name"] == theirs["name"]]
            if match:
                per_k.append(dict(match[0], k=entry["k"]))
        if per_k:
            rows.append(one(theirs["name"], theirs, per_k))
    return rows


# MARK: - Prophet


def ensure_prophet():
    """Runs this script inside bench/.venv (created from the pinned requirements) unless the
    current Python already has prophet."""
    # Quiet before the first import: cmdstanpy logs two lines per fit, and prophet's plotting
    # module complains about plotly, which no figure here needs.
    for name in ("cmdstanpy", "prophet.plot"):
        logging.getLogger(name).disabled = True
    try:
        import prophet  # noqa: F401
        return
    except ImportError:
        pass
    python = VENV / "bin" / "python"
    if Path(sys.prefix).resolve() == VENV.resolve():
        raise BenchError(f"{VENV} lacks prophet: delete it and run again", EX_USAGE)
    digest = hashlib.sha256(b"".join(path.read_bytes() for path in REQUIREMENTS)).hexdigest()
    stamp = VENV / ".requirements-prophet.sha256"
    if not (python.exists() and stamp.exists() and stamp.read_text().strip() == digest):
        print("creating bench/.venv and installing bench/requirements-prophet.txt", file=sys.stderr)
        for command in ([sys.executable, "-m", "venv", str(VENV)],
                        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                         "-r", str(REQUIREMENTS[1])]):
            if subprocess.call(command) != 0:
                raise BenchError(f"failed: {' '.join(command)}", EX_USAGE)
        stamp.write_text(digest + "\n")
    os.execv(str(python), [str(python), str(Path(__file__).resolve())] + sys.argv[1:])


def prophet_scores(series, windows, seed, uncertainty_samples, interval_width):
    """z = (y - yhat) / sigma per grid point of the test windows (None elsewhere and where y
    is missing), and the number of windows whose fit failed (their points stay unscored)."""
    import numpy as np
    import pandas as pd
    from prophet import Prophet

    # Prophet's interval is the central `interval_width` of its samples: its half-width above
    # yhat is that many standard deviations of a normal.
    sigmas_in_half_width = statistics.NormalDist().inv_cdf((1 + interval_width) / 2)
    times = pd.to_datetime([series.start_s + i * series.step_s for i in range(len(series.values))], unit="s")
    values = np.array([np.nan if v is None else v for v in series.values], dtype=float)
    scores = [None] * len(values)
    failures = []
    for start, end in windows:
        train = ~np.isnan(values[:start])
        frame = pd.DataFrame({"ds": times[:start][train], "y": values[:start][train]})
        np.random.seed(seed)  # Prophet samples its intervals from numpy's global generator
        try:
            model = Prophet(daily_seasonality=True, weekly_seasonality=True,
                            uncertainty_samples=uncertainty_samples, interval_width=interval_width)
            model.fit(frame)
            forecast = model.predict(pd.DataFrame({"ds": times[start:end]}))
        except Exception as error:  # a failed fit leaves the window unscored, and is reported
            failures.append(f"window at point {start}: {type(error).__name__}: {error}")
            continue
        yhat = forecast["yhat"].to_numpy()
        sigma = (forecast["yhat_upper"].to_numpy() - yhat) / sigmas_in_half_width
        for offset, index in enumerate(range(start, end)):
            y = values[index]
            if np.isnan(y):
                continue
            if sigma[offset] > 0:
                scores[index] = float((y - yhat[offset]) / sigma[offset])
            else:  # a degenerate interval: any excess is infinitely unusual
                scores[index] = math.inf if y > yhat[offset] else (-math.inf if y < yhat[offset] else 0.0)
    return scores, failures


# MARK: - Reports


def series_paths(inputs):
    paths = []
    for given in inputs:
        path = Path(given)
        if path.is_dir():
            paths += sorted(path.rglob("*.csv"))
        elif path.exists():
            paths.append(path)
        else:
            raise BenchError(f"{path}: no such file or folder", EX_NOINPUT)
    if not paths:
        raise BenchError(f"no *.csv series under {', '.join(map(str, inputs))}", EX_NOINPUT)
    return paths


def run_prophet(args):
    results, skipped, sweep = [], [], {k: [] for k in args.k}
    for path in series_paths(args.inputs):
        series = read_series(path, args.bucket_span)
        windows = test_windows(len(series.values), series.step_s, args.min_train_days, args.window_days)
        if not windows:
            skipped.append(series.name)
            print(f"{series.name}: skipped (shorter than {args.min_train_days} days + one step)", file=sys.stderr)
            continue
        began = time.monotonic()
        scores, failures = prophet_scores(series, windows, args.seed, args.uncertainty_samples,
                                          args.interval_width)
        wall = time.monotonic() - began
        hours = [series.hour_of_day(i) for i in range(len(series.values))]
        for k in args.k:
            alerts = [score is not None and score >= k for score in scores]
            sweep[k].append(dict(name=series.name, **judge(series.values, series.labels, hours, alerts, windows,
                                                           series.step_s)))
        results.append({
            "name": series.name,
            "file": str(path.resolve().relative_to(ROOT) if path.resolve().is_relative_to(ROOT) else path),
            "step_s": series.step_s, "points": len(series.values),
            "missing": sum(v is None for v in series.values), "repeated_rows": series.repeated_rows,
            "windows": len(windows), "fit_failures": failures, "wall_s": round(wall, 2)})
        print(f"{series.name}: {len(windows)} windows, {wall:.1f} s wall"
              + (f", {len(failures)} failed fits" if failures else ""), file=sys.stderr)
    if not results:
        raise BenchError(f"no series is longer than {args.min_train_days} days + one step: nothing to judge")
    import prophet

    return {
        "protocol": PROTOCOL,
        "detector": f"prophet {prophet.__version__}",
        "settings": {"daily_seasonality": True, "weekly_seasonality": True,
                     "uncertainty_samples": args.uncertainty_samples, "interval_width": args.interval_width,
                     "seed": args.seed, "min_train_days": args.min_train_days, "window_days": args.window_days,
                     "score": "z = (y - yhat) / ((yhat_upper - yhat) / inv_norm((1 + interval_width) / 2)); "
                              "alert when z >= k"},
        "series": results, "skipped": skipped,
        "sweep": [{"k": k, "overall": overall(rows), "series": rows} for k, rows in sweep.items()],
    }


def fmt(value, digits=2):
    return f"{value:.{digits}f}" if isinstance(value, float) else str(value)


def fmt_k(k):
    return f"{k:g}"


def table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(fmt(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def markdown(result, target_rate):
    sweep = result["sweep"]
    out = [f"## Prophet ({result['detector']}) on the labelled series ({result['protocol']})", ""]
    out += ["Overall, by threshold k (alert when z >= k):", ""]
    out.append(table(["k", "test days", "up episodes", "found", "down episodes", "false alerts", "false/day"],
                     [[fmt_k(e["k"])] + [e["overall"][key] for key in COUNT_FIELDS] for e in sweep]))
    chosen = min(sweep, key=lambda e: abs(e["overall"]["false_per_day"] - target_rate))
    walls = {row["name"]: row for row in result["series"]}
    out += ["", f"Per series at k = {fmt_k(chosen['k'])} (overall false/day closest to {fmt(target_rate, 1)}):", ""]
    out.append(table(["series", "test days", "up episodes", "found", "down episodes", "false alerts", "false/day",
                      "windows", "wall s"],
                     [[row["name"]] + [row[key] for key in COUNT_FIELDS]
                      + [walls[row["name"]]["windows"], walls[row["name"]]["wall_s"]] for row in chosen["series"]]))
    out += ["", "Per series over the sweep (found / false alerts):", ""]
    names = [row["name"] for row in sweep[0]["series"]]
    out.append(table(["series", "up"] + [f"k={fmt_k(e['k'])}" for e in sweep],
                     [[name, sweep[0]["series"][i]["up_episodes"]]
                      + [f"{e['series'][i]['found']} / {e['series'][i]['false_alerts']}" for e in sweep]
                      for i, name in enumerate(names)]))
    failed = [(row["name"], failure) for row in result["series"] for failure in row["fit_failures"]]
    if failed:
        out += ["", "Failed fits (their windows unscored):"] + [f"- {name}: {text}" for name, text in failed]
    if result["skipped"]:
        out += ["", "Skipped (too short): " + ", ".join(result["skipped"])]
    return "\n".join(out)


def reading(how, figure):
    return {"interpolated": figure, "at most": f"≤ {figure}", "at least": f"≥ {figure}",
            "not reached": f"> {figure} (not reached)"}[how]


def comparison_markdown(rows):
    out = ["## Prophet at geospike's operating point", ""]
    body = []
    for row in rows:
        theirs = row["geospike"]
        body.append([
            row["name"], f"{theirs['found']} / {theirs['up_episodes']}", fmt(float(theirs["false_per_day"])),
            reading(row["found_reading"], f"{row['prophet_found_at_geospike_rate']:.1f}"),
            reading(row["rate_reading"], f"{row['prophet_rate_at_geospike_found']:.2f}"),
            "yes" if row["same_episodes"] else
            f"NO (Prophet: {row['prophet_up_episodes']} up over {row['prophet_test_days']:.2f} days)"])
    out.append(table(["series", "geospike found / up", "geospike false/day", "Prophet found at that false/day",
                      "Prophet false/day at that found", "same episodes and days"], body))
    out += ["", "Prophet's figures are interpolated linearly over its k sweep; ≤ and ≥ mark a geospike operating "
            "point outside the sweep, 'not reached' a found count that even the sweep's lowest k misses (the "
            "figure is the rate at that k)."]
    if rows[0]["found_reading"] == "at least" or rows[0]["rate_reading"] == "not reached":
        out += ["", "Overall, geospike's operating point lies beyond the sweep's lowest k: add lower ones "
                "(e.g. `--k 1 1.5 2 2.5 3 4 5 6 8 10 15 20`) for an interpolated figure."]
    return "\n".join(out)


def write_text(path, text):
    try:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_text(text, encoding="utf-8")
    except OSError as error:
        raise BenchError(f"{path}: cannot write: {error.strerror}", EX_IOERR)


# MARK: - Self-check of the accounting


def self_check():
    """The protocol's accounting on inputs small enough to count by hand."""
    assert episodes([0, 1, 1, 0, 1, 0, 0, 1]) == [(1, 2), (4, 4), (7, 7)]
    assert episodes([1, 1]) == [(0, 1)] and episodes([0, 0]) == []

    # One point per hour over 2 days: windows after the first day (min_train_days=1).
    assert test_windows(48, 3600, 1, 1) == [(24, 48)]
    assert test_windows(50, 3600, 1, 1) == [(24, 48), (48, 50)]
    assert test_windows(24, 3600, 1, 1) == []  # 1 day exactly: no test point after the span
    assert test_windows(25, 3600, 1, 1) == [(24, 25)]
    assert test_windows(20160, 60) == [(10080, 20160)]

    # Six hourly points, hours 0,1,2 twice. Label-0 medians: hour 0 -> 10, hour 1 -> 5, hour 2 -> 7,
    # all hours -> 8.5 (of 10, 5, 7, 10).
    hours = [0, 1, 2, 0, 1, 2]
    values = [10, 5, 7, 10, 4, 7]
    labels = [0, 0, 0, 0, 1, 1]
    medians, overall_median = normal_hour_medians(values, labels, hours)
    assert medians == {0: 10, 1: 5, 2: 7} and overall_median == 8.5
    assert not goes_up((4, 5), values, hours, medians, overall_median)  # peak 7 at hour 2: not above 7
    assert goes_up((4, 5), [10, 5, 7, 10, 4, 8], hours, medians, overall_median)  # 8 > 7
    assert goes_up((4, 4), [10, 5, 7, 10, 6, 7], hours, medians, overall_median)  # 6 > 5 at hour 1
    assert not goes_up((4, 5), [10, 5, 7, 10, None, None], hours, medians, overall_median)

    # 10 hourly points (hours 0..9), the first 4 training. Episodes: (1,2) starts in training
    # (not judged); (5,6) peaks at 60, above the label-0 median 1 (hour 5 has no label-0
    # value, so the median over all hours): up; (8,8) peaks at 0: down. Alerts at 1-3 are in
    # training (ignored), 4 is false, 6 finds (5,6), 8 lies in the down episode (not false),
    # 9 is missing (never an alert, and no test time: 5 test points, 5/24 of a day).
    values = [1, 50, 50, 1, 1, 60, 1, 1, 0, None]
    labels = [0, 1, 1, 0, 0, 1, 1, 0, 1, 0]
    hours = list(range(10))
    windows = [(4, 10)]
    alerts = [0, 1, 1, 1, 1, 0, 1, 0, 1, 1]
    counts = judge(values, labels, hours, alerts, windows, 3600)
    assert math.isclose(counts.pop("test_days"), 5 / 24) and math.isclose(counts.pop("false_per_day"), 4.8)
    assert counts == {"up_episodes": 1, "found": 1, "down_episodes": 1, "false_alerts": 1}, counts
    # The up episode's alert removed: nothing found; the point after it alerting is false.
    counts = judge(values, labels, hours, [0, 0, 0, 0, 0, 0, 0, 1, 0, 0], windows, 3600)
    assert (counts["found"], counts["false_alerts"]) == (0, 1), counts
    # An episode running past its window into the next is found by an alert in the next.
    counts = judge(values, labels, hours, [0, 0, 0, 0, 0, 0, 1, 0, 0, 0], [(4, 6), (6, 10)], 3600)
    assert (counts["up_episodes"], counts["found"]) == (1, 1), counts

    both = overall([{"test_days": 1.0, "up_episodes": 2, "found": 1, "down_episodes": 0, "false_alerts": 3},
                    {"test_days": 3.0, "up_episodes": 1, "found": 1, "down_episodes": 1, "false_alerts": 1}])
    assert both == {"test_days": 4.0, "up_episodes": 3, "found": 2, "down_episodes": 1, "false_alerts": 4,
                    "false_per_day": 1.0}, both

    # Reading: repeated time stamps are one point, labelled 1 if any row says so; a gap is missing.
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "tiny.csv"
        path.write_text("TimeStamp,Value,Label\n2018-01-01 00:00:00,2.5,0\n\"2018-01-01T01:00:00Z\",3,1\n"
                        "2018-01-01 01:00:00,3,0\n2018-01-01 03:00:00,,0\n2018-01-01 04:00:00,4,0\n")
        series = read_series(path)
        assert (series.name, series.step_s, series.repeated_rows) == ("tiny", 3600, 1)
        assert series.values == [3, 3, None, None, 4] and series.labels == [0, 1, 0, 0, 0], series
        path.write_text("TimeStamp,Value,Label\n2018-01-01 00:00:00,2,0\n2018-01-01 01:00:00,x,0\n")
        try:
            read_series(path)
            raise AssertionError("a bad count was accepted")
        except BenchError as error:
            assert str(error).endswith("tiny.csv:3: 'x' is not a count") and error.code == EX_DATAERR, error

    # Operating points: k=3 (4 false/day, 5 found), k=5 (1, 3), k=10 (0.5, 3).
    curve = operating_curve([{"k": 3, "false_per_day": 4.0, "found": 5}, {"k": 5, "false_per_day": 1.0, "found": 3},
                             {"k": 10, "false_per_day": 0.5, "found": 3}])
    assert found_at_rate(curve, 2.5) == (4.0, "interpolated")
    assert found_at_rate(curve, 0.2) == (3, "at most") and found_at_rate(curve, 9.0) == (5, "at least")
    assert rate_at_found(curve, 4) == (2.5, "interpolated")
    assert rate_at_found(curve, 3) == (0.5, "at most") and rate_at_found(curve, 6) == (4.0, "not reached")
    # k=10 and k=20 both without false alerts, finding 2 and 0: at 0 a day the sweep finds 2.
    curve = operating_curve([{"k": 20, "false_per_day": 0.0, "found": 0}, {"k": 10, "false_per_day": 0.0, "found": 2},
                             {"k": 3, "false_per_day": 1.0, "found": 4}])
    assert curve == [(0.0, 2), (1.0, 4)], curve
    assert found_at_rate(curve, 0.0) == (2, "interpolated") and rate_at_found(curve, 1) == (0.0, "at most")

    # --geospike-json on hand-written runs (bench/fixtures/*-labelled-tiny.json): overall,
    # geospike's 2.5 false/day lies between Prophet's k=5 (1.0/day, 3 found) and k=3 (4.0, 5).
    fixtures = BENCH / "fixtures"
    prophet_run = json.loads((fixtures / "prophet-labelled-tiny.json").read_text())
    rows = compare(prophet_run, read_geospike(fixtures / "geospike-labelled-tiny.json"))
    expected = {
        "overall": (4.0, "interpolated", 2.5, "interpolated", True),
        "A": (2.0, "interpolated", 3.8, "interpolated", True),  # 1.6 + (6 - 1.6) / 2 at 3 found
        "B": (1.0, "interpolated", 0.2, "at most", False),  # geospike judged 3 up episodes, Prophet 2
    }  # C is in geospike's run only: left out
    assert [row["name"] for row in rows] == list(expected), rows
    for row in rows:
        found, found_reading, rate, rate_reading, same = expected[row["name"]]
        assert math.isclose(row["prophet_found_at_geospike_rate"], found, rel_tol=1e-9), row
        assert math.isclose(row["prophet_rate_at_geospike_found"], rate, rel_tol=1e-9), row
        assert (row["found_reading"], row["rate_reading"], row["same_episodes"]) == (
            found_reading, rate_reading, same), row
    for broken, message in (('{"overall": {"found": 1}}', 'lacks a number "up_episodes"'),
                            ('{"overall":\n ', ":2: not JSON")):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "geospike.json"
            path.write_text(broken)
            try:
                read_geospike(path)
                raise AssertionError(f"accepted {broken!r}")
            except BenchError as error:
                assert message in str(error) and error.code == EX_DATAERR, error
    print("self-check: protocol accounting, interpolation and the geospike comparison OK")


# MARK: - Main


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("inputs", nargs="*", default=[str(DEFAULT_DATA)],
                        help="series CSV files or folders of them (default: datasets/real/cloud-monitoring)")
    parser.add_argument("--json", metavar="PATH", help="write the results (and any comparison) as JSON")
    parser.add_argument("--markdown", metavar="PATH", help="also write the markdown report to PATH")
    parser.add_argument("--from-json", metavar="PATH", help="report from an earlier --json instead of fitting")
    parser.add_argument("--geospike-json", metavar="PATH",
                        help="`geospike-eval labelled --json` output: Prophet at geospike's operating point")
    parser.add_argument("--k", type=float, nargs="+", default=list(K_SWEEP), help="thresholds to sweep")
    parser.add_argument("--detail-rate", type=float, default=2.0,
                        help="per-series table at the k whose overall false/day is closest to this")
    parser.add_argument("--seed", type=int, default=8, help="numpy seed for Prophet's interval samples")
    parser.add_argument("--uncertainty-samples", type=int, default=200)
    parser.add_argument("--interval-width", type=float, default=0.8, help="Prophet's default, 0.8")
    parser.add_argument("--min-train-days", type=float, default=7)
    parser.add_argument("--window-days", type=float, default=7)
    parser.add_argument("--bucket-span", type=parse_span, help="the series' step (default: most common gap)")
    parser.add_argument("--self-check", action="store_true", help="test the protocol's accounting and exit")
    try:
        args = parser.parse_args(argv)
        if args.self_check:
            self_check()
            return 0
        if not 0 < args.interval_width < 1 or args.uncertainty_samples < 1:
            raise BenchError("--interval-width must lie in (0, 1) and --uncertainty-samples be positive", EX_USAGE)
        if args.min_train_days <= 0 or args.window_days <= 0:
            raise BenchError("--min-train-days and --window-days must be positive", EX_USAGE)
        if args.from_json:
            try:
                result = json.loads(Path(args.from_json).read_text(encoding="utf-8"))
                result["sweep"]
            except OSError as error:
                raise BenchError(f"{args.from_json}: cannot open: {error.strerror}", EX_NOINPUT)
            except (json.JSONDecodeError, KeyError, TypeError):
                raise BenchError(f"{args.from_json}: not the JSON of an earlier run of this script")
        else:
            ensure_prophet()
            began = time.monotonic()
            result = run_prophet(args)
            result["wall_s"] = round(time.monotonic() - began, 1)
            print(f"all series: {result['wall_s']} s wall", file=sys.stderr)
        report = markdown(result, args.detail_rate)
        if args.geospike_json:
            result["comparison"] = compare(result, read_geospike(args.geospike_json))
            report += "\n\n" + comparison_markdown(result["comparison"])
        print(report)
        if args.markdown:
            write_text(args.markdown, report + "\n")
        if args.json:
            write_text(args.json, json.dumps(result, indent=1) + "\n")
        return 0
    except BenchError as error:
        print(f"prophet_labelled: {error}", file=sys.stderr)
        return error.code
    except BrokenPipeError:
        return EX_IOERR


if __name__ == "__main__":
    sys.exit(main())
