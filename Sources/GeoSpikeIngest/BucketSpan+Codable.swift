/// A span is stored as its whole seconds.
extension BucketSpan: Codable {
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        let seconds = try container.decode(Int64.self)
        guard seconds > 0, 86400 % seconds == 0 else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "bucket span \(seconds) s is not a positive divisor of a day")
        }
        self.init(seconds: seconds)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(seconds)
    }
}
