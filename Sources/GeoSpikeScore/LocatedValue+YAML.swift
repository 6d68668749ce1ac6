import GeoSpikeIngest

extension LocatedValue {
    /// Parses geospike's YAML subset: a list of flat mappings whose values are scalars or
    /// simple lists, optionally under one top-level key.
    ///
    /// ```yaml
    /// # comments, blank lines and a leading --- are fine
    /// exceptions:                  # optional wrapper key
    ///   - country: NZ
    ///     host.name: WS-BER-0194   # plain, 'single' or "double" quoted scalars
    ///     source.ip: [10.20.0.0/16, 10.30.1.7]
    ///     user.name:               # or a block list, one "- value" a line
    ///       - svc-backup
    ///     expires: 2026-12-31
    /// ```
    ///
    /// Everything else YAML can express (nested mappings, anchors and aliases, tags, block
    /// scalars `|` and `>`, flow mappings, multi-line plain scalars, several documents,
    /// tabs in indentation, duplicate keys) is rejected with `file:line` and what to write
    /// instead, rather than guessed at: no YAML library is available, and a half-understood
    /// exception file is worse than a clear error. Scalars stay text (`443` is the string
    /// "443"); `~` and `null` are null.
    public static func parseYAMLSubset(_ text: String, file: String) throws -> LocatedValue {
        var parser = try YAMLSubsetParser(text: text, file: file)
        return try parser.document()
    }
}

/// The line-oriented reader behind `LocatedValue.parseYAMLSubset`.
private struct YAMLSubsetParser {
    struct Line {
        var number: Int
        var indent: Int
        /// Without indentation, comment and trailing spaces; never empty.
        var content: Substring

        /// `- value` or a lone `-` (but not `---` or `-1`).
        var isListItem: Bool { content == "-" || content.hasPrefix("- ") }
    }

    let file: String
    var lines: [Line] = []
    var next = 0

    init(text: String, file: String) throws {
        self.file = file
        var number = 0
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            // Every value sits on one line, so this bounds every value.
            guard raw.utf8.count <= LocatedValue.maximumTextBytes + 256 else {
                throw GeoSpikeError.badData(
                    file: file, line: number,
                    "the line is \(raw.utf8.count) bytes long; values are at most \(LocatedValue.maximumTextBytes) bytes")
            }
            var body = raw.hasSuffix("\r") ? raw.dropLast() : raw
            let indentation = body.prefix { $0 == " " || $0 == "\t" }
            body = try Self.strippingComment(body.dropFirst(indentation.count), file: file, line: number)
            guard !body.isEmpty else { continue }
            if indentation.contains("\t") {
                throw GeoSpikeError.badData(file: file, line: number, "indent with spaces, not tabs (YAML forbids tabs)")
            }
            lines.append(Line(number: number, indent: indentation.count, content: body))
        }
    }

    func error(_ line: Int, _ message: String) -> GeoSpikeError {
        GeoSpikeError.badData(file: file, line: line, message)
    }

    /// The text before a comment (`#` at the start or after a space, outside quotes), trimmed.
    static func strippingComment(_ text: Substring, file: String, line: Int) throws -> Substring {
        var quote: Character?
        var previous: Character = " "
        var escaped = false
        var end = text.endIndex
        for i in text.indices {
            let c = text[i]
            if let q = quote {
                // Inside double quotes a backslash escapes the next character, \" included.
                if escaped {
                    escaped = false
                } else if q == "\"", c == "\\" {
                    escaped = true
                } else if c == q {
                    quote = nil
                }
            } else if c == "\"" || c == "'", " \t[,".contains(previous) {
                // A quote opens a quoted scalar only where one can start; "Bob's" is plain text.
                quote = c
            } else if c == "#", previous == " " || previous == "\t" {
                end = i
                break
            }
            previous = c
        }
        var kept = text[text.startIndex..<end]
        while let last = kept.last, last == " " || last == "\t" { kept = kept.dropLast() }
        return kept
    }

    mutating func document() throws -> LocatedValue {
        if next < lines.count, lines[next].content == "---" { next += 1 }
        guard next < lines.count else {
            throw error(1, "the file holds no exceptions; write a list of entries such as '- country: NZ'")
        }
        let first = lines[next]
        let value: LocatedValue
        if first.isListItem {
            value = try list(indent: first.indent)
        } else {
            guard first.indent == 0, let (key, rest) = try keyAndRest(first), rest.isEmpty else {
                throw error(
                    first.number,
                    "expected a list of entries ('- country: ...') or one wrapper key such as 'exceptions:' on its own line")
            }
            next += 1
            guard next < lines.count, lines[next].isListItem else {
                throw error(first.number, "'\(key):' must be followed by a list of entries, one '- key: value' each")
            }
            let items = try list(indent: lines[next].indent)
            value = LocatedValue(.object([(key, items)]), line: first.number)
        }
        if next < lines.count {
            let line = lines[next]
            if line.content == "---" || line.content == "..." {
                throw error(line.number, "only one YAML document is supported; put every entry in one list")
            }
            throw error(line.number, "unexpected text at this indentation; every entry starts with '- ' in one column")
        }
        return value
    }

    /// A list of mappings whose dashes sit in column `indent`.
    mutating func list(indent: Int) throws -> LocatedValue {
        let start = lines[next].number
        var items: [LocatedValue] = []
        while next < lines.count, lines[next].indent == indent, lines[next].isListItem {
            items.append(try item(dashIndent: indent))
        }
        return LocatedValue(.array(items), line: start)
    }

    /// One `- key: value` entry and the `key: value` lines aligned under its first key.
    mutating func item(dashIndent: Int) throws -> LocatedValue {
        let dash = lines[next]
        let afterDash = dash.content.dropFirst()
        var members: [(key: String, value: LocatedValue)] = []
        let keyIndent: Int
        if afterDash.isEmpty {
            next += 1
            guard next < lines.count, lines[next].indent > dashIndent, !lines[next].isListItem else {
                throw error(dash.number, "an empty entry; write '- country: XX' and its conditions")
            }
            keyIndent = lines[next].indent
        } else {
            guard afterDash.first == " " else {
                throw error(dash.number, "write a space after '-' (e.g. '- country: NZ')")
            }
            let inline = afterDash.drop { $0 == " " }
            keyIndent = dashIndent + 1 + (afterDash.count - inline.count)
            guard inline != "-", !inline.hasPrefix("- ") else {
                throw error(dash.number, "nested lists are not supported; each entry is a mapping of keys to values")
            }
            // The first key sits on the dash's line; parse it as if it had its own line.
            lines[next] = Line(number: dash.number, indent: keyIndent, content: inline)
        }
        let start = dash.number
        while next < lines.count, lines[next].indent == keyIndent, !lines[next].isListItem {
            let line = lines[next]
            guard let (key, rest) = try keyAndRest(line) else {
                throw error(line.number, "expected 'key: value' inside an entry")
            }
            if members.contains(where: { $0.key == key }) {
                throw error(line.number, "the key '\(key)' appears twice in one entry; list several values as [a, b]")
            }
            next += 1
            if rest.isEmpty {
                members.append((key, try blockList(after: line, key: key, keyIndent: keyIndent)))
            } else {
                members.append((key, try scalarOrFlowList(rest, line: line.number)))
            }
        }
        if next < lines.count, lines[next].indent > dashIndent {
            let line = lines[next]
            if line.indent > keyIndent {
                throw error(
                    line.number,
                    "unexpected deeper indentation: nested mappings and multi-line values are not supported; keep each value on its key's line")
            }
            if line.indent != keyIndent {
                throw error(line.number, "this key is not aligned with the entry's first key (column \(keyIndent + 1))")
            }
            throw error(line.number, "a list here must belong to a key; write 'key:' on the line above")
        }
        return LocatedValue(.object(members), line: start)
    }

    /// The `- value` lines under a key written with nothing after its colon.
    mutating func blockList(after keyLine: Line, key: String, keyIndent: Int) throws -> LocatedValue {
        if next < lines.count, lines[next].indent > keyIndent, !lines[next].isListItem {
            throw error(
                lines[next].number,
                "nested mappings are not supported; write the field as one dotted key with plain values, e.g. 'source.ip: 10.0.0.0/8'")
        }
        guard next < lines.count, lines[next].indent >= keyIndent, lines[next].isListItem else {
            throw error(keyLine.number, "'\(key):' has no value; give one after the colon, a list [a, b], or '- value' lines below")
        }
        let column = lines[next].indent
        var values: [LocatedValue] = []
        while next < lines.count, lines[next].indent == column, lines[next].isListItem {
            let line = lines[next]
            let rest = line.content.dropFirst()
            guard rest.first == " " else {
                throw error(line.number, "write a space after '-' (e.g. '- 10.0.0.0/8')")
            }
            let text = rest.drop { $0 == " " }
            if try keyAndRest(Line(number: line.number, indent: 0, content: text)) != nil {
                throw error(line.number, "the values of '\(key)' must be plain values, not 'key: value' mappings")
            }
            let value = try scalar(text, line: line.number)
            if case .null = value.kind { throw error(line.number, "a list value is empty; remove the line or give a value") }
            values.append(value)
            next += 1
        }
        return LocatedValue(.array(values), line: keyLine.number)
    }

    /// Splits `key: rest` (or `key:`); nil when the line is not a key.
    func keyAndRest(_ line: Line) throws -> (String, Substring)? {
        let content = line.content
        guard let colon = content.firstIndex(of: ":") else { return nil }
        let key = content[content.startIndex..<colon]
        let after = content[content.index(after: colon)...]
        guard !key.isEmpty, after.isEmpty || after.first == " " else { return nil }
        guard key.allSatisfy({ $0.isLetter || $0.isNumber || "._-@".contains($0) }), key.first != "-" else {
            if key.first == "\"" || key.first == "'" {
                throw error(line.number, "quoted keys are not supported; write the key plainly (e.g. source.ip:)")
            }
            return nil
        }
        return (String(key), after.drop { $0 == " " })
    }

    func scalarOrFlowList(_ text: Substring, line: Int) throws -> LocatedValue {
        guard text.first == "[" else { return try scalar(text, line: line) }
        guard text.last == "]" else {
            throw error(line, "a list [a, b] must close with ']' on the same line")
        }
        let inner = text.dropFirst().dropLast()
        var values: [LocatedValue] = []
        var quote: Character?
        var previous: Character = " "
        var escaped = false
        var start = inner.startIndex
        var pieces: [Substring] = []
        for i in inner.indices {
            let c = inner[i]
            defer { previous = c }
            if let q = quote {
                if escaped {
                    escaped = false
                } else if q == "\"", c == "\\" {
                    escaped = true
                } else if c == q {
                    quote = nil
                }
            } else if c == "\"" || c == "'", " ,".contains(previous) {
                quote = c
            } else if c == "[" || c == "{" {
                throw error(line, "lists inside lists and {mappings} are not supported; list plain values only")
            } else if c == "," {
                pieces.append(inner[start..<i])
                start = inner.index(after: i)
            }
        }
        pieces.append(inner[start...])
        let trimmed = pieces.map { piece -> Substring in
            var p = piece.drop { $0 == " " }
            while p.last == " " { p = p.dropLast() }
            return p
        }
        if trimmed.count == 1, trimmed[0].isEmpty { return LocatedValue(.array([]), line: line) }
        for piece in trimmed {
            guard !piece.isEmpty else { throw error(line, "an empty value in a list; remove the extra comma") }
            values.append(try scalar(piece, line: line))
        }
        return LocatedValue(.array(values), line: line)
    }

    func scalar(_ text: Substring, line: Int) throws -> LocatedValue {
        guard let first = text.first else { return LocatedValue(.null, line: line) }
        switch first {
        case "\"": return LocatedValue(.string(try doubleQuoted(text, line: line)), line: line)
        case "'":
            guard text.count >= 2, text.last == "'" else {
                throw error(line, "a single-quoted value must close with ' on the same line")
            }
            let inner = text.dropFirst().dropLast()
            if inner.replacingOccurrences(of: "''", with: "").contains("'") {
                throw error(line, "write a ' inside a single-quoted value as ''")
            }
            return LocatedValue(.string(inner.replacingOccurrences(of: "''", with: "'")), line: line)
        case "{": throw error(line, "{mappings} are not supported; write one 'key: value' per line")
        case "&", "*": throw error(line, "anchors and aliases (& and *) are not supported; repeat the value")
        case "!": throw error(line, "YAML tags (!) are not supported; write the plain value")
        case "|", ">": throw error(line, "block scalars (| and >) are not supported; keep the value on one line, quoted")
        case "%", "@", "`":
            throw error(line, "a value cannot start with '\(first)' in YAML; put it in quotes")
        default:
            if text.hasPrefix("- ") || text == "-" {
                throw error(line, "a list cannot start on a key's line; use [a, b] or '- value' lines below the key")
            }
            if text.contains(": ") || text.hasSuffix(":") {
                throw error(line, "nested mappings are not supported; if ':' belongs to the value, put the value in quotes")
            }
            if text == "~" || text == "null" { return LocatedValue(.null, line: line) }
            return LocatedValue(.string(String(text)), line: line)
        }
    }

    func doubleQuoted(_ text: Substring, line: Int) throws -> String {
        var out = ""
        var iterator = text.dropFirst().makeIterator()
        while let c = iterator.next() {
            switch c {
            case "\"":
                guard iterator.next() == nil else {
                    throw error(line, "unexpected text after a closing '\"'")
                }
                return out
            case "\\":
                switch iterator.next() {
                case "\"": out.append("\"")
                case "\\": out.append("\\")
                case "/": out.append("/")
                case "n": out.append("\n")
                case "t": out.append("\t")
                case "r": out.append("\r")
                case "u":
                    var code: UInt32 = 0
                    for _ in 0..<4 {
                        guard let digit = iterator.next()?.hexDigitValue else {
                            throw error(line, "\\u in double quotes needs four hex digits")
                        }
                        code = code << 4 | UInt32(digit)
                    }
                    guard let scalar = Unicode.Scalar(code) else { throw error(line, "\\u escape is not a character") }
                    out.unicodeScalars.append(scalar)
                default:
                    throw error(line, "only the escapes \\\" \\\\ \\/ \\n \\t \\r \\uXXXX are supported in double quotes")
                }
            default:
                out.append(c)
            }
        }
        throw error(line, "a double-quoted value must close with \" on the same line")
    }
}
