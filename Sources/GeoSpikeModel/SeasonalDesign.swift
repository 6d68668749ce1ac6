import Foundation

/// The columns of the log-linear seasonal model: which features a bucket's expected
/// count depends on, and how to build one design row.
///
/// ```
/// log E[count] = β₀
///              + Σₖ₌₁ᴷ (aₖ sin 2πk·h + bₖ cos 2πk·h)            weekday shape of the day
///              + weekend · Σₖ₌₁ᴸ (cₖ sin 2πk·h + dₖ cos 2πk·h)   how weekends differ
///              + Σ_d γ_d · [weekday = d]                          day-of-week level (Mon = 0)
/// ```
/// where `h` is the local time of the bucket's middle as a fraction of the day. Smooth
/// Fourier terms rather than 96 hour dummies: a country with a few events a day cannot
/// support 96 free parameters, and a smooth shape does not overfit one noisy Tuesday.
/// Smooth terms cannot follow what happens in one slot only: a backup at 02:00 that
/// sends 30 events where the hour around it sends one. So the design ends with
/// **slot effects**, one indicator per local slot for weekdays and one for weekends
/// (`slotsPerDay` each). They are not fitted by IRLS but estimated afterwards as
/// shrunken ratios of observed to smooth expected counts, so a slot moves away from the
/// smooth shape only on repeated evidence (see `SeasonalFitter`).
///
/// A row depends only on (local slot, weekday), so at most slots x 7 distinct rows exist:
/// fitting works on those cells rather than on every bucket.
public struct SeasonalDesign: Codable, Equatable, Sendable {
    /// Daily harmonics for the weekday shape (K).
    public var dailyHarmonics: Int
    /// Extra harmonics for the weekend difference (L); 0 = weekends share the weekday shape.
    public var weekendHarmonics: Int
    /// Whether each weekday has its own level.
    public var dayOfWeekEffects: Bool
    /// Slots per day with their own effect (weekday and weekend sets); 0 = none.
    public var slotsPerDay: Int

    public init(
        dailyHarmonics: Int = 6, weekendHarmonics: Int = 3, dayOfWeekEffects: Bool = true, slotsPerDay: Int = 0
    ) {
        self.dailyHarmonics = dailyHarmonics
        self.weekendHarmonics = weekendHarmonics
        self.dayOfWeekEffects = dayOfWeekEffects
        self.slotsPerDay = slotsPerDay
    }

    /// A design with only the intercept: a flat rate (for `--seasonality none`).
    public static let flat = SeasonalDesign(dailyHarmonics: 0, weekendHarmonics: 0, dayOfWeekEffects: false)

    /// Columns fitted by IRLS: intercept, harmonics, weekday levels.
    public var smoothColumnCount: Int {
        1 + 2 * dailyHarmonics + 2 * weekendHarmonics + (dayOfWeekEffects ? 6 : 0)
    }

    /// All columns: the smooth ones, then weekday slot effects, then weekend slot effects.
    public var columnCount: Int { smoothColumnCount + 2 * slotsPerDay }

    /// The slot-effect column (counted from the first slot column) of a local slot.
    public func slotEffectIndex(slot: Int, weekday: Int) -> Int {
        (weekday >= 5 ? slotsPerDay : 0) + slot
    }

    /// Column names, in order, as recorded in model files and `inspect` output.
    public var columnNames: [String] {
        var names = ["intercept"]
        for k in stride(from: 1, through: dailyHarmonics, by: 1) { names += ["day_sin\(k)", "day_cos\(k)"] }
        for k in stride(from: 1, through: weekendHarmonics, by: 1) { names += ["weekend_sin\(k)", "weekend_cos\(k)"] }
        if dayOfWeekEffects { names += ["tue", "wed", "thu", "fri", "sat", "sun"] }
        for block in ["weekday", "weekend"] {
            for slot in 0..<slotsPerDay {
                let minute = slot * 1440 / max(1, slotsPerDay)
                names.append(String(format: "%@_%02d%02d", block, minute / 60, minute % 60))
            }
        }
        return names
    }

    /// Fills `row` (length `columnCount`) for a bucket whose middle falls at `secondOfDay`
    /// local time on ISO `weekday` (0 = Monday).
    public func fillRow(_ row: inout [Double], secondOfDay: Double, weekday: Int) {
        precondition(row.count == columnCount)
        let phase = 2 * Double.pi * secondOfDay / 86400
        var c = 0
        row[c] = 1
        c += 1
        for k in stride(from: 1, through: dailyHarmonics, by: 1) {
            row[c] = sin(Double(k) * phase)
            row[c + 1] = cos(Double(k) * phase)
            c += 2
        }
        let weekend = weekday >= 5 ? 1.0 : 0.0
        for k in stride(from: 1, through: weekendHarmonics, by: 1) {
            row[c] = weekend * sin(Double(k) * phase)
            row[c + 1] = weekend * cos(Double(k) * phase)
            c += 2
        }
        if dayOfWeekEffects {
            for d in 1...6 { row[c + d - 1] = weekday == d ? 1 : 0 }
            c += 6
        }
        if slotsPerDay > 0 {
            for k in c..<row.count { row[k] = 0 }
            let slot = min(slotsPerDay - 1, Int(secondOfDay) * slotsPerDay / 86400)
            row[c + slotEffectIndex(slot: slot, weekday: weekday)] = 1
        }
    }

    public func row(secondOfDay: Double, weekday: Int) -> [Double] {
        var r = [Double](repeating: 0, count: columnCount)
        fillRow(&r, secondOfDay: secondOfDay, weekday: weekday)
        return r
    }
}
