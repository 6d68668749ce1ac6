/// Purpose tags of the generator's independent random streams.
///
/// Each kind of randomness has its own stream, keyed further by bucket or day, so that
/// asking for event details (or attacks) never changes the counts, and the clean and the
/// attacked version of the same day share every normal event.
enum SyntheticStreams {
    static let profiles: UInt64 = 1
    static let cellNoise: UInt64 = 2
    static let bucketDetails: UInt64 = 3
    static let attacks: UInt64 = 4
    static let hosts: UInt64 = 5
    static let addresses: UInt64 = 6
    static let nightlyJobs: UInt64 = 7
    static let attackDetails: UInt64 = 8
    static let strays: UInt64 = 9
}
