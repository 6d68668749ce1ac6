import Foundation

/// Builds an SVG document as text, with coordinates in fixed precision so that the same
/// figure is the same bytes on every run (notebooks are compared byte for byte).
public struct SVGWriter: Sendable {
    public let width: Double
    public let height: Double
    private var body: [String] = []

    public init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    /// A coordinate or length: one decimal.
    public static func n(_ v: Double) -> String { FixedFormat.decimal(v, 1) }

    /// Text escaped for XML character data and attribute values.
    public static func escaped(_ text: String) -> String {
        var out = ""
        for ch in text {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(ch)
            }
        }
        return out
    }

    public mutating func raw(_ element: String) { body.append(element) }

    public mutating func rect(x: Double, y: Double, width w: Double, height h: Double, fill: String, stroke: String? = nil, opacity: Double? = nil) {
        var e = "<rect x=\"\(Self.n(x))\" y=\"\(Self.n(y))\" width=\"\(Self.n(max(0, w)))\" height=\"\(Self.n(max(0, h)))\" fill=\"\(fill)\""
        if let stroke { e += " stroke=\"\(stroke)\" stroke-width=\"1\"" }
        if let opacity { e += " fill-opacity=\"\(FixedFormat.decimal(opacity, 2))\"" }
        body.append(e + "/>")
    }

    public mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String, width w: Double = 1, dash: String? = nil) {
        var e = "<line x1=\"\(Self.n(x1))\" y1=\"\(Self.n(y1))\" x2=\"\(Self.n(x2))\" y2=\"\(Self.n(y2))\" stroke=\"\(stroke)\" stroke-width=\"\(Self.n(w))\""
        if let dash { e += " stroke-dasharray=\"\(dash)\"" }
        body.append(e + "/>")
    }

    /// An open polyline through `points`.
    public mutating func polyline(_ points: [(Double, Double)], stroke: String, width w: Double = 1.5, dash: String? = nil) {
        guard points.count > 1 else { return }
        var e = "<polyline fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"\(Self.n(w))\" stroke-linejoin=\"round\""
        if let dash { e += " stroke-dasharray=\"\(dash)\"" }
        e += " points=\"" + points.map { Self.n($0.0) + "," + Self.n($0.1) }.joined(separator: " ") + "\"/>"
        body.append(e)
    }

    /// A closed, filled polygon.
    public mutating func polygon(_ points: [(Double, Double)], fill: String, opacity: Double) {
        guard points.count > 2 else { return }
        body.append(
            "<polygon fill=\"\(fill)\" fill-opacity=\"\(FixedFormat.decimal(opacity, 2))\" stroke=\"none\" points=\""
                + points.map { Self.n($0.0) + "," + Self.n($0.1) }.joined(separator: " ") + "\"/>")
    }

    public mutating func circle(x: Double, y: Double, r: Double, fill: String) {
        body.append("<circle cx=\"\(Self.n(x))\" cy=\"\(Self.n(y))\" r=\"\(Self.n(r))\" fill=\"\(fill)\"/>")
    }

    public enum Anchor: String { case start, middle, end }

    public mutating func text(
        _ content: String, x: Double, y: Double, size: Double = 12, anchor: Anchor = .start, fill: String = "#222222",
        bold: Bool = false, rotate: Double? = nil
    ) {
        var e = "<text x=\"\(Self.n(x))\" y=\"\(Self.n(y))\" font-size=\"\(Self.n(size))\" text-anchor=\"\(anchor.rawValue)\" fill=\"\(fill)\""
        if bold { e += " font-weight=\"bold\"" }
        if let rotate { e += " transform=\"rotate(\(Self.n(rotate)) \(Self.n(x)) \(Self.n(y)))\"" }
        body.append(e + ">" + Self.escaped(content) + "</text>")
    }

    /// The complete document, with a white background and a sans-serif default font.
    public var document: String {
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Self.n(width))\" height=\"\(Self.n(height))\" viewBox=\"0 0 \(Self.n(width)) \(Self.n(height))\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">\n"
        out += "<rect x=\"0\" y=\"0\" width=\"\(Self.n(width))\" height=\"\(Self.n(height))\" fill=\"#ffffff\"/>\n"
        out += body.joined(separator: "\n")
        return out + "\n</svg>\n"
    }
}
