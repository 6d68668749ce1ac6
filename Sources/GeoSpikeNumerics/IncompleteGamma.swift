#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension SpecialFunctions {
    /// The regularized lower incomplete gamma function P(a, x), for a > 0 and x ≥ 0.
    ///
    /// ```
    /// P(a, x) = γ(a, x) / Γ(a) = 1/Γ(a) · ∫₀ˣ tᵃ⁻¹ e⁻ᵗ dt
    /// ```
    /// For Poisson counts, P(k, μ) = P(N ≥ k) when N ~ Poisson(μ). Relative error
    /// ≤ 1e-10 where P ≥ 1e-100, ≤ 1e-8 below (then prefer `logRegularizedGammaP`);
    /// underflows to 0 below about 1e-308. NaN outside the domain.
    public static func regularizedGammaP(_ a: Double, _ x: Double) -> Double {
        exp(logRegularizedGammaP(a, x))
    }

    /// The regularized upper incomplete gamma function Q(a, x) = 1 − P(a, x).
    ///
    /// ```
    /// Q(a, x) = Γ(a, x) / Γ(a) = 1/Γ(a) · ∫ₓ^∞ tᵃ⁻¹ e⁻ᵗ dt
    /// ```
    /// Computed directly where it is the smaller tail, never as `1 − P` there, so it
    /// keeps its relative accuracy (same bounds as `regularizedGammaP`).
    public static func regularizedGammaQ(_ a: Double, _ x: Double) -> Double {
        exp(logRegularizedGammaQ(a, x))
    }

    /// log P(a, x), finite far below the smallest double (log P = −1e6 is fine).
    ///
    /// ```
    /// log P(a, x) = log(xᵃ e⁻ˣ / Γ(a+1)) + log Σₙ xⁿ / ((a+1)⋯(a+n))     (x < a + 1)
    /// log P(a, x) = log(1 − Q(a, x))                                       (otherwise)
    /// ```
    /// Absolute error ≤ 1e-8·max(1, |log P|), and relative error ≤ 1e-10 where
    /// |log P| ≤ 230 and P is the smaller tail.
    public static func logRegularizedGammaP(_ a: Double, _ x: Double) -> Double {
        guard a > 0, x >= 0, a.isFinite else { return .nan }
        let tail = GammaTail(a: a, x: x)
        return tail.isUpper ? log1mexp(tail.logValue) : tail.logValue
    }

    /// log Q(a, x), finite far below the smallest double.
    ///
    /// ```
    /// log Q(a, x) = log(xᵃ e⁻ˣ / Γ(a)) + log CF(a, x)                       (x ≥ a + 1)
    /// log Q(a, x) = log(1 − P(a, x))                                       (otherwise)
    /// ```
    /// CF is Legendre's continued fraction, evaluated by the modified Lentz method.
    /// Same accuracy as `logRegularizedGammaP`.
    public static func logRegularizedGammaQ(_ a: Double, _ x: Double) -> Double {
        guard a > 0, x >= 0, a.isFinite else { return .nan }
        let tail = GammaTail(a: a, x: x)
        return tail.isUpper ? tail.logValue : log1mexp(tail.logValue)
    }

    /// The log of the incomplete gamma prefix, computed without cancellation for large `a`.
    ///
    /// ```
    /// logGammaPrefix(a, x) = log(xᵃ e⁻ˣ / Γ(a)) = a·log x − x − log Γ(a)
    ///                      = a·log1pmx((x − a)/a) + ½·log(a / 2π) − stirlingCorrection(a)
    /// ```
    /// The naive form subtracts numbers of size a·log a; at a = 1e7 that leaves 1e-8 of
    /// absolute error in the log, i.e. 1e-8 relative error in every tail. The second form
    /// (used for a ≥ 10) only adds terms of the size of the result.
    static func logGammaPrefix(_ a: Double, _ x: Double) -> Double {
        if x == 0 { return -.infinity }
        if x.isInfinite { return -.infinity }
        if a < 10 {
            // Whole a (Poisson counts) skips lgamma: (a − 1)! is exact in a double here.
            let whole = Int(exactly: a)
            let logGammaA = whole.map { logFactorials[$0 - 1] } ?? logGamma(a)
            return a * log(x) - x - logGammaA
        }
        let u = (x - a) / a
        // Below x = a/2, (x − a)/a loses the relative accuracy of x / a; take log(x/a) directly.
        let exponent = u < -0.5 ? a * (log(x / a) - u) : a * log1pmx(u)
        return exponent + 0.5 * (log(a) - logTwoPi) - stirlingCorrection(a)
    }

    /// log(n!) for n = 0…8, from the exact factorials.
    static let logFactorials: [Double] = (0...8).map { n in log((0...n).reduce(1.0) { $0 * Double(max($1, 1)) }) }
}

/// The smaller-or-cheaper tail of the regularized incomplete gamma function, in log space.
///
/// Each method returns one tail directly (P from the series, Q from the continued
/// fraction, the smaller one from Temme's expansion); the other is `log1mexp` of it.
/// The method chosen is the one whose tail is not close to 1, so a tiny tail is never
/// computed as a difference.
struct GammaTail {
    /// The log of the tail that was computed.
    let logValue: Double
    /// Whether that tail is Q (upper) rather than P (lower).
    let isUpper: Bool

    /// `logPrefix`, if given, must be `logGammaPrefix(a, x)`: callers that need it anyway pass
    /// it in, so that it (an lgamma for small non-integer a) is not computed twice.
    init(a: Double, x: Double, logPrefix: Double? = nil) {
        if x == 0 {
            (logValue, isUpper) = (-.infinity, false)
            return
        }
        if x == .infinity {
            (logValue, isUpper) = (-.infinity, true)
            return
        }
        if a > 20 {
            let sigma = (x - a) / a
            if a > 200 ? sigma * sigma < 20 / a : abs(sigma) < 0.4 {
                let band: TemmeBand = a > 2000 ? .largeA : a > 200 ? .mediumA : .smallA
                (logValue, isUpper) = (GammaTail.temme(a: a, x: x, sigma: sigma, band: band), x >= a)
                return
            }
            // Spikes beyond σ² = 20/a would cost the series O(1/|σ|) terms; out to |η| ≤ 1
            // (σ from about −0.7 to 1.35) the expansion still holds for a > 200.
            if a > 200 && sigma > -0.72 && sigma < 1.4 {
                let band: TemmeBand = a > 2000 ? .wideLargeA : .wideMediumA
                if -2 * SpecialFunctions.log1pmx(sigma) <= 1 {
                    (logValue, isUpper) = (GammaTail.temme(a: a, x: x, sigma: sigma, band: band), x >= a)
                    return
                }
            }
        }
        if x < a + 1 {
            (logValue, isUpper) = (GammaTail.lowerSeries(a: a, x: x, logPrefix: logPrefix), false)
        } else {
            (logValue, isUpper) = (GammaTail.upperContinuedFraction(a: a, x: x, logPrefix: logPrefix), true)
        }
    }

    /// log P(a, x) from the power series, for x < a + 1 (every term positive).
    ///
    /// ```
    /// P(a, x) = xᵃ e⁻ˣ / Γ(a + 1) · Σₙ₌₀ xⁿ / ((a+1)(a+2)⋯(a+n))
    /// ```
    /// The terms shrink at least like x/(a+n), so at most about 8.5·√a + 40 are needed.
    static func lowerSeries(a: Double, x: Double, logPrefix: Double?) -> Double {
        var sum = 1.0
        var term = 1.0
        var denominator = a
        let limit = 20 + Int(5 * a.squareRoot())
        for _ in 0..<limit {
            // Two terms per division: the division, not the multiply-add, bounds this loop.
            let next = denominator + 1
            denominator += 2
            let q = term * x / (next * denominator)
            let first = q * denominator
            term = q * x
            sum += first + term
            if first <= sum * SpecialFunctions.epsilon { break }
        }
        return (logPrefix ?? SpecialFunctions.logGammaPrefix(a, x)) - log(a) + log(sum)
    }

    /// log Q(a, x) from Legendre's continued fraction, for x ≥ a + 1.
    ///
    /// ```
    /// Q(a, x) = xᵃ e⁻ˣ / Γ(a) · 1/(x + 1 − a − 1·(1 − a)/(x + 3 − a − 2·(2 − a)/(x + 5 − a − …)))
    /// ```
    /// Modified Lentz evaluation (Numerical Recipes §6.2; Lentz 1976, Thompson & Barnett 1986).
    static func upperContinuedFraction(a: Double, x: Double, logPrefix: Double?) -> Double {
        let tiny = 1e-300
        var b = x + 1 - a
        var c = 1 / tiny
        var d = 1 / b
        var h = d
        let limit = 100 + Int(10 * a.squareRoot())
        var i = 1.0
        for _ in 0..<limit {
            let an = -i * (i - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) <= SpecialFunctions.epsilon { break }
            i += 1
        }
        return (logPrefix ?? SpecialFunctions.logGammaPrefix(a, x)) + log(h)
    }

    /// The log of the smaller tail from Temme's uniform asymptotic expansion (a > 20, x ≈ a).
    ///
    /// ```
    /// η = sign(x − a)·√(2φ),   φ = −log1pmx((x − a)/a),   y = a·φ
    /// R = e⁻ʸ / √(2πa) · Σₖ cₖ(η) a⁻ᵏ
    /// Q(a, x) = ½·erfc(√y) + R     (x ≥ a)
    /// P(a, x) = ½·erfc(√y) − R     (x < a)
    /// log tail = −y + log(½·erfcx(√y) ± Σₖ cₖ(η) a⁻ᵏ / √(2πa)),   erfcx(t) = e^{t²} erfc(t)
    /// ```
    /// (DLMF 8.12; DiDonato & Morris 1986; coefficients from `make_temme_coefficients.py`.)
    /// Used where √a·|σ| ≤ √20 (the series and the continued fraction would need O(√a)
    /// terms there) and, for a > 200, out to |η| ≤ 1, where they need O(1/|σ|). The
    /// common factor e⁻ʸ is taken out so that nothing underflows however small the tail.
    static func temme(a: Double, x: Double, sigma: Double, band: TemmeBand) -> Double {
        let phi = -SpecialFunctions.log1pmx(sigma)
        let y = a * phi
        var eta = (2 * phi).squareRoot()
        if x < a { eta = -eta }
        let inverseA = 1 / a
        let series: Double
        switch band {
        case .smallA: series = TemmeCoefficients.smallA(eta: eta, inverseA: inverseA)
        case .mediumA: series = TemmeCoefficients.mediumA(eta: eta, inverseA: inverseA)
        case .largeA: series = TemmeCoefficients.largeA(eta: eta, inverseA: inverseA)
        case .wideMediumA: series = TemmeCoefficients.wideMediumA(eta: eta, inverseA: inverseA)
        case .wideLargeA: series = TemmeCoefficients.wideLargeA(eta: eta, inverseA: inverseA)
        }
        var r = series * exp(-SpecialFunctions.logSqrtTwoPi) * inverseA.squareRoot()
        if x < a { r = -r }
        return -y + log(0.5 * scaledErfc(y) + r)
    }

    /// `erfcx(√y) = e^y·erfc(√y)`, finite for every y ≥ 0.
    ///
    /// ```
    /// y < 676:   e^y · erfc(√y)
    /// y ≥ 676:   1/√(πy) · (1 − 1/(2y) + 3/(2y)² − 15/(2y)³ + … − 135135/(2y)⁷)
    /// ```
    /// The asymptotic series' next term is below 1e-18 at y = 676, where erfc(26) is still
    /// far from underflow on the other side.
    static func scaledErfc(_ y: Double) -> Double {
        if y < 676 { return exp(y) * erfc(y.squareRoot()) }
        return SpecialFunctions.millsSeries(1 / (2 * y)) / (Double.pi * y).squareRoot()
    }

    /// Which trimmed set of Temme polynomials fits this a and η.
    enum TemmeBand {
        case smallA, mediumA, largeA, wideMediumA, wideLargeA
    }
}
