/// One data series of a chart and how it is drawn.
public struct ChartSeries: Sendable {
    public enum Style: Sendable {
        /// A solid line through the points.
        case line
        /// A dashed line (predictions, reference levels).
        case dashed
        /// A staircase: each value holds until the next x.
        case step
        /// A shaded band between `ys` (lower) and `upper`.
        case band(upper: [Double])
        /// Vertical bars centred on each x, `width` in x units.
        case bars(width: Double)
        /// Dots.
        case points
    }

    /// The legend entry.
    public var name: String
    public var color: String
    public var xs: [Double]
    public var ys: [Double]
    public var style: Style

    public init(name: String, color: String, xs: [Double], ys: [Double], style: Style = .line) {
        self.name = name
        self.color = color
        self.xs = xs
        self.ys = ys
        self.style = style
    }

    /// A colour-blind-safe palette (Okabe–Ito), in the order series usually need it.
    public static let palette = ["#0072B2", "#D55E00", "#009E73", "#E69F00", "#CC79A7", "#56B4E9", "#000000"]
}
