import Foundation

/// A CSV table of reference values from `Fixtures/make_tables.py` (mpmath, 50 digits).
///
/// Lines starting with `#` are provenance comments; the first other line names the columns.
struct ReferenceTable {
    let name: String
    let columns: [String]
    let rows: [[Double]]

    init(_ name: String) throws {
        guard let url = Bundle.module.url(forResource: name, withExtension: "csv", subdirectory: "Fixtures") else {
            throw ReferenceTableError(message: "Fixtures/\(name).csv is not in the test bundle; run make_tables.py")
        }
        let lines = try String(contentsOf: url, encoding: .utf8)
            .split(separator: "\n").filter { !$0.hasPrefix("#") }
        guard let header = lines.first else { throw ReferenceTableError(message: "\(name).csv is empty") }
        self.name = name
        columns = header.split(separator: ",").map(String.init)
        rows = try lines.dropFirst().enumerated().map { index, line in
            try line.split(separator: ",").map { field in
                switch field {
                case "inf": return .infinity
                case "-inf": return -.infinity
                case "nan": return .nan
                default:
                    guard let value = Double(field) else {
                        throw ReferenceTableError(message: "\(name).csv row \(index + 1): '\(field)' is not a number")
                    }
                    return value
                }
            }
        }
    }

    /// The values of each row, by column name.
    func records() -> [[String: Double]] {
        rows.map { Dictionary(uniqueKeysWithValues: zip(columns, $0)) }
    }
}

struct ReferenceTableError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// The worst error seen over a table, with the arguments where it occurred.
struct WorstError: CustomStringConvertible {
    let label: String
    private(set) var error = 0.0
    private(set) var arguments = ""
    private(set) var count = 0

    init(_ label: String) { self.label = label }

    /// Records `|computed − expected| / scale`, counting a mismatch of NaN or infinities as infinite.
    mutating func record(_ computed: Double, _ expected: Double, scale: Double, at arguments: @autoclosure () -> String) {
        count += 1
        let e: Double
        if computed == expected {
            e = 0
        } else if computed.isFinite && expected.isFinite {
            e = abs(computed - expected) / scale
        } else {
            e = .infinity
        }
        if e > error || e.isNaN {
            error = e.isNaN ? .infinity : e
            self.arguments = "\(arguments()) computed \(computed) expected \(expected)"
        }
    }

    /// Relative error, `|c − e| / |e|` (absolute where the reference is 0).
    mutating func relative(_ computed: Double, _ expected: Double, at arguments: @autoclosure () -> String) {
        record(computed, expected, scale: expected == 0 ? 1 : abs(expected), at: arguments())
    }

    var description: String {
        "\(label): worst error \(error) over \(count) values" + (arguments.isEmpty ? "" : " at \(arguments)")
    }
}

/// Checks a log probability against the issue's accuracy requirement and tracks both errors.
///
/// Relative error ≤ 1e-10 of the probability where it is ≥ 1e-100 (an absolute error of
/// 1e-10 in its log), and ≤ 1e-8 relative error of the log value everywhere.
struct LogProbabilityErrors: CustomStringConvertible {
    var linear: WorstError
    var logarithm: WorstError

    init(_ label: String) {
        linear = WorstError("\(label), relative error of the probability (≥ 1e-100)")
        logarithm = WorstError("\(label), relative error of the log")
    }

    mutating func record(_ computed: Double, _ expected: Double, at arguments: @autoclosure () -> String) {
        let text = arguments()
        if expected >= -230 { linear.record(computed, expected, scale: 1, at: text) }
        // A subnormal log (a probability within 1e-308 of 1) has no relative precision to check.
        if abs(expected) >= Double.leastNormalMagnitude || expected == 0 {
            logarithm.relative(computed, expected, at: text)
        } else {
            logarithm.record(computed, expected, scale: 1, at: text)
        }
    }

    var passes: Bool { linear.error <= 1e-10 && logarithm.error <= 1e-8 }
    var description: String { "\(linear)\n\(logarithm)" }
}
