import GeoSpikeIngest

/// Labels encode the country as its two-letter code, the way the label files spell it.
extension SpikeLabel: Codable {
    private enum CodingKeys: String, CodingKey {
        case bucketStart = "bucket_start"
        case country, kind
        case addedEvents = "added_events"
        case sourceHost = "source_host"
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let code = try container.decode(String.self, forKey: .country)
        guard let country = CountryCode(code) else {
            throw DecodingError.dataCorruptedError(
                forKey: .country, in: container, debugDescription: "'\(code)' is not a two-letter country code")
        }
        self.init(
            bucketStart: try container.decode(Int64.self, forKey: .bucketStart),
            country: country,
            kind: try container.decode(String.self, forKey: .kind),
            addedEvents: try container.decode(Int.self, forKey: .addedEvents),
            sourceHost: try container.decodeIfPresent(String.self, forKey: .sourceHost))
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(bucketStart, forKey: .bucketStart)
        try container.encode(country.code, forKey: .country)
        try container.encode(kind, forKey: .kind)
        try container.encode(addedEvents, forKey: .addedEvents)
        try container.encodeIfPresent(sourceHost, forKey: .sourceHost)
    }
}
