import Foundation

/// Compares generated text (notebooks, model cards, SVG figures) by meaning rather than
/// bytes: the same words in the same places, and numbers that agree to the precision
/// they are printed with.
///
/// Why: a model's last bits depend on the CPU (glibc's libm and OpenBLAS choose kernels
/// per CPU), and a number printed from it can round the other way when its true value
/// sits on a rounding boundary (0.125 as `0.12` on one machine and `0.13` on another).
/// Two printed numbers therefore agree when they differ by at most one unit in the last
/// digit printed, or by at most `relative` of their size (for numbers printed with all
/// their digits). Everything else (words, identifiers, dates, layout) must be identical.
enum NumericText {
    /// Default relative tolerance for numbers printed with all their digits.
    static let relative = 1e-9

    /// Numbers standing on their own: not part of a word, an identifier (`geospike-3f2a`),
    /// a date or a time of day (`2026-10-05T10:15`), which must match exactly. A minus sign
    /// counts only where it cannot be a hyphen (after neither letter nor digit).
    static let number = try! NSRegularExpression(
        pattern: #"(?<![A-Za-z0-9_.:\-])-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?(?![A-Za-z0-9_:]|\.[0-9])"#)

    /// The first difference that is not explained by rounding, as a message, or nil.
    static func difference(_ a: String, _ b: String, relative: Double = relative) -> String? {
        if a == b { return nil }
        let (wordsA, numbersA) = split(a)
        let (wordsB, numbersB) = split(b)
        guard wordsA.count == wordsB.count else {
            return "different shapes: \(numbersA.count) numbers against \(numbersB.count)"
        }
        for i in wordsA.indices where wordsA[i] != wordsB[i] {
            return "text differs near: '\(wordsA[i].suffix(60))' against '\(wordsB[i].suffix(60))'"
        }
        for (x, y) in zip(numbersA, numbersB) where !agree(x, y, relative: relative) {
            return "number \(x) against \(y)"
        }
        return nil
    }

    /// Whether two printed numbers are the same number at the precision printed.
    static func agree(_ x: String, _ y: String, relative: Double = relative) -> Bool {
        if x == y { return true }
        guard let u = Double(x), let v = Double(y) else { return false }
        let lastDigit = max(unitInLastPlace(x), unitInLastPlace(y))
        return abs(u - v) <= max(lastDigit * 1.000001, relative * max(abs(u), abs(v)))
    }

    /// The value of one unit in the last printed digit: 0.01 for `0.12`, 1 for `42`, 1e-5 for `1.5e-4`.
    static func unitInLastPlace(_ text: String) -> Double {
        let lower = text.lowercased()
        let mantissa = lower.split(separator: "e", maxSplits: 1).first.map(String.init) ?? lower
        let exponent = lower.contains("e") ? Int(lower.split(separator: "e")[1]) ?? 0 : 0
        let decimals = mantissa.split(separator: ".", maxSplits: 1).dropFirst().first?.count ?? 0
        return pow(10, Double(exponent - decimals))
    }

    /// The text between numbers (one more piece than numbers) and the numbers themselves.
    static func split(_ text: String) -> (words: [String], numbers: [String]) {
        let ns = text as NSString
        var words: [String] = []
        var numbers: [String] = []
        var cursor = 0
        for match in number.matches(in: text, range: NSRange(location: 0, length: ns.length)) {
            words.append(ns.substring(with: NSRange(location: cursor, length: match.range.location - cursor)))
            numbers.append(ns.substring(with: match.range))
            cursor = match.range.location + match.range.length
        }
        words.append(ns.substring(from: cursor))
        return (words, numbers)
    }
}

/// Compares decoded JSON values (dictionaries, arrays, numbers, strings) with a relative
/// tolerance on numbers: what two trainings on different CPUs must agree on.
enum NumericJSON {
    /// Differences beyond `relative` (or `absolute`, for numbers that are zero in exact
    /// arithmetic and round-off elsewhere), as `path: a against b`; empty when none.
    static func differences(
        _ a: Any, _ b: Any, path: String = "", relative: Double = 1e-9, absolute: Double = 1e-12
    ) -> [String] {
        switch (a, b) {
        case let (x as [String: Any], y as [String: Any]):
            guard Set(x.keys) == Set(y.keys) else { return ["\(path): keys \(x.keys.sorted()) against \(y.keys.sorted())"] }
            return x.keys.sorted().flatMap {
                differences(x[$0]!, y[$0]!, path: "\(path).\($0)", relative: relative, absolute: absolute)
            }
        case let (x as [Any], y as [Any]):
            guard x.count == y.count else { return ["\(path): \(x.count) elements against \(y.count)"] }
            return zip(x, y).enumerated().flatMap {
                differences($1.0, $1.1, path: "\(path)[\($0)]", relative: relative, absolute: absolute)
            }
        case let (x as String, y as String):
            return x == y ? [] : ["\(path): \(x) against \(y)"]
        case let (x as NSNumber, y as NSNumber):
            let (u, v) = (x.doubleValue, y.doubleValue)
            let close = u == v || abs(u - v) <= max(absolute, relative * max(abs(u), abs(v)))
            return close ? [] : ["\(path): \(u) against \(v)"]
        case (is NSNull, is NSNull):
            return []
        default:
            return ["\(path): \(a) against \(b)"]
        }
    }
}
