import Foundation
import GeoSpikeIngest

/// One real count series with expert labels, as `TimeStamp,Value,Label` CSV
/// (docs/labelled-series-protocol.md), laid on a regular grid of its step.
///
/// Real series have holes: a time point may be absent or have an empty value. Both are
/// missing here, never zero, since a zero is information about traffic and a hole is not.
public struct LabelledSeries: Sendable {
    public var name: String
    public var step: BucketSpan
    /// Epoch seconds of the first grid point.
    public var firstTime: Int64
    /// Per grid point: the count, nil where missing.
    public var values: [Double?]
    /// Per grid point: labelled anomalous by the series' experts.
    public var labels: [Bool]

    /// The country a series stands for when it is trained and scored like traffic:
    /// ZZ is reserved for user assignment, so it never collides with a real country.
    public static let country = CountryCode("ZZ")!

    public var count: Int { values.count }

    public func time(_ i: Int) -> Int64 { firstTime + Int64(i) * step.seconds }

    /// UTC hour of day of grid point `i`.
    public func hour(_ i: Int) -> Int { Int(((time(i) % 86400) + 86400) % 86400 / 3600) }

    /// Reads a series; `step` nil infers it as the most common gap between time stamps.
    public static func read(path: String, step: BucketSpan? = nil) throws -> LabelledSeries {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw GeoSpikeError(.noInput, "\(path): cannot read the file: check the path")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw GeoSpikeError.badData(file: path, line: 1, "not UTF-8 text: give a TimeStamp,Value,Label CSV")
        }
        var rows: [(time: Int64, value: Double?, label: Bool)] = []
        // "\r\n" is one Character, and a newline like "\n".
        for (offset, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let number = offset + 1
            if number == 1 {
                guard line.split(separator: ",").map(unquoted) == ["TimeStamp", "Value", "Label"]
                else {
                    throw GeoSpikeError.badData(
                        file: path, line: 1, "the header must be TimeStamp,Value,Label (a labelled count series)")
                }
                continue
            }
            if line.allSatisfy({ $0 == " " }) { continue }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(unquoted)
            guard fields.count == 3 else {
                throw GeoSpikeError.badData(file: path, line: number, "expected 3 fields, found \(fields.count)")
            }
            guard let time = Timestamp.parse(Substring(fields[0])) else {
                throw GeoSpikeError.badData(file: path, line: number, "TimeStamp is not a date-time (e.g. 2018-07-03 14:00:00)")
            }
            let valueText = fields[1]
            var value: Double? = nil
            if !valueText.isEmpty {
                guard let v = Double(valueText), v.isFinite, v >= 0 else {
                    throw GeoSpikeError.badData(file: path, line: number, "Value must be a count >= 0 or empty (missing)")
                }
                value = v.rounded()
            }
            let labelText = fields[2]
            guard labelText == "0" || labelText == "1" else {
                throw GeoSpikeError.badData(file: path, line: number, "Label must be 0 or 1")
            }
            rows.append((Int64(time.rounded(.down)), value, labelText == "1"))
        }
        guard rows.count >= 2 else {
            throw GeoSpikeError.badData(file: path, line: 1, "fewer than two time points: nothing to learn from")
        }
        rows.sort { $0.time < $1.time }
        let span = try step ?? inferredStep(rows.map(\.time), path: path)
        let first = span.bucketStart(containing: Double(rows[0].time))
        let n = Int((span.bucketStart(containing: Double(rows[rows.count - 1].time)) - first) / span.seconds) + 1
        var values = [Double?](repeating: nil, count: n)
        var labels = [Bool](repeating: false, count: n)
        for row in rows {
            let i = Int((span.bucketStart(containing: Double(row.time)) - first) / span.seconds)
            // Two rows in one step (a finer series read at a coarser step) add up.
            if let v = row.value { values[i] = (values[i] ?? 0) + v }
            labels[i] = labels[i] || row.label
        }
        let name = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        return LabelledSeries(name: name, step: span, firstTime: first, values: values, labels: labels)
    }

    /// A field without surrounding blanks, double quotes (spreadsheet exports quote every
    /// field) or a byte-order mark.
    static func unquoted(_ field: Substring) -> String {
        var text = field.trimmingCharacters(in: .whitespaces)
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        if text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") { text = String(text.dropFirst().dropLast()) }
        return text
    }

    /// The most common positive gap, as a bucket span (it must divide a day).
    static func inferredStep(_ times: [Int64], path: String) throws -> BucketSpan {
        var gaps: [Int64: Int] = [:]
        for (a, b) in zip(times, times.dropFirst()) where b > a { gaps[b - a, default: 0] += 1 }
        guard let step = gaps.max(by: { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key })?.key,
            86400 % step == 0
        else {
            throw GeoSpikeError.badData(
                file: path, line: 2, "cannot infer a step that divides a day: give --bucket-span (e.g. 1h)")
        }
        return BucketSpan(seconds: step)
    }
}
