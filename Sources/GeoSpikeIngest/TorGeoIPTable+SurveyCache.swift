import Foundation

extension TorGeoIPTable {
    /// What the survey found for a table file, remembered on disk across runs.
    ///
    /// The survey checks every line of a table: about 5 ms for Debian's IPv4 file and 25 ms
    /// for its IPv6 file, in a scorer run whose whole budget is 50 ms, for files that change
    /// only when the tor-geoipdb package does. So a survey that passed is written down
    /// under the user's cache directory, keyed by the file's `MappedFile.identity`
    /// (device, inode, size, modification and change times), which any write to the file or
    /// replacement of it changes. A malformed file is never written down, so it fails in
    /// every run. The cache only ever saves time: an entry that cannot be read or written
    /// costs one survey, nothing else.
    public struct SurveyCache: Sendable {
        public let directory: String
        /// Smaller files are checked in well under a millisecond and not remembered, so
        /// that temporary tables (tests, trials) leave nothing behind.
        public let minimumBytes: Int

        public init(directory: String, minimumBytes: Int = 1 << 20) {
            self.directory = directory
            self.minimumBytes = minimumBytes
        }

        /// `$XDG_CACHE_HOME/geospike`, else `~/.cache/geospike`; nil when neither is known.
        public static var standard: SurveyCache? {
            let environment = ProcessInfo.processInfo.environment
            if let base = environment["XDG_CACHE_HOME"], base.hasPrefix("/") {
                return SurveyCache(directory: base + "/geospike")
            }
            guard let home = environment["HOME"], home.hasPrefix("/") else { return nil }
            return SurveyCache(directory: home + "/.cache/geospike")
        }

        /// One small file per table version: stale ones are a few bytes each.
        func entryPath(_ identity: String) -> String { "\(directory)/tor-geoip-survey-\(identity)" }

        static let format = "geospike tor-geoip survey 1"

        func survey(of identity: String) -> Survey? {
            guard let data = FileManager.default.contents(atPath: entryPath(identity)) else { return nil }
            let fields = String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
            guard fields.count == 6, fields[0] == Self.format, let v4Ranges = Int(fields[1]),
                let v6Ranges = Int(fields[2]), let v4Sorted = Bool(fields[3]), let v6Sorted = Bool(fields[4]),
                let firstRange = Int(fields[5])
            else { return nil }
            return Survey(
                v4Ranges: v4Ranges, v6Ranges: v6Ranges, v4Sorted: v4Sorted, v6Sorted: v6Sorted,
                firstRange: firstRange < 0 ? nil : firstRange)
        }

        /// Written whole under a temporary name, then renamed, so that a concurrent run
        /// reads the entry whole or not at all.
        func remember(_ survey: Survey, of identity: String) {
            let text = [
                Self.format, String(survey.v4Ranges), String(survey.v6Ranges), String(survey.v4Sorted),
                String(survey.v6Sorted), String(survey.firstRange ?? -1),
            ].joined(separator: "\n")
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try? Data(text.utf8).write(to: URL(fileURLWithPath: entryPath(identity)), options: .atomic)
        }
    }
}
