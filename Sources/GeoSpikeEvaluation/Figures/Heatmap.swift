import Foundation

/// A grid of values (rows × columns) coloured on a sequential scale, with the value
/// printed in each cell, axis titles and a colour bar with its unit.
public struct Heatmap: Sendable {
    public var title: String
    public var rowTitle: String
    public var columnTitle: String
    public var rowLabels: [String]
    public var columnLabels: [String]
    /// `values[row][column]`; nil cells are drawn grey with "–".
    public var values: [[Double?]]
    /// Title of the colour bar, with the unit.
    public var valueTitle: String
    public var logScale = true

    public init(
        title: String, rowTitle: String, columnTitle: String, rowLabels: [String], columnLabels: [String],
        values: [[Double?]], valueTitle: String
    ) {
        self.title = title
        self.rowTitle = rowTitle
        self.columnTitle = columnTitle
        self.rowLabels = rowLabels
        self.columnLabels = columnLabels
        self.values = values
        self.valueTitle = valueTitle
    }

    /// Viridis at five stops: dark (small) to light (large), readable in grey and by the
    /// colour blind.
    static let stops: [(Double, Double, Double)] = [
        (68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (253, 231, 37),
    ]

    static func colour(_ t: Double) -> String {
        let x = min(1, max(0, t)) * Double(stops.count - 1)
        let k = min(stops.count - 2, Int(x))
        let f = x - Double(k)
        let (a, b) = (stops[k], stops[k + 1])
        let rgb = [a.0 + (b.0 - a.0) * f, a.1 + (b.1 - a.1) * f, a.2 + (b.2 - a.2) * f]
        return "#" + rgb.map { String(format: "%02x", Int($0.rounded())) }.joined()
    }

    public var svg: String {
        let cell = 26.0
        let rowHeight = 18.0
        let left = 92.0
        let top = 64.0
        let plotWidth = cell * Double(columnLabels.count)
        let plotHeight = rowHeight * Double(rowLabels.count)
        let width = left + plotWidth + 110
        let height = top + plotHeight + 56
        var svg = SVGWriter(width: width, height: height)
        svg.text(title, x: width / 2, y: 22, size: 15, anchor: .middle, bold: true)

        let finite = values.flatMap { $0 }.compactMap { $0 }.filter { $0.isFinite && (!logScale || $0 > 0) }
        let low = finite.min() ?? 1
        let high = max(finite.max() ?? 1, low * (logScale ? 10 : 1) + (logScale ? 0 : 1))
        func t(_ v: Double) -> Double {
            logScale ? (log10(v) - log10(low)) / (log10(high) - log10(low)) : (v - low) / (high - low)
        }
        for (c, label) in columnLabels.enumerated() {
            svg.text(label, x: left + (Double(c) + 0.5) * cell, y: top - 6, size: 10, anchor: .middle)
        }
        svg.text(columnTitle, x: left + plotWidth / 2, y: 44, size: 12, anchor: .middle)
        svg.text(rowTitle, x: 16, y: top + plotHeight / 2, size: 12, anchor: .middle, rotate: -90)
        for (r, label) in rowLabels.enumerated() {
            let y = top + Double(r) * rowHeight
            svg.text(label, x: left - 6, y: y + rowHeight / 2 + 4, size: 10, anchor: .end)
            for c in columnLabels.indices {
                let x = left + Double(c) * cell
                let value = r < values.count && c < values[r].count ? values[r][c] : nil
                if let v = value, v.isFinite, !logScale || v > 0 {
                    let position = t(v)
                    svg.rect(x: x, y: y, width: cell, height: rowHeight, fill: Self.colour(position), stroke: "#ffffff")
                    svg.text(
                        FixedFormat.significantShort(v), x: x + cell / 2, y: y + rowHeight / 2 + 3.5, size: 8.5,
                        anchor: .middle, fill: position > 0.6 ? "#111111" : "#ffffff")
                } else {
                    svg.rect(x: x, y: y, width: cell, height: rowHeight, fill: "#dddddd", stroke: "#ffffff")
                    svg.text("–", x: x + cell / 2, y: y + rowHeight / 2 + 3.5, size: 9, anchor: .middle, fill: "#666666")
                }
            }
        }
        // Colour bar.
        let barX = left + plotWidth + 24
        let steps = 40
        for k in 0..<steps {
            let f = Double(k) / Double(steps - 1)
            svg.rect(
                x: barX, y: top + plotHeight * (1 - Double(k + 1) / Double(steps)), width: 14,
                height: plotHeight / Double(steps) + 0.5, fill: Self.colour(f))
        }
        let axis = ChartAxis(title: valueTitle, lower: low, upper: high, scale: logScale ? .log10 : .linear)
        for tick in axis.ticks {
            let y = top + plotHeight * (1 - axis.fraction(tick.value))
            svg.line(x1: barX + 14, y1: y, x2: barX + 18, y2: y, stroke: "#444444")
            svg.text(tick.label, x: barX + 21, y: y + 4, size: 10)
        }
        svg.text(valueTitle, x: barX + 80, y: top + plotHeight / 2, size: 11, anchor: .middle, rotate: -90)
        return svg.document
    }
}
