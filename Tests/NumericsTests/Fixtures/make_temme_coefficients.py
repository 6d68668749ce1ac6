#!/usr/bin/env python3
"""Generates Sources/GeoSpikeNumerics/TemmeCoefficients.swift.

Temme's uniform asymptotic expansion of the regularized incomplete gamma function
(DLMF 8.12.3-8.12.9):

    Q(a, x) = erfc(eta * sqrt(a/2)) / 2 + R_a(eta)
    R_a(eta) ~ exp(-a eta^2 / 2) / sqrt(2 pi a) * sum_k c_k(eta) a^-k
    eta^2 / 2 = mu - log(1 + mu),  mu = (x - a) / a,  sign(eta) = sign(mu)
    c_0(eta) = 1/mu - 1/eta
    c_k(eta) = (1/eta) c'_{k-1}(eta) + (-1)^k g_k / mu

where g_k are the Stirling-series coefficients of Gamma*(a). The c_k are analytic at
eta = 0 but the closed forms cancel there, so the Swift code evaluates their Taylor
polynomials in eta. This script computes those polynomials from the definitions with
60-digit power-series arithmetic (g_k falls out as the value that cancels the pole of
c_k at eta = 0), checks the expansion against mpmath.gammainc, trims every polynomial
to the terms that matter in the region where the Swift code uses it, and prints the
Swift source. Run:

    python3 Tests/NumericsTests/Fixtures/make_temme_coefficients.py \
        > Sources/GeoSpikeNumerics/TemmeCoefficients.swift
"""
import sys

import mpmath as mp

from make_tables import log_gamma_tails  # 50-digit series / continued fraction (mpmath gives up at a = 1e7)

mp.mp.dps = 60
ORDER = 70          # Taylor order of mu(eta); each recursion step consumes two orders
TERMS = 10          # c_0 ... c_9, as in DiDonato & Morris for double precision
# Region where IncompleteGamma.swift uses the expansion (same as Boost.Math for 53 bits):
# 20 < a <= 200 with |sigma| < 0.4, or a > 200 with sigma^2 < 20 / a. Each band of a gets
# its own trimmed polynomials: the larger a, the fewer terms matter (the scorer's hot path).
SMALL_A, SMALL_A_SIGMA = 20.0, 0.4
LARGE_A = 200.0
# Beyond sigma^2 = 20/a the series and the continued fraction need O(1/|sigma|) terms, so for
# a > 200 the expansion is also used out to |eta| <= WIDE_ETA (sigma from about -0.7 to 1.35);
# the c_k stay bounded there and the Taylor polynomials converge (radius 2 sqrt(pi)).
WIDE_ETA = 1.0
BANDS = [("smallA", SMALL_A, LARGE_A), ("mediumA", LARGE_A, 2000.0), ("largeA", 2000.0, 1e12),
         ("wideMediumA", LARGE_A, 2000.0), ("wideLargeA", 2000.0, 1e12)]


def mul(p, q, n):
    out = [mp.mpf(0)] * n
    for i, pi in enumerate(p[:n]):
        if pi == 0:
            continue
        for j, qj in enumerate(q[: n - i]):
            out[i + j] += pi * qj
    return out


def inverse(p, n):
    """1 / p for a series with p[0] != 0."""
    out = [mp.mpf(0)] * n
    out[0] = 1 / p[0]
    for k in range(1, n):
        s = sum(p[j] * out[k - j] for j in range(1, min(k, len(p) - 1) + 1))
        out[k] = -s / p[0]
    return out


def sqrt_series(p, n):
    """sqrt(p) for a series with p[0] == 1."""
    out = [mp.mpf(0)] * n
    out[0] = mp.mpf(1)
    for k in range(1, n):
        s = sum(out[j] * out[k - j] for j in range(1, k))
        out[k] = (p[k] - s) / 2
    return out


def compose(p, q, n):
    """p(q(t)) for q[0] == 0."""
    out = [mp.mpf(0)] * n
    power = [mp.mpf(1)] + [mp.mpf(0)] * (n - 1)
    for coefficient in p[:n]:
        out = [o + coefficient * w for o, w in zip(out, power)]
        power = mul(power, q, n)
    return out


def mu_of_eta(n):
    # eta = mu * s(mu), s(mu) = sqrt(2 (mu - log(1 + mu)) / mu^2)
    inner = [2 * mp.mpf(-1) ** m / (m + 2) for m in range(n)]
    s = sqrt_series(inner, n)
    eta_of_mu = [mp.mpf(0)] + s[: n - 1]
    derivative = [k * eta_of_mu[k] for k in range(1, n)] + [mp.mpf(0)]
    # Newton iteration on series: mu <- mu - (eta(mu) - t) / eta'(mu)
    mu = [mp.mpf(0), mp.mpf(1)] + [mp.mpf(0)] * (n - 2)
    for _ in range(8):
        residual = compose(eta_of_mu, mu, n)
        residual[1] -= 1
        slope = compose(derivative, mu, n)
        step = mul(residual, inverse(slope, n), n)
        mu = [m - s_ for m, s_ in zip(mu, step)]
    return mu


def temme_coefficients():
    n = ORDER
    mu = mu_of_eta(n + 1)
    # mu = eta * m(eta); 1/mu = (1/eta) * w(eta) with w = 1/m.
    w = inverse(mu[1:], n)
    c = [w[k + 1] for k in range(n - 1)]  # c_0 = (w - 1)/eta
    cs, gs = [c], [mp.mpf(1)]
    for k in range(1, TERMS):
        prev = cs[-1]
        # (1/eta) c'_{k-1}: coefficient of eta^(j-2) is j * prev[j]; j = 1 gives a pole.
        pole = prev[1]
        g_signed = -pole  # (-1)^k g_k cancels the pole of (1/eta) c'_{k-1}
        length = len(prev) - 2
        ck = [(j + 2) * prev[j + 2] + g_signed * w[j + 1] for j in range(length)]
        cs.append(ck)
        gs.append(g_signed * (-1) ** k)
    return cs, gs


def temme_tail(a, x, cs):
    """The smaller tail as the Swift code computes it: P for x < a, Q otherwise."""
    a, x = mp.mpf(a), mp.mpf(x)
    mu = (x - a) / a
    eta = mp.sign(mu) * mp.sqrt(2 * (mu - mp.log1p(mu)))
    series = sum(mp.polyval(list(reversed(ck)), eta) * a ** -k for k, ck in enumerate(cs))
    r = mp.exp(-a * eta**2 / 2) / mp.sqrt(2 * mp.pi * a) * series
    return mp.erfc(abs(eta) * mp.sqrt(a / 2)) / 2 + (-r if x < a else r)


def eta_of_sigma(sigma):
    return abs(mp.sqrt(2 * (sigma - mp.log1p(sigma))))


def region_bounds(low, high, wide=False):
    """(a, max |eta|) pairs bounding the part of the region with low < a <= high."""
    if wide:
        return [(low, mp.mpf(WIDE_ETA))]
    if low < LARGE_A:
        return [(low, max(eta_of_sigma(SMALL_A_SIGMA), eta_of_sigma(-SMALL_A_SIGMA)))]
    bounds, a = [], low
    while a < high:
        s = mp.sqrt(20 / a)
        bounds.append((a, max(eta_of_sigma(s), eta_of_sigma(-s))))
        a *= 1.5
    return bounds


def trimmed(cs, bounds):
    out = []
    for k, ck in enumerate(cs):
        keep = 0
        for j, coefficient in enumerate(ck):
            worst = max(abs(coefficient) * e**j / mp.mpf(a) ** k for a, e in bounds)
            if worst > mp.mpf("1e-19"):
                keep = j + 1
        out.append(ck[:keep])
    return out


def emit(name, kept, low, high):
    print(f"    /// `sum_k c_k(eta) a^-k` for {low:g} < a <= {high:g}, trimmed to the terms that matter there.")
    print("    @inline(__always)")
    print(f"    static func {name}(eta: Double, inverseA: Double) -> Double {{")
    for k, ck in enumerate(kept):
        print(f"        var c{k} = {mp.nstr(ck[-1], 20, min_fixed=0, max_fixed=0)}")
        for coefficient in reversed(ck[:-1]):
            print(f"        c{k} = c{k} * eta + {mp.nstr(coefficient, 20, min_fixed=0, max_fixed=0)}")
    print(f"        var sum = c{len(kept) - 1}")
    for k in reversed(range(len(kept) - 1)):
        print(f"        sum = sum * inverseA + c{k}")
    print("        return sum")
    print("    }")


def main():
    cs, gs = temme_coefficients()
    known = [1, mp.mpf(1) / 12, mp.mpf(1) / 288, mp.mpf(-139) / 51840, mp.mpf(-571) / 2488320]
    for k, g in enumerate(known):
        assert abs(gs[k] - g) < mp.mpf("1e-40"), (k, gs[k], g)
    checks = {
        "smallA": [(20.5, 12.5), (20.5, 28.0), (150, 100), (150, 190), (199, 120)],
        "mediumA": [(201, 215), (201, 190), (1500, 1600), (1999, 1800)],
        "largeA": [(2001, 2150), (1e4, 9800), (1e6, 1e6 + 4000), (1e9, 1e9 - 1.4e5)],
        "wideMediumA": [(201, 70), (201, 450), (201, 300), (500, 180), (1999, 4500), (1999, 700)],
        "wideLargeA": [(2001, 700), (2001, 4500), (1e4, 5000), (1e5, 2.3e5), (1e7, 3.1e6)],
    }
    bands, worst = [], mp.mpf(0)
    for name, low, high in BANDS:
        kept = trimmed(cs, region_bounds(low, high, wide=name.startswith("wide")))
        while not kept[-1]:
            kept.pop()  # trailing c_k that no longer matter in this band
        kept = [ck or [mp.mpf(0)] for ck in kept]
        for a, x in checks[name]:
            small = mp.exp(log_gamma_tails(a, x)[0 if x < a else 1])
            worst = max(worst, abs(temme_tail(a, x, kept) - small) / small)
            if name.startswith("wide"):  # the checks must reach the edge of the band
                mu = (mp.mpf(x) - a) / a
                assert eta_of_sigma(mu) <= WIDE_ETA, (a, x)
        bands.append((name, kept, low, high))
    assert worst < 1e-15, worst
    print("// Generated by Tests/NumericsTests/Fixtures/make_temme_coefficients.py; do not edit.")
    print("// Taylor coefficients in eta of Temme's c_k(eta) (DLMF 8.12.8-8.12.9), k = 0...9,")
    print("// trimmed per band of a to the terms above 1e-19 where the expansion is used; checked")
    print(f"// against 50-digit references (worst relative error of the smaller tail {mp.nstr(worst, 3)}).")
    print()
    print("/// Temme's coefficient polynomials for the incomplete gamma function of large `a`.")
    print("enum TemmeCoefficients {")
    for index, (name, kept, low, high) in enumerate(bands):
        if index:
            print()
        emit(name, kept, low, high)
    print("}")

if __name__ == "__main__":
    sys.exit(main())
