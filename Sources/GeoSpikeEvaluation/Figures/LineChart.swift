/// A chart of series over two numeric axes: lines, dashed predictions, steps, shaded
/// bands, bars and dots, with ticks, axis titles (units) and a legend.
///
/// Covers every figure of a report but the heatmap: observed counts in their expected
/// band, alerts per day against the threshold, ROC and precision–recall curves, and
/// calibration (observed against expected exceedances, with the diagonal).
public struct LineChart: Sendable {
    public var title: String
    public var x: ChartAxis
    public var y: ChartAxis
    public var series: [ChartSeries]
    /// Draws the line y = x (for ROC and calibration plots).
    public var diagonal = false
    /// Vertical markers: (x, label), e.g. the alert threshold.
    public var markers: [(x: Double, label: String)] = []
    public var width: Double = 760
    public var height: Double = 400

    public init(title: String, x: ChartAxis, y: ChartAxis, series: [ChartSeries]) {
        self.title = title
        self.x = x
        self.y = y
        self.series = series
    }

    static let left = 78.0
    static let right = 24.0
    static let top = 58.0
    static let bottom = 62.0

    public var svg: String {
        var svg = SVGWriter(width: width, height: height)
        let plotWidth = width - Self.left - Self.right
        let plotHeight = height - Self.top - Self.bottom
        func px(_ v: Double) -> Double { Self.left + x.fraction(v) * plotWidth }
        func py(_ v: Double) -> Double { Self.top + (1 - y.fraction(v)) * plotHeight }

        svg.text(title, x: width / 2, y: 22, size: 15, anchor: .middle, bold: true)
        // Grid and ticks.
        for tick in y.ticks where tick.value >= y.lower && tick.value <= y.upper {
            let yy = py(tick.value)
            svg.line(x1: Self.left, y1: yy, x2: Self.left + plotWidth, y2: yy, stroke: "#e4e4e4")
            svg.line(x1: Self.left - 5, y1: yy, x2: Self.left, y2: yy, stroke: "#444444")
            svg.text(tick.label, x: Self.left - 8, y: yy + 4, size: 11, anchor: .end)
        }
        for tick in x.ticks where tick.value >= x.lower && tick.value <= x.upper {
            let xx = px(tick.value)
            svg.line(x1: xx, y1: Self.top, x2: xx, y2: Self.top + plotHeight, stroke: "#eeeeee")
            svg.line(x1: xx, y1: Self.top + plotHeight, x2: xx, y2: Self.top + plotHeight + 5, stroke: "#444444")
            svg.text(tick.label, x: xx, y: Self.top + plotHeight + 19, size: 11, anchor: .middle)
        }
        svg.text(x.title, x: Self.left + plotWidth / 2, y: height - 14, size: 12, anchor: .middle)
        svg.text(y.title, x: 18, y: Self.top + plotHeight / 2, size: 12, anchor: .middle, rotate: -90)

        if diagonal {
            let lo = max(x.lower, y.lower)
            let hi = min(x.upper, y.upper)
            if hi > lo {
                svg.line(x1: px(lo), y1: py(lo), x2: px(hi), y2: py(hi), stroke: "#888888", dash: "4 4")
            }
        }
        for s in series {
            let points = zip(s.xs, s.ys).filter { $0.0.isFinite && $0.1.isFinite }.map { (px($0.0), py($0.1)) }
            switch s.style {
            case .line: svg.polyline(points, stroke: s.color)
            case .dashed: svg.polyline(points, stroke: s.color, dash: "6 4")
            case .step:
                var stairs: [(Double, Double)] = []
                for (k, p) in points.enumerated() {
                    if k > 0 { stairs.append((p.0, stairs[stairs.count - 1].1)) }
                    stairs.append(p)
                }
                svg.polyline(stairs, stroke: s.color)
            case .band(let upper):
                let top = zip(s.xs, upper).map { (px($0.0), py($0.1)) }
                svg.polygon(top + points.reversed(), fill: s.color, opacity: 0.22)
            case .bars(let barWidth):
                let w = max(1, plotWidth * barWidth / (x.upper - x.lower) * 0.85)
                let base = py(y.scale == .log10 ? y.lower : max(y.lower, 0))
                for p in points { svg.rect(x: p.0 - w / 2, y: min(p.1, base), width: w, height: abs(base - p.1), fill: s.color) }
            case .points:
                for p in points { svg.circle(x: p.0, y: p.1, r: 3, fill: s.color) }
            }
        }
        for marker in markers where marker.x >= x.lower && marker.x <= x.upper {
            let xx = px(marker.x)
            svg.line(x1: xx, y1: Self.top, x2: xx, y2: Self.top + plotHeight, stroke: "#B00020", dash: "3 3")
            svg.text(marker.label, x: xx + 4, y: Self.top + 12, size: 11, fill: "#B00020")
        }
        // Frame last, over the data.
        svg.rect(x: Self.left, y: Self.top, width: plotWidth, height: plotHeight, fill: "none", stroke: "#444444")
        legend(&svg)
        return svg.document
    }

    /// Legend entries in one row under the title.
    private func legend(_ svg: inout SVGWriter) {
        var xx = Self.left
        let yy = 42.0
        for s in series {
            switch s.style {
            case .band: svg.rect(x: xx, y: yy - 8, width: 18, height: 10, fill: s.color, opacity: 0.22)
            case .bars: svg.rect(x: xx, y: yy - 8, width: 18, height: 10, fill: s.color)
            case .points: svg.circle(x: xx + 9, y: yy - 3, r: 3, fill: s.color)
            case .dashed: svg.line(x1: xx, y1: yy - 3, x2: xx + 18, y2: yy - 3, stroke: s.color, width: 2, dash: "6 4")
            case .line, .step: svg.line(x1: xx, y1: yy - 3, x2: xx + 18, y2: yy - 3, stroke: s.color, width: 2)
            }
            svg.text(s.name, x: xx + 23, y: yy + 1, size: 11)
            // Width of the label at about 6.3 px per character of 11 px text.
            xx += 23 + Double(s.name.count) * 6.3 + 16
        }
        if diagonal {
            svg.line(x1: xx, y1: yy - 3, x2: xx + 18, y2: yy - 3, stroke: "#888888", dash: "4 4")
            svg.text("y = x", x: xx + 23, y: yy + 1, size: 11)
        }
    }
}
