#!/usr/bin/env python3
"""The statsmodels peer of `geospike-train` + `geospike-score` on a counts CSV.

What a data scientist would write for "spikes per destination country":
- read `bucket_start,country,count`, fill the missing (bucket, country) cells with zeros
  over the training range (a silent country is information);
- per country, a negative-binomial (NB2) regression of the count on hour-of-day and
  day-of-week dummies, dispersion by maximum likelihood (`statsmodels.discrete
  NegativeBinomial`); a country whose fit fails or does not converge falls back to a
  Poisson GLM, and is counted as such;
- score a batch: expected counts from the fitted coefficients and the upper-tail
  probability P(N >= actual) of the fitted NB (scipy's `nbinom.sf`).

Train and score are timed separately (wall clock, in-process, after imports) and printed
as one JSON object on stdout; `--scores-out` writes the scored cells as CSV.
"""

import argparse
import json
import sys
import time
import warnings

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats
from statsmodels.tools.sm_exceptions import ConvergenceWarning

BUCKET = pd.Timedelta(minutes=15)


def read_counts(path):
    frame = pd.read_csv(path, dtype={"country": str, "count": np.int64}, keep_default_na=False)
    frame["bucket_start"] = pd.to_datetime(frame["bucket_start"], utc=True, format="ISO8601")
    return frame


def dense_grid(frame, countries, start, end):
    """Counts for every bucket in [start, end] x every country, zeros where absent."""
    buckets = pd.date_range(start, end, freq=BUCKET)
    wide = (
        frame.pivot_table(index="bucket_start", columns="country", values="count", aggfunc="sum")
        .reindex(index=buckets, columns=countries)
        .fillna(0)
    )
    return wide


def seasonal_design(buckets):
    """Intercept + 23 hour-of-day + 6 day-of-week dummies (UTC), as a float matrix."""
    hours = pd.Categorical(buckets.hour, categories=range(24))
    days = pd.Categorical(buckets.day_of_week, categories=range(7))
    design = pd.concat(
        [
            pd.get_dummies(hours, prefix="hour", drop_first=True, dtype=float),
            pd.get_dummies(days, prefix="dow", drop_first=True, dtype=float),
        ],
        axis=1,
    )
    return sm.add_constant(design.to_numpy(), has_constant="add")


def fit_country(y, design):
    """(coefficients, dispersion alpha, family) of one country's NB2 fit, Poisson if it fails."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        try:
            result = sm.NegativeBinomial(y, design, loglike_method="nb2").fit(disp=0, maxiter=200)
            alpha = float(result.params[-1])
            beta = np.asarray(result.params[:-1], dtype=float)
            if np.all(np.isfinite(beta)) and np.isfinite(alpha) and alpha > 0:
                return beta, alpha, "negative-binomial"
        except Exception:  # singular Hessian, non-convergence, perfect separation...
            pass
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = sm.GLM(y, design, family=sm.families.Poisson()).fit()
    return np.asarray(result.params, dtype=float), 0.0, "poisson"


def upper_tail(actual, mean, alpha):
    """P(N >= actual) under NB2(mean, alpha), Poisson where alpha is 0."""
    actual = np.asarray(actual, dtype=float)
    if alpha <= 0:
        return stats.poisson.sf(actual - 1, mean)
    size = 1.0 / alpha
    return stats.nbinom.sf(actual - 1, size, size / (size + mean))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--train", required=True, help="counts CSV to train on")
    parser.add_argument("--score", required=True, help="counts CSV of the batch to score")
    parser.add_argument("--scores-out", help="write bucket_start,country,actual,expected,probability")
    args = parser.parse_args()

    started = time.perf_counter()
    train = read_counts(args.train)
    countries = sorted(train["country"].unique())
    grid = dense_grid(train, countries, train["bucket_start"].min(), train["bucket_start"].max())
    design = seasonal_design(grid.index)
    models = {}
    for country in countries:
        models[country] = fit_country(grid[country].to_numpy(), design)
    train_seconds = time.perf_counter() - started

    started = time.perf_counter()
    batch = read_counts(args.score)
    batch_grid = dense_grid(batch, countries, batch["bucket_start"].min(), batch["bucket_start"].max())
    batch_design = seasonal_design(batch_grid.index)
    scored = []
    for country, (beta, alpha, _) in models.items():
        expected = np.exp(batch_design @ beta)
        actual = batch_grid[country].to_numpy()
        scored.append((country, actual, expected, upper_tail(actual, expected, alpha)))
    score_seconds = time.perf_counter() - started

    windows = len(batch_grid.index) * len(countries)
    if args.scores_out:
        with open(args.scores_out, "w") as out:
            out.write("bucket_start,country,actual,expected,probability\n")
            stamps = batch_grid.index.strftime("%Y-%m-%dT%H:%M:%SZ")
            for country, actual, expected, probability in scored:
                for stamp, a, e, p in zip(stamps, actual, expected, probability):
                    out.write(f"{stamp},{country},{int(a)},{e:.6g},{p:.6g}\n")

    families = [family for _, _, family in models.values()]
    print(json.dumps({
        "train_seconds": train_seconds,
        "score_seconds": score_seconds,
        "countries": len(countries),
        "training_buckets": len(grid.index),
        "country_windows": windows,
        "negative_binomial_fits": families.count("negative-binomial"),
        "poisson_fallbacks": families.count("poisson"),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
