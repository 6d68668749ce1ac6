#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension SpecialFunctions {
    /// `log(1 + x) − x`, accurate to a few ulps near zero where the difference cancels.
    ///
    /// ```
    /// log1pmx(x) = log(1 + x) − x
    ///            = −s·x + 2·(s³/3 + s⁵/5 + s⁷/7 + …),   s = x / (2 + x)
    /// ```
    /// The series (from `log(1+x) = 2·atanh(s)`) is used for −0.3 ≤ x ≤ 0.4, where
    /// s² ≤ 0.031 and no term cancels; elsewhere `log1p(x) − x` loses at most a few bits.
    /// Relative error ≤ 1e-15 for x > −1; −∞ at x = −1; NaN below −1.
    ///
    /// This is the quantity that makes the incomplete gamma and beta prefixes stable:
    /// `a·log(x/a) − (x − a) = a·log1pmx((x − a)/a)` for `a` in the millions.
    public static func log1pmx(_ x: Double) -> Double {
        guard x >= -0.3, x <= 0.4 else { return log1p(x) - x }
        let s = x / (2 + x)
        let s2 = s * s
        // Horner in s² of 1/3 + s²/5 + s⁴/7 + …; 12 terms reach 0.031¹² < 1e-18.
        var sum = 1.0 / 25
        var k = 23.0
        while k >= 3 {
            sum = sum * s2 + 1 / k
            k -= 2
        }
        return -s * x + 2 * s * s2 * sum
    }
}
