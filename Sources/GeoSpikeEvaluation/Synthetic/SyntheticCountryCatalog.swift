import GeoSpikeIngest

/// The destination countries of the synthetic organisation, in the order of how much it
/// talks to them, with the names and continents that GeoIP enrichment writes into ECS.
enum SyntheticCountryCatalog {
    /// Countries a European organisation talks to, most traffic first: cloud and SaaS
    /// regions, then neighbours and trading partners, then a long tail.
    static let usual: [String] = [
        "US", "DE", "IE", "NL", "GB", "FR", "SE", "CH", "JP", "CA", "IT", "ES", "PL", "FI", "BE",
        "AT", "DK", "NO", "SG", "AU", "IN", "BR", "CZ", "KR", "HK", "RO", "PT", "IL", "ZA", "TW",
        "LU", "HU", "GR", "UA", "TR", "MX", "AR", "CL", "NZ", "BG", "SK", "SI", "HR", "EE", "LT",
        "LV", "IS", "MT", "CY", "AE", "TH", "MY", "ID", "VN", "PH", "CO", "EG", "SA", "KE", "NG",
    ]

    /// Countries the organisation never talks to: where command-and-control servers sit.
    static let neverSeen: [String] = [
        "KZ", "MD", "BY", "IR", "PA", "BZ", "SC", "VE", "UZ", "AM", "GE", "AZ", "KG", "BD", "PK",
    ]

    /// Countries outside the `count` usual ones that stray connections go to: the rest of
    /// the usual list, never the command-and-control countries.
    static func strayDestinations(usualCount count: Int) -> [CountryCode] {
        usual.dropFirst(count).compactMap { CountryCode($0) }
    }

    /// The name MaxMind GeoLite2 (and so Elastic's geoip processor) gives a country.
    static func geoName(_ country: CountryCode) -> String {
        geoNames[country.code] ?? country.name
    }

    /// The continent name Elastic's geoip processor writes beside the country.
    static func continentName(_ country: CountryCode) -> String {
        switch country.code {
        case "US", "CA", "MX", "PA", "BZ": return "North America"
        case "BR", "AR", "CL", "CO", "VE": return "South America"
        case "JP", "SG", "IN", "KR", "HK", "IL", "TW", "TR", "AE", "TH", "MY", "ID", "VN", "PH", "SA",
            "KZ", "IR", "UZ", "AM", "GE", "AZ", "KG", "BD", "PK":
            return "Asia"
        case "AU", "NZ": return "Oceania"
        case "ZA", "EG", "KE", "NG", "SC": return "Africa"
        default: return "Europe"
        }
    }

    /// Only where MaxMind's spelling differs from the ISO short name.
    private static let geoNames: [String: String] = [
        "NL": "The Netherlands", "MD": "Republic of Moldova",
    ]
}
