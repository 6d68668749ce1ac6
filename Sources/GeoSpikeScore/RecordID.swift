import GeoSpikeModel

/// Stable record identifiers, so that overlapping runs (every 15 minutes over the last 30)
/// produce the same id for the same model, bucket and country, and downstream stores
/// deduplicate instead of alerting twice.
public enum RecordID {
    /// FNV-1a 64 of `model|bucketStart|country`, as 16 hex digits.
    public static func make(modelID: String, bucketStart: Int64, country: String) -> String {
        var hash = FNV1a64()
        hash.add("\(modelID)|\(bucketStart)|\(country)")
        return hash.hex
    }
}
