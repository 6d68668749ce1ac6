/// The raw values a reader found on one line, pointing into the reader's buffers.
///
/// Valid only while the line is being handled; the counting path turns them into a
/// country and influencer tallies without building Strings unless it must.
struct EventFields {
    /// Epoch seconds, UTC.
    var time: Double = 0
    var countryCode: UnsafeBufferPointer<UInt8>?
    var countryName: UnsafeBufferPointer<UInt8>?
    var destinationIP: UnsafeBufferPointer<UInt8>?
    var sourceIP: UnsafeBufferPointer<UInt8>?
    var destinationPort: UnsafeBufferPointer<UInt8>?
    var processName: UnsafeBufferPointer<UInt8>?
    var hostName: UnsafeBufferPointer<UInt8>?
    var userName: UnsafeBufferPointer<UInt8>?

    /// The value of an influencer field, if the line had one.
    @inline(__always)
    func value(of field: InfluencerField) -> UnsafeBufferPointer<UInt8>? {
        switch field {
        case .sourceIP: return sourceIP
        case .destinationIP: return destinationIP
        case .destinationPort: return destinationPort
        case .processName: return processName
        case .hostName: return hostName
        case .userName: return userName
        }
    }
}
