/// A minimal JSON object writer for NDJSON output: keys in the order given, doubles in
/// shortest round-trip form, never NaN or infinity (they are not JSON).
///
/// Records are written millions at a time on a week of history, and readers such as `jq`
/// and Elasticsearch want a stable key order; `JSONEncoder` gives neither cheaply.
public struct JSONLine {
    private var text = "{"
    private var first = true

    public init() {}

    private mutating func key(_ name: String) {
        if !first { text += "," }
        first = false
        text += JSONLine.quoted(name)
        text += ":"
    }

    public mutating func add(_ name: String, _ value: String) {
        key(name)
        text += JSONLine.quoted(value)
    }

    public mutating func add(_ name: String, _ value: Int) {
        key(name)
        text += String(value)
    }

    public mutating func add(_ name: String, _ value: Int64) {
        key(name)
        text += String(value)
    }

    public mutating func add(_ name: String, _ value: Bool) {
        key(name)
        text += value ? "true" : "false"
    }

    /// Non-finite values are written as null.
    public mutating func add(_ name: String, _ value: Double) {
        key(name)
        text += JSONLine.number(value)
    }

    /// A value already serialised as JSON (an object or array).
    public mutating func addRaw(_ name: String, _ json: String) {
        key(name)
        text += json
    }

    public var string: String { text + "}" }

    public static func number(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    public static func quoted(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
