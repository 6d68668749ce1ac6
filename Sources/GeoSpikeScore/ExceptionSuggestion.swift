import GeoSpikeIngest

/// Proposes the narrowest exception that explains a benign alert's spike.
///
/// The exception must take out at least the alert's excess over an ordinary count,
/// `need = actual − ⌊typical + 3·√max(typical, 1)⌋`, or the recounted bucket would still
/// alert (the model is not at hand here, so "ordinary" is three Poisson standard
/// deviations; `geospike-score --exceptions` makes the real judgement). From the
/// alert's top values it picks, per source field (`host.name`, `user.name`,
/// `process.name`, `source.ip`, in that order), the fewest values (at most three)
/// whose counts reach `need`. Fields are combined (AND) while the events they are
/// guaranteed to match together still reach `need`:
/// ```
/// matched(f₁ ∧ … ∧ fₖ) ≥ actual − Σ (actual − covered(fᵢ))
/// ```
/// so every condition added narrows the exception without letting the spike through.
/// When no source field covers the spike (it is spread over many hosts, or the logs
/// carried no influencers), there is no narrow exception, and a country-wide one is
/// proposed only when asked: that is the exception the investigation guide warns against.
public enum ExceptionSuggestion {
    /// The source fields an exception may condition on, narrowest-first preference.
    public static let sourceFields = ["host.name", "user.name", "process.name", "source.ip"]

    /// Values per field: at most this many alternatives before a field is too broad to use.
    public static let maximumValues = 3

    /// The proposed entry for `alert`, or nil when none narrower than the country exists
    /// and `allowCountryWide` is false.
    public static func suggest(
        for alert: BenignAlert, reason: String, owner: String, expires: Double? = nil, allowCountryWide: Bool = false
    ) -> ExceptionEntry? {
        let ordinary = Int((alert.typical + 3 * max(alert.typical, 1).squareRoot()).rounded(.down))
        let need = max(1, alert.actual - ordinary)
        var entry = ExceptionEntry(
            id: "", country: alert.country, reason: reason, owner: owner, expires: expires,
            location: alert.location)
        var guaranteed = alert.actual
        for field in sourceFields {
            guard let values = alert.influencers[field], let (chosen, covered) = cover(values, need: need) else { continue }
            let together = guaranteed - (alert.actual - min(covered, alert.actual))
            guard together >= need else { continue }
            guaranteed = together
            switch field {
            case "host.name": entry.hostNames = chosen
            case "user.name": entry.userNames = chosen
            case "process.name": entry.processNames = chosen
            default: entry.sourceNetworks = chosen.compactMap { try? CIDRBlock(parsing: $0) }
            }
        }
        guard !entry.isCountryWide || allowCountryWide else { return nil }
        let anchor = entry.hostNames.first ?? entry.userNames.first ?? entry.processNames.first
            ?? entry.sourceNetworks.first?.network.description ?? "country-wide"
        entry.id = Self.slug("\(alert.country.code)-\(anchor)")
        return entry
    }

    /// The fewest top values whose counts reach `need`, and their total; nil if
    /// `maximumValues` of them do not.
    static func cover(_ values: [AnomalyRecord.InfluencerValue], need: Int) -> ([String], Int)? {
        var chosen: [String] = []
        var total = 0
        for v in values.sorted(by: { $0.count > $1.count }).prefix(maximumValues) {
            chosen.append(v.value)
            total += v.count
            if total >= need { return (chosen, total) }
        }
        return nil
    }

    /// Suggestions for several alerts, identical ones merged, ids made unique.
    public static func suggest(
        for alerts: [BenignAlert], reason: String, owner: String, expires: Double? = nil, allowCountryWide: Bool = false
    ) -> (list: ExceptionList, unexplained: [BenignAlert]) {
        var entries: [ExceptionEntry] = []
        var unexplained: [BenignAlert] = []
        for alert in alerts {
            guard var entry = suggest(for: alert, reason: reason, owner: owner, expires: expires, allowCountryWide: allowCountryWide)
            else {
                unexplained.append(alert)
                continue
            }
            if entries.contains(where: { sameConditions($0, entry) }) { continue }
            let base = entry.id
            var n = 2
            while entries.contains(where: { $0.id == entry.id }) {
                entry.id = "\(base)-\(n)"
                n += 1
            }
            entries.append(entry)
        }
        return (ExceptionList(entries: entries), unexplained)
    }

    static func sameConditions(_ a: ExceptionEntry, _ b: ExceptionEntry) -> Bool {
        a.country == b.country && a.hostNames == b.hostNames && a.userNames == b.userNames
            && a.processNames == b.processNames && a.sourceNetworks == b.sourceNetworks
    }

    static func slug(_ text: String) -> String {
        String(text.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" })
    }
}
