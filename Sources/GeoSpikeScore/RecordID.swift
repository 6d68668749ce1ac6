/// Stable record identifiers, so that overlapping runs (every 15 minutes over the last 30)
/// produce the same id for the same model, bucket and country, and downstream stores
/// deduplicate instead of alerting twice.
public enum RecordID {
    /// FNV-1a 64 of `model|bucketStart|country`, as 16 hex digits.
    public static func make(modelID: String, bucketStart: Int64, country: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in "\(modelID)|\(bucketStart)|\(country)".utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
