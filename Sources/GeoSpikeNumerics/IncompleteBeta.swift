#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension SpecialFunctions {
    /// The regularized incomplete beta function I_x(a, b), for a, b > 0 and 0 ≤ x ≤ 1.
    ///
    /// ```
    /// I_x(a, b) = 1/B(a, b) · ∫₀ˣ tᵃ⁻¹ (1 − t)ᵇ⁻¹ dt
    /// ```
    /// For negative binomial counts with size r and success probability p,
    /// P(N ≥ k) = I_{1−p}(k, r). Relative error ≤ 1e-10 where the value is ≥ 1e-100;
    /// underflows to 0 below about 1e-308 (use `logRegularizedBeta`). NaN outside the domain.
    public static func regularizedBeta(_ x: Double, a: Double, b: Double) -> Double {
        exp(logRegularizedBeta(x, a: a, b: b))
    }

    /// log I_x(a, b), finite far below the smallest double.
    ///
    /// ```
    /// I_x(a, b) = xᵃ (1 − x)ᵇ / (a·B(a, b)) · CF(x; a, b)        (x ≤ (a + 1)/(a + b + 2))
    /// I_x(a, b) = 1 − I_{1−x}(b, a)                                (otherwise)
    /// ```
    /// CF is the continued fraction of Numerical Recipes §6.4 (DiDonato & Morris's BFRAC),
    /// evaluated by the modified Lentz method; the symmetry switch keeps it on the side
    /// where it converges fast. The prefix is computed in log space through `log1pmx`
    /// and Stirling corrections, so it stays accurate when a and b are in the millions.
    /// Absolute error ≤ 1e-8·max(1, |log I|); relative error ≤ 1e-10 where |log I| ≤ 230.
    public static func logRegularizedBeta(_ x: Double, a: Double, b: Double) -> Double {
        guard a > 0, b > 0, a.isFinite, b.isFinite, x >= 0, x <= 1 else { return .nan }
        let tail = BetaTail(x: x, y: 1 - x, a: a, b: b)
        return tail.isUpper ? log1mexp(tail.logValue) : tail.logValue
    }

    /// The log of the incomplete beta prefix `xᵃ yᵇ / B(a, b)` with `y = 1 − x`.
    ///
    /// ```
    /// both a, b < 10:  a·log x + b·log y − log B(a, b)
    /// b ≥ 10:          logGammaPrefix(a, x·c) + b·log1pmx(v) − ½·log1p(a/b)
    ///                  − stirlingCorrection(b) + stirlingCorrection(c),
    ///                  c = a + b,  v = (a − x·c)/b
    /// a ≥ 10 > b:      the same with (a, x) and (b, y) exchanged
    /// ```
    /// The second form follows from Stirling's formula and `b·log(y·c/b) = b·log1pmx(v) + b·v`;
    /// as b → ∞ it tends to the Poisson prefix, which is how the negative binomial tail
    /// approaches the Poisson tail without cancellation. `x` and `y` are passed separately
    /// so that callers who know both accurately (the negative binomial does) lose nothing.
    static func logBetaPrefix(a: Double, b: Double, x: Double, y: Double) -> Double {
        if b < 10 && a >= 10 { return logBetaPrefix(a: b, b: a, x: y, y: x) }
        if b < 10 {
            let logBeta = logGamma(a) + logGamma(b) - logGamma(a + b)
            return a * log(x) + b * log(y) - logBeta
        }
        let c = a + b
        let v = -fma(x, c, -a) / b
        // Where v approaches −1 the subtraction loses y's accuracy; y·c/b = 1 + v exactly.
        let tailOfB = v < -0.5 ? b * (log(y * c / b) - v) : b * log1pmx(v)
        return logGammaPrefix(a, x * c) + tailOfB - 0.5 * log1p(a / b)
            - stirlingCorrection(b) + stirlingCorrection(c)
    }
}

/// One tail of the regularized incomplete beta function, in log space.
///
/// The continued fraction gives `I_x(a, b)` on the side `x ≤ (a+1)/(a+b+2)` and
/// `I_y(b, a) = 1 − I_x(a, b)` on the other; `isUpper` says which one `logValue` is.
struct BetaTail {
    /// The log of the tail that was computed.
    let logValue: Double
    /// Whether that tail is `1 − I_x(a, b)` rather than `I_x(a, b)`.
    let isUpper: Bool

    /// `y` must be `1 − x`, as accurately as the caller knows it.
    init(x: Double, y: Double, a: Double, b: Double) {
        if x == 0 {
            (logValue, isUpper) = (-.infinity, false)
        } else if y == 0 {
            (logValue, isUpper) = (-.infinity, true)
        } else if x * (a + b + 2) > a + 1 {
            (logValue, isUpper) = (BetaTail.continuedFraction(x: y, y: x, a: b, b: a), true)
        } else {
            (logValue, isUpper) = (BetaTail.continuedFraction(x: x, y: y, a: a, b: b), false)
        }
    }

    /// log I_x(a, b) from the continued fraction, for x ≤ (a + 1)/(a + b + 2).
    ///
    /// ```
    /// I_x(a, b) = xᵃ yᵇ / (a·B(a, b)) · 1/(1 + d₁/(1 + d₂/(1 + …)))
    /// d₂ₘ₊₁ = −(a + m)(a + b + m)·x / ((a + 2m)(a + 2m + 1))
    /// d₂ₘ   = m(b − m)·x / ((a + 2m − 1)(a + 2m))
    /// ```
    static func continuedFraction(x: Double, y: Double, a: Double, b: Double) -> Double {
        let tiny = 1e-300
        let sum = a + b
        var c = 1.0
        // 1 − (a + b)·x/(a + 1), rearranged to use y: near x = 1 the plain form cancels.
        var d = ((a * y + 1) - b * x) / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        let limit = 200 + Int(10 * max(a, b).squareRoot())
        var m = 1.0
        for _ in 0..<limit {
            let m2 = 2 * m
            var aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            aa = -(a + m) * (sum + m) * x / ((a + m2) * (a + m2 + 1))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) <= SpecialFunctions.epsilon { break }
            m += 1
        }
        return SpecialFunctions.logBetaPrefix(a: a, b: b, x: x, y: y) - log(a) + log(h)
    }
}
