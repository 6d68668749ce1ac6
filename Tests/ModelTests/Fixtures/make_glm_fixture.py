"""Writes the IRLS cross-check fixture: simulated seasonal counts and statsmodels' fits.

Run with numpy, pandas and statsmodels installed (bench/requirements.txt pins them):
    python3 Tests/ModelTests/Fixtures/make_glm_fixture.py
The Swift test fits the same counts with geospike's aggregated-cell IRLS (no penalty,
no recency weights) and must agree with statsmodels to the stated tolerance.
"""
import json
import os

import numpy as np
import statsmodels.api as sm

HERE = os.path.dirname(os.path.abspath(__file__))
START = 1788739200  # 2026-09-07T00:00:00Z
DAYS = 21
rng = np.random.default_rng(20261129)

starts = START + 900 * np.arange(DAYS * 96)
second = ((starts + 450) % 86400) // 900 * 900 + 450
phase = 2 * np.pi * second / 86400
X = np.column_stack([np.ones_like(phase), np.sin(phase), np.cos(phase), np.sin(2 * phase), np.cos(2 * phase)])
beta = np.array([np.log(3.0), 0.7, -0.5, 0.2, 0.1])
mu = np.exp(X @ beta)
alpha = 0.35
counts = rng.poisson(mu * rng.gamma(1 / alpha, alpha, size=mu.shape))

with open(os.path.join(HERE, "glm_counts.csv"), "w") as f:
    f.write("bucket_start,count\n")
    for t, y in zip(starts, counts):
        f.write(f"{int(t)},{int(y)}\n")

poisson = sm.GLM(counts, X, family=sm.families.Poisson()).fit(tol=1e-12)
nb = sm.NegativeBinomial(counts, X, loglike_method="nb2").fit(method="bfgs", maxiter=2000, gtol=1e-10, disp=False)
nb = sm.NegativeBinomial(counts, X, loglike_method="nb2").fit(start_params=nb.params, method="newton", maxiter=100, disp=False)
reference = {
    "poisson_coefficients": list(poisson.params),
    "negbin_coefficients": list(nb.params[:-1]),
    "negbin_alpha": float(nb.params[-1]),
    "statsmodels": sm.__version__,
}
with open(os.path.join(HERE, "glm_reference.json"), "w") as f:
    json.dump(reference, f, indent=2)
print(reference)
