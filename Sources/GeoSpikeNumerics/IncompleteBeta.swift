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
    /// b ≥ 10:          logGammaPrefix(a, x·c) + b·log1pmx(d/b) − ½·log1p(a/b)
    ///                  − stirlingCorrection(b) + stirlingCorrection(a + b),
    ///                  c = a + b,  d = a − x·c
    /// a ≥ 10 > b:      the same with (a, x, d) and (b, y, −d) exchanged
    /// ```
    /// The second form follows from Stirling's formula and `b·log(y·c/b) = b·log1pmx(v) + b·v`
    /// with `v = d/b`; as b → ∞ it tends to the Poisson prefix, which is how the negative
    /// binomial approaches the Poisson without cancellation. `d` is the distance of
    /// `x·(a + b)` from `a`: callers who know it exactly pass it (the negative binomial's is
    /// (k − μ)/(1 + αμ)); at a = 1e7 computing it from a rounded x costs 5e-10.
    static func logBetaPrefix(a: Double, b: Double, x: Double, y: Double, d: Double? = nil) -> Double {
        let d = d ?? -fma(x, a + b, -a)
        if b < 10 && a >= 10 { return logBetaPrefix(a: b, b: a, x: y, y: x, d: -d) }
        if b < 10 {
            let logBeta = logGamma(a) + logGamma(b) - logGamma(a + b)
            return a * log(x) + b * log(y) - logBeta
        }
        let c = a + b
        let v = d / b
        // Where v approaches −1 the ratio loses y's accuracy; y·c/b = 1 + v exactly.
        let tailOfB = v < -0.5 ? b * (log(y * c / b) - v) : b * log1pmx(v)
        // x·c, not a − d: the prefix needs x·c to relative accuracy, which a − d loses when x·c ≪ a.
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

    /// `y` must be `1 − x` and `d` must be `a − x·(a + b)`, as accurately as the caller knows them.
    init(x: Double, y: Double, a: Double, b: Double, d: Double? = nil) {
        let d = d ?? -fma(x, a + b, -a)
        if x == 0 {
            (logValue, isUpper) = (-.infinity, false)
        } else if y == 0 {
            (logValue, isUpper) = (-.infinity, true)
        } else if x * (a + b + 2) > a + 1 {
            (logValue, isUpper) = (BetaTail.lowerTail(x: y, y: x, a: b, b: a, d: -d), true)
        } else {
            (logValue, isUpper) = (BetaTail.lowerTail(x: x, y: y, a: a, b: b, d: d), false)
        }
    }

    /// log I_x(a, b) on the side x ≤ (a + 1)/(a + b + 2), by the method that is accurate there.
    static func lowerTail(x: Double, y: Double, a: Double, b: Double, d: Double) -> Double {
        // With a large and b small the continued fraction's steps cancel to about
        // ε·a/(a·y + 1 − b): 3e-10 at a = 1e7 near x = 1, and worse as a → ∞ (the negative
        // binomial's size r = 1/α). BGRAT has no such cancellation; it converges fast for
        // b ≤ 1, for b < 40 after stepping b down, and whenever b³ ≤ a² (terms shrink
        // like b³/(4a²)).
        if a >= 15 && y < 0.3 {
            if b <= 1 || b * b * b <= a * a { return largeAExpansion(x: x, y: y, a: a, b: b) }
            if b < 40 { return steppedDownInB(x: x, y: y, a: a, b: b, d: d) }
        }
        return continuedFraction(x: x, y: y, a: a, b: b, d: d)
    }

    /// log I_x(a, b) for 1 < b < 40 from I_x(a, b − n) with b − n in (0, 1].
    ///
    /// ```
    /// I_x(a, b) = I_x(a, b̄) + Σ_{i=0}^{n−1} xᵃ y^{b̄+i} / ((b̄ + i)·B(a, b̄ + i)),   b̄ = b − n
    /// term_{i+1} / term_i = y·(a + b̄ + i)/(b̄ + i + 1)
    /// ```
    /// Every term is positive, so the sum keeps the relative accuracy of its parts; it is
    /// accumulated in log space because the terms grow like (a·y)ⁱ.
    static func steppedDownInB(x: Double, y: Double, a: Double, b: Double, d: Double) -> Double {
        let steps = Int(b.rounded(.up)) - 1
        let bBar = b - Double(steps)
        var logSum = largeAExpansion(x: x, y: y, a: a, b: bBar)
        // d for (a, b̄) is a − x·(a + b̄) = d + x·(b − b̄).
        let dBar = d + x * Double(steps)
        var logTerm = SpecialFunctions.logBetaPrefix(a: a, b: bBar, x: x, y: y, d: dBar) - log(bBar)
        let logY = log(y)
        for i in 0..<steps {
            let high = max(logSum, logTerm)
            logSum = high + log(exp(logSum - high) + exp(logTerm - high))
            let shape = bBar + Double(i)
            logTerm += logY + log((a + shape) / (shape + 1))
        }
        return logSum
    }

    /// log I_x(a, b) for large a: DiDonato & Morris's BGRAT (their eq. 9).
    ///
    /// ```
    /// T = a + (b − 1)/2,  u = −T·log x,  H = uᵇ e⁻ᵘ / Γ(b)
    /// I_x(a, b) = H · Γ(a + b)/Γ(a) · T⁻ᵇ · Σₙ pₙ Jₙ
    ///           = Q(b, u) · Γ(a + b)/(Γ(a)·Tᵇ) · Σₙ pₙ Jₙ/J₀
    /// J₀ = Q(b, u)/H,  Jₙ = ((b+2n−2)(b+2n−1)·Jₙ₋₁ + (u + b + 2n − 1)·(log x / 2)²⁽ⁿ⁻¹⁾) / (4T²)
    /// p₀ = 1,  pₙ = (b − 1)/(2n + 1)! + (1/n)·Σ_{m=1}^{n−1} (m·b − n)·pₙ₋ₘ/(2m + 1)!
    /// ```
    /// (DiDonato & Morris, ACM TOMS 18, 1992, Algorithm 708; the form Boost.Math uses.)
    /// The leading term is the gamma tail Q(b, u), so relative accuracy carries over from
    /// `GammaTail`; the sum is carried relative to J₀, which can overflow on its own when
    /// u ≪ b, and everything outside it stays in logs.
    static func largeAExpansion(x: Double, y: Double, a: Double, b: Double) -> Double {
        let t = a + (b - 1) / 2
        let logX = log1p(-y)
        let u = -t * logX
        let logH = SpecialFunctions.logGammaPrefix(b, u)
        let gammaTail = GammaTail(a: b, x: u, logPrefix: logH)
        let logQ = gammaTail.isUpper ? gammaTail.logValue : SpecialFunctions.log1mexp(gammaTail.logValue)
        // Jₙ/J₀; the inhomogeneous term enters as w·H/Q.
        let inverseJ0 = exp(logH - logQ)
        let sum = withUnsafeTemporaryAllocation(of: Double.self, capacity: inverseOddFactorials.count) { p in
            var ratio = 1.0
            var sum = 1.0
            p[0] = 1
            let halfLogXSquared = (logX / 2) * (logX / 2)
            let fourTSquared = 4 * t * t
            var b2n = b
            var logXPower = 1.0
            for n in 1..<p.count {
                var pn = 0.0
                for m in 1..<max(1, n) {
                    pn += (Double(m) * b - Double(n)) * p[n - m] * inverseOddFactorials[m]
                }
                pn = pn / Double(n) + (b - 1) * inverseOddFactorials[n]
                p[n] = pn
                ratio = (b2n * (b2n + 1) * ratio + (u + b2n + 1) * logXPower * inverseJ0) / fourTSquared
                logXPower *= halfLogXSquared
                b2n += 2
                let term = pn * ratio
                sum += term
                if abs(term) <= SpecialFunctions.epsilon * abs(sum) { break }
            }
            return sum
        }
        return logQ + logGammaRatio(a, b) - b * log(t) + log(sum)
    }

    /// log(Γ(a + b)/Γ(a)) for a ≥ 10 without subtracting two log Γ values of size a·log a.
    ///
    /// ```
    /// log(Γ(a + b)/Γ(a)) = (a − ½)·log1p(b/a) + b·log(a + b) − b
    ///                      + stirlingCorrection(a + b) − stirlingCorrection(a)
    /// ```
    static func logGammaRatio(_ a: Double, _ b: Double) -> Double {
        let c = a + b
        return (a - 0.5) * log1p(b / a) + b * log(c) - b
            + SpecialFunctions.stirlingCorrection(c) - SpecialFunctions.stirlingCorrection(a)
    }

    /// 1/(2m + 1)! for m = 0…29, the coefficients of BGRAT's pₙ recursion.
    static let inverseOddFactorials: [Double] = {
        var values = [Double]()
        var factorial = 1.0
        for m in 0..<30 {
            if m > 0 { factorial *= Double(2 * m) * Double(2 * m + 1) }
            values.append(1 / factorial)
        }
        return values
    }()

    /// log I_x(a, b) from the continued fraction, for x ≤ (a + 1)/(a + b + 2).
    ///
    /// ```
    /// I_x(a, b) = xᵃ yᵇ / (a·B(a, b)) · 1/(1 + d₁/(1 + d₂/(1 + …)))
    /// d₂ₘ₊₁ = −(a + m)(a + b + m)·x / ((a + 2m)(a + 2m + 1))
    /// d₂ₘ   = m(b − m)·x / ((a + 2m − 1)(a + 2m))
    /// ```
    static func continuedFraction(x: Double, y: Double, a: Double, b: Double, d excess: Double) -> Double {
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
        return SpecialFunctions.logBetaPrefix(a: a, b: b, x: x, y: y, d: excess) - log(a) + log(h)
    }
}
