import Foundation
import GeoSpikeIngest
import GeoSpikeModel

/// A numeric axis: its title (with unit), range, scale and labelled ticks.
public struct ChartAxis: Sendable {
    public enum Scale: Sendable { case linear, log10 }

    public struct Tick: Sendable, Equatable {
        public var value: Double
        public var label: String

        public init(value: Double, label: String) {
            self.value = value
            self.label = label
        }
    }

    /// Title including the unit, e.g. "events per 15 min".
    public var title: String
    public var lower: Double
    public var upper: Double
    public var scale: Scale
    public var ticks: [Tick]

    /// An axis over `lower...upper`; ticks are round numbers (decades on a log scale)
    /// unless given.
    public init(title: String, lower: Double, upper: Double, scale: Scale = .linear, ticks: [Tick]? = nil) {
        var lower = lower
        var upper = upper
        if scale == .log10 {
            lower = max(lower, 1e-12)
            upper = max(upper, lower * 10)
        }
        if !(upper > lower) { upper = lower + 1 }
        self.title = title
        self.lower = lower
        self.upper = upper
        self.scale = scale
        self.ticks = ticks ?? (scale == .linear ? Self.linearTicks(lower, upper) : Self.decadeTicks(lower, upper))
    }

    /// Position of `value` along the axis, 0 at `lower` and 1 at `upper`, clamped.
    public func fraction(_ value: Double) -> Double {
        let f: Double
        switch scale {
        case .linear: f = (value - lower) / (upper - lower)
        case .log10: f = (log10(max(value, lower)) - log10(lower)) / (log10(upper) - log10(lower))
        }
        return f.isFinite ? min(1, max(0, f)) : 0
    }

    /// About six round ticks: steps of 1, 2, 2.5 or 5 times a power of ten.
    static func linearTicks(_ lower: Double, _ upper: Double) -> [Tick] {
        let rough = (upper - lower) / 6
        let power = pow(10, floor(log10(rough)))
        let step = [1, 2, 2.5, 5, 10].map { $0 * power }.first { $0 >= rough } ?? 10 * power
        let decimals = max(0, -Int(floor(log10(step) + 1e-9)) + (step / power == 2.5 ? 1 : 0))
        var ticks: [Tick] = []
        var v = (lower / step).rounded(.up) * step
        while v <= upper + step * 1e-9 {
            ticks.append(Tick(value: v, label: FixedFormat.decimal(v, decimals)))
            v += step
        }
        return ticks
    }

    /// One tick per power of ten in range; over less than two decades also 2 and 5 times
    /// each power, so that a short log axis still has several labels.
    static func decadeTicks(_ lower: Double, _ upper: Double) -> [Tick] {
        let first = Int(floor(log10(lower) + 1e-9))
        let last = Int(floor(log10(upper) + 1e-9))
        let multiples: [Double] = last - first < 2 ? [1, 2, 5] : [1]
        let stride = (last - first) / 7 + 1
        var ticks: [Tick] = []
        for k in Swift.stride(from: first, through: last, by: stride) {
            for m in multiples {
                let v = m * pow(10, Double(k))
                guard v >= lower * (1 - 1e-9), v <= upper * (1 + 1e-9) else { continue }
                let label = (-3...4).contains(k) ? FixedFormat.decimal(v, max(0, -k)) : (m == 1 ? "1e\(k)" : "\(Int(m))e\(k)")
                ticks.append(Tick(value: v, label: label))
            }
        }
        return ticks
    }

    /// A time axis over bucket starts: ticks at local midnights (labelled with the local
    /// weekday and date) or, over two days or less, every six local hours.
    public static func time(from start: Int64, to end: Int64, clock: LocalClock, title: String) -> ChartAxis {
        let days = Double(end - start) / 86400
        let stepHours = days <= 2 ? 6 : (days <= 10 ? 24 : 24 * Int((days / 8).rounded(.up)))
        var ticks: [Tick] = []
        // Walk whole local hours; DST shifts make fixed UTC strides drift off midnight.
        var t = start - ((start % 3600) + 3600) % 3600
        let names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        var lastDay: Int64 = .min
        while t <= end {
            let p = clock.position(of: t)
            if p.secondOfDay % 3600 == 0, p.secondOfDay / 3600 % min(stepHours, 24) == 0, t >= start {
                let localDay = (t + Int64(clock.offset(at: t))) / 86400
                let isMidnight = p.secondOfDay == 0
                if stepHours <= 24 || (isMidnight && (localDay - lastDay) >= Int64(stepHours / 24)) {
                    let date = String(
                        Timestamp.iso8601(t + Int64(clock.offset(at: t))).dropFirst(5).prefix(5))
                    let label = isMidnight ? "\(names[p.weekday]) \(date)" : FixedFormat.clock(secondOfDay: p.secondOfDay)
                    ticks.append(Tick(value: Double(t), label: label))
                    if isMidnight { lastDay = localDay }
                }
            }
            t += 3600
        }
        return ChartAxis(title: title, lower: Double(start), upper: Double(end), ticks: ticks)
    }
}
