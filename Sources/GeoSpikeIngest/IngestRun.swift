import Foundation

/// One ingest run over a list of inputs: detection, reading, resolution, accounting.
///
/// Readers only extract raw fields; everything they have in common (the process
/// exclusion list, country from code, name or GeoIP, the summary, the bad-line budget)
/// happens here, once.
final class IngestRun {
    private let options: ReaderOptions
    private let resolver: GeoIPResolver
    /// Excluded process names, lower-cased and without `.exe`.
    private let excluded: [[UInt8]]
    private var accumulator: CountAccumulator
    private var countsTable: CountTable
    private let eventSink: ((NetworkEvent) throws -> Void)?
    private var countryNameCache: [String: UInt16] = [:]
    /// Event times outside are malformed (`ReaderOptions.notBefore`, `notAfter`).
    private let plausibleTimes: ClosedRange<Double>
    private(set) var summary = IngestSummary()

    init(options: ReaderOptions, eventSink: ((NetworkEvent) throws -> Void)? = nil) throws {
        guard (0...1).contains(options.maxBadFraction) else {
            throw GeoSpikeError(.usage, "--max-bad-fraction must be between 0 and 1, not \(options.maxBadFraction)")
        }
        guard (0...255).contains(options.influencerCapacity) else {
            throw GeoSpikeError(
                .usage, "the influencer capacity must be between 0 and 255, not \(options.influencerCapacity)")
        }
        _ = try LocalTimeConverter(identifier: options.inputTimeZone)
        self.options = options
        plausibleTimes = options.plausibleTimes()
        resolver = try GeoIPResolver(spec: options.geoip)
        excluded = options.excludedProcesses.map { Self.normalizedProcess(Array($0.utf8)) }
        accumulator = CountAccumulator(bucketSpan: options.bucketSpan, capacity: options.influencerCapacity)
        countsTable = CountTable(bucketSpan: options.bucketSpan)
        self.eventSink = eventSink
        summary.geoip = resolver.sourceDescription
    }

    /// Reads every input; throws for missing files, unreadable data and too many bad lines.
    func run(paths: [String]) throws {
        guard !paths.isEmpty else { throw GeoSpikeError(.usage, "no input: pass --input FILE (or - for stdin)") }
        guard paths.filter({ $0 == "-" }).count <= 1 else {
            throw GeoSpikeError(.usage, "standard input (-) can be read only once; pass it a single time")
        }
        // Check every path before reading any, so a typo fails fast rather than after hours.
        for path in paths where path != "-" && !FileManager.default.fileExists(atPath: path) {
            throw GeoSpikeError(.noInput, "input file \(path) does not exist; check the --input path")
        }
        // The same file twice (a repeated path, overlapping globs, a link) would count its
        // events twice: it is read once, and the summary says so.
        var seen: [String: String] = [:]
        for path in paths {
            if let identity = Self.fileIdentity(path) {
                if let first = seen[identity] {
                    summary.repeatedInputs += 1
                    summary.warnings.append("\(path) is the same file as \(first), given again; it was read once")
                    continue
                }
                seen[identity] = path
            }
            try read(path)
        }
        if summary.total.dataLines == 0 {
            let names = paths.map { $0 == "-" ? "<stdin>" : $0 }.joined(separator: ", ")
            throw GeoSpikeError(
                .badData,
                "no records in the input (\(names)): the input is empty or has only headers; pass the log files that hold events"
            )
        }
        if !resolver.hasDatabase, summary.total.skipped(.unresolvedCountry) > 0 {
            summary.warnings.append(
                "\(summary.total.skipped(.unresolvedCountry)) events had no country and no GeoIP database was available; install tor-geoipdb or pass --geoip FILE.mmdb"
            )
        }
    }

    /// Device and inode of a file (nil for stdin or what cannot be stat'ed).
    private static func fileIdentity(_ path: String) -> String? {
        guard path != "-" else { return nil }
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        return "\(status.st_dev):\(status.st_ino)"
    }

    /// The counts of everything read so far.
    func table() -> CountTable {
        var table = accumulator.table()
        table.merge(countsTable)
        return table
    }

    // MARK: - Files

    private func read(_ path: String) throws {
        let reader = try LineReader(path: path)
        let head = try reader.peek()
        var file = FileSummary(path: reader.displayName, format: options.format)
        if head.isEmpty {
            file.warnings.append("\(reader.displayName) is empty")
            summary.append(file)
            return
        }
        if let reason = Self.binaryReason(head) {
            throw GeoSpikeError(
                .badData,
                "\(reader.displayName) is not a text log (\(reason)); pass NDJSON, Zeek, Suricata EVE or CSV logs, plain or .gz"
            )
        }
        var format = options.format
        if format == .auto {
            guard let detected = InputFormat.detect(head) else {
                file.warnings.append("\(reader.displayName) has no records")
                try reader.forEachLine { line, _ in
                    file.linesRead += 1
                    if Self.isBlank(line) { file.blankLines += 1 } else { file.metadataLines += 1 }
                }
                summary.append(file)
                return
            }
            format = detected
        }
        file.format = format
        switch format {
        case .auto, .ecs:
            var parser = JSONEventParser(dialect: .ecs)
            try readEvents(reader, &parser, &file)
        case .suricata:
            var parser = JSONEventParser(dialect: .suricata)
            try readEvents(reader, &parser, &file)
        case .zeek:
            if Self.firstSignificantByte(head) == UInt8(ascii: "{") {
                var parser = JSONEventParser(dialect: .zeek)
                try readEvents(reader, &parser, &file)
            } else {
                var parser = ZeekTSVParser()
                try readEvents(reader, &parser, &file)
            }
        case .csv:
            var parser = try CSVEventParser(
                mapping: options.csvFields, timeZone: options.inputTimeZone, fileName: reader.displayName)
            try readEvents(reader, &parser, &file)
        case .counts:
            guard eventSink == nil else {
                throw GeoSpikeError(
                    .usage, "\(reader.displayName) is a counts table, which has no individual events; pass the raw logs"
                )
            }
            try readCounts(reader, &file)
        }
        try checkBadFraction(file)
        summary.append(file)
    }

    private func readEvents<Parser: EventLineParser>(
        _ reader: LineReader, _ parser: inout Parser, _ file: inout FileSummary
    ) throws {
        let name = reader.displayName
        try reader.forEachLine { line, lineNumber in
            file.linesRead += 1
            if Self.isBlank(line) {
                file.blankLines += 1
                return
            }
            var fields = EventFields()
            switch try parser.parse(line, lineNumber: lineNumber, into: &fields) {
            case .metadata:
                file.metadataLines += 1
            case .malformed(let reason):
                try malformed("\(name):\(lineNumber): \(reason)", &file)
            case .skipped(let reason):
                guard plausibleTimes.contains(fields.time) else {
                    return try malformed("\(name):\(lineNumber): \(implausible(fields.time))", &file)
                }
                accumulator.observe(fields.time)
                file.skipped[reason, default: 0] += 1
            case .event:
                guard plausibleTimes.contains(fields.time) else {
                    return try malformed("\(name):\(lineNumber): \(implausible(fields.time))", &file)
                }
                accumulator.observe(fields.time)
                try count(fields, &file)
            }
        }
    }

    /// Why an event time outside `plausibleTimes` is not used (uncounted events too: they
    /// still say which buckets were observed, and so how long the counted span is).
    private func implausible(_ time: Double) -> String {
        "event time \(Timestamp.describe(time)) is outside the plausible window "
            + "\(Timestamp.describe(plausibleTimes.lowerBound)) … \(Timestamp.describe(plausibleTimes.upperBound)); "
            + "fix the clock that wrote it, or widen the window with --not-before / --not-after"
    }

    private func malformed(_ message: String, _ file: inout FileSummary) throws {
        if options.strict {
            throw GeoSpikeError(.badData, "\(message) (--strict stops at the first malformed line)")
        }
        file.skipped[.malformed, default: 0] += 1
        if file.malformedExamples.count < FileSummary.exampleLimit { file.malformedExamples.append(message) }
    }

    private func checkBadFraction(_ file: FileSummary) throws {
        let bad = file.skipped(.malformed)
        guard bad > 0, Double(bad) > options.maxBadFraction * Double(max(file.dataLines, 1)) else { return }
        let percent = (Double(bad) / Double(max(file.dataLines, 1)) * 1000).rounded() / 10
        throw GeoSpikeError(
            .badData,
            "\(file.path): \(bad) of \(file.dataLines) records (\(percent)%) are malformed, more than --max-bad-fraction \(options.maxBadFraction); first: \(file.malformedExamples.joined(separator: "; ")). Fix the input, or raise --max-bad-fraction to accept it"
        )
    }

    // MARK: - Events

    private func count(_ fields: EventFields, _ file: inout FileSummary) throws {
        if let process = fields.processName, isExcluded(process) {
            file.skipped[.excludedProcess, default: 0] += 1
            return
        }
        var country: CountryCode?
        var reason: SkipReason?
        if let code = fields.countryCode, code.count == 2, let c = CountryCode(byte0: code[0], byte1: code[1]) {
            country = c
        } else if let name = fields.countryName, let c = countryCode(named: name) {
            country = c
        } else if let text = fields.destinationIP, let address = IPAddress.parse(text.trimmed()) {
            switch try resolver.resolve(address) {
            case .country(let c): country = c
            case .nonPublic: reason = .privateDestination
            case .unresolved: reason = .unresolvedCountry
            }
        } else {
            reason = .unresolvedCountry
        }
        if let code = country, !code.isAssigned {
            country = nil
            reason = .unassignedCountry
        }
        if let country {
            accumulator.add(time: fields.time, country: country, fields: fields)
            file.eventsCounted += 1
        } else if let reason {
            file.skipped[reason, default: 0] += 1
        }
        if let eventSink {
            try eventSink(
                NetworkEvent(
                    time: fields.time, country: country, skipReason: reason, sourceIP: fields.sourceIP?.text,
                    destinationIP: fields.destinationIP?.text,
                    destinationPort: fields.destinationPort.flatMap { Int($0.text) },
                    processName: fields.processName?.text, hostName: fields.hostName?.text,
                    userName: fields.userName?.text))
        }
    }

    private func countryCode(named name: UnsafeBufferPointer<UInt8>) -> CountryCode? {
        let text = name.text
        if let packed = countryNameCache[text] { return packed == 0 ? nil : CountryCode(packed: packed) }
        let code = CountryNames.code(forName: text)
        // Names come from a small vocabulary; a cap keeps garbage from growing the cache.
        if countryNameCache.count < 4096 { countryNameCache[text] = code?.packed ?? 0 }
        return code
    }

    private func isExcluded(_ process: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !excluded.isEmpty else { return false }
        var length = process.count
        if length > 4 {
            let tail = process[(length - 4)...].map { $0 | 0x20 }
            if tail.elementsEqual(".exe".utf8) { length -= 4 }
        }
        outer: for name in excluded where name.count == length {
            for i in 0..<length where Self.lower(process[i]) != name[i] { continue outer }
            return true
        }
        return false
    }

    @inline(__always)
    private static func lower(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }

    private static func normalizedProcess(_ name: [UInt8]) -> [UInt8] {
        var lowered = name.map(lower)
        if lowered.count > 4, lowered.suffix(4).elementsEqual(".exe".utf8) { lowered.removeLast(4) }
        return lowered
    }

    // MARK: - Counts CSV

    private func readCounts(_ reader: LineReader, _ file: inout FileSummary) throws {
        var parser = CountsCSVParser(fileName: reader.displayName)
        let name = reader.displayName
        // The spacing of the bucket starts shows the span the engine aggregated with.
        var firstBucket: Int64?
        var spacing: Int64 = 0
        var distinctBuckets = Set<Int64>()
        var firstOffGrid = ""
        try reader.forEachLine { line, lineNumber in
            file.linesRead += 1
            if Self.isBlank(line) {
                file.blankLines += 1
                return
            }
            switch try parser.parse(line, lineNumber: lineNumber) {
            case .metadata:
                file.metadataLines += 1
            case .malformed(let reason):
                try malformed("\(name):\(lineNumber): \(reason)", &file)
            case .row(let row):
                guard plausibleTimes.contains(row.bucketStart) else {
                    return try malformed("\(name):\(lineNumber): bucket start: \(implausible(row.bucketStart))", &file)
                }
                let start = Int64(row.bucketStart.rounded(.down))
                if let firstBucket {
                    spacing = Self.gcd(spacing, abs(start - firstBucket))
                } else {
                    firstBucket = start
                }
                if distinctBuckets.count < 16 { distinctBuckets.insert(start) }
                if row.bucketStart != Double(options.bucketSpan.bucketStart(containing: row.bucketStart)) {
                    if file.offGridRows == 0 { firstOffGrid = "\(name):\(lineNumber)" }
                    file.offGridRows += 1
                }
                if let code = row.country, !code.isAssigned {
                    var unassigned = row
                    unassigned.country = nil
                    unassigned.add(to: &countsTable)
                    file.skipped[.unassignedCountry, default: 0] += row.count
                } else if row.add(to: &countsTable) {
                    file.eventsCounted += row.count
                } else {
                    file.skipped[.unresolvedCountry, default: 0] += row.count
                }
            }
        }
        if file.offGridRows > 0 {
            file.warnings.append(
                "\(name): \(file.offGridRows) row(s) start off the \(options.bucketSpan) bucket grid (first: \(firstOffGrid)); each was added to the bucket that contains it"
            )
        }
        let span = options.bucketSpan.seconds
        if distinctBuckets.count >= 8, spacing > span, spacing % span == 0 {
            file.warnings.append(
                "\(name): the bucket starts are all a multiple of \(BucketSpan(seconds: spacing)) apart; if the file holds \(BucketSpan(seconds: spacing)) counts, pass --bucket-span \(BucketSpan(seconds: spacing)), else they all land in the first \(options.bucketSpan) of each"
            )
        }
    }

    private static func gcd(_ a: Int64, _ b: Int64) -> Int64 {
        var (x, y) = (a, b)
        while y != 0 { (x, y) = (y, x % y) }
        return x
    }

    // MARK: - Bytes

    @inline(__always)
    private static func isBlank(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        for byte in line where byte != UInt8(ascii: " ") && byte != UInt8(ascii: "\t") { return false }
        return true
    }

    private static func firstSignificantByte(_ head: UnsafeBufferPointer<UInt8>) -> UInt8? {
        head.first {
            $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") && $0 != UInt8(ascii: "\n") && $0 != UInt8(ascii: "\r")
        }
    }

    /// Why the first bytes of an input are not text, or nil when they look like text.
    static func binaryReason(_ head: UnsafeBufferPointer<UInt8>) -> String? {
        let sample = head.prefix(65536)
        if sample.contains(0) { return "it contains NUL bytes, as binary files and UTF-16 text do" }
        let control = sample.filter { $0 < 0x09 || ($0 > 0x0D && $0 < 0x20) || $0 == 0x7F }.count
        if control * 100 > sample.count { return "\(control) control bytes in the first \(sample.count)" }
        if String(validating: sample, as: UTF8.self) == nil {
            // A multi-byte character cut by the sample's end is fine; broken UTF-8 throughout is not.
            var invalid = 0
            var iterator = sample.makeIterator()
            var decoder = UTF8()
            while case let result = decoder.decode(&iterator), !result.isEmptyInput {
                if case .error = result { invalid += 1 }
            }
            if invalid * 20 > sample.count {
                return "\(invalid) invalid UTF-8 sequences in the first \(sample.count) bytes"
            }
        }
        return nil
    }
}

extension UnicodeDecodingResult {
    fileprivate var isEmptyInput: Bool {
        if case .emptyInput = self { return true }
        return false
    }
}
