import Foundation

/// Numbers written the same way on every run and machine, for tables, reports and figures.
///
/// Notebooks are compared byte for byte with a fresh regeneration, so every number that
/// reaches a file goes through a fixed-precision `printf` format, never through
/// locale-dependent or shortest-representation printing.
public enum FixedFormat {
    /// `value` with exactly `digits` decimals; non-finite values as `-`.
    public static func decimal(_ value: Double, _ digits: Int) -> String {
        guard value.isFinite else { return "-" }
        let text = String(format: "%.\(digits)f", value)
        // "-0.00" reads as a sign error in a table of rates.
        return text.hasPrefix("-") && Double(text) == 0 ? String(text.dropFirst()) : text
    }

    /// A percentage with `digits` decimals, e.g. `97.5%`.
    public static func percent(_ fraction: Double, _ digits: Int = 1) -> String {
        guard fraction.isFinite else { return "-" }
        return decimal(100 * fraction, digits) + "%"
    }

    /// Three significant digits in plain or scientific notation, whichever a reader expects
    /// for the magnitude (`0.0312`, `1.2e-05`, `4210`).
    public static func significant(_ value: Double) -> String {
        guard value.isFinite else { return "-" }
        if value == 0 { return "0" }
        let magnitude = abs(value)
        if magnitude >= 1e-3 && magnitude < 1e5 {
            let decimals = max(0, 2 - Int(floor(log10(magnitude))))
            return decimal(value, decimals)
        }
        return String(format: "%.2e", value)
    }

    /// Local clock time `HH:MM` of seconds since local midnight.
    public static func clock(secondOfDay: Int) -> String {
        String(format: "%02d:%02d", secondOfDay / 3600, secondOfDay % 3600 / 60)
    }
}

extension FixedFormat {
    /// At most four characters for a heatmap cell: `7`, `42`, `310`, `2.5k`, `41k`, `1.2M`.
    public static func significantShort(_ value: Double) -> String {
        let v = abs(value)
        if v < 10 && v != v.rounded() { return decimal(value, 1) }
        if v < 1000 { return decimal(value, 0) }
        if v < 10_000 { return decimal(value / 1000, 1) + "k" }
        if v < 1_000_000 { return decimal(value / 1000, 0) + "k" }
        return decimal(value / 1_000_000, 1) + "M"
    }
}
