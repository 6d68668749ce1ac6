/// An aligned plain-text table for terminals, or the same rows as a markdown table.
///
/// Columns whose cells all look numeric are right-aligned, as people compare numbers by
/// their last digits.
public struct TextTable: Sendable {
    public var header: [String]
    public var rows: [[String]]

    public init(header: [String], rows: [[String]] = []) {
        self.header = header
        self.rows = rows
    }

    public mutating func append(_ row: [String]) { rows.append(row) }

    /// Space-aligned text, one line per row, ending in a newline.
    public var text: String {
        let widths = columnWidths
        let numeric = numericColumns
        func line(_ cells: [String]) -> String {
            var parts: [String] = []
            for (i, width) in widths.enumerated() {
                let cell = i < cells.count ? cells[i] : ""
                let pad = String(repeating: " ", count: max(0, width - cell.count))
                parts.append(numeric[i] ? pad + cell : cell + pad)
            }
            var joined = parts.joined(separator: "  ")
            while joined.hasSuffix(" ") { joined.removeLast() }
            return joined
        }
        return ([line(header)] + rows.map(line)).joined(separator: "\n") + "\n"
    }

    /// A GitHub-flavoured markdown table, ending in a newline.
    public var markdown: String {
        let numeric = numericColumns
        func escaped(_ cell: String) -> String { cell.replacingOccurrences(of: "|", with: "\\|") }
        var lines = ["| " + header.map(escaped).joined(separator: " | ") + " |"]
        lines.append("|" + numeric.map { $0 ? "---:|" : "---|" }.joined())
        for row in rows {
            let cells = (0..<header.count).map { $0 < row.count ? escaped(row[$0]) : "" }
            lines.append("| " + cells.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private var columnWidths: [Int] {
        header.indices.map { i in
            rows.reduce(header[i].count) { max($0, i < $1.count ? $1[i].count : 0) }
        }
    }

    private var numericColumns: [Bool] {
        header.indices.map { i in
            let cells = rows.compactMap { i < $0.count ? $0[i] : nil }.filter { $0 != "-" && !$0.isEmpty }
            return !cells.isEmpty && cells.allSatisfy(Self.looksNumeric)
        }
    }

    static func looksNumeric(_ cell: String) -> Bool {
        var text = Substring(cell)
        if text.hasSuffix("%") { text = text.dropLast() }
        if text.hasPrefix("+") || text.hasPrefix("x") || text.hasPrefix("≥") { text = text.dropFirst() }
        return Double(text) != nil
    }
}
