import Foundation

/// A file mapped read-only into memory for as long as this object lives.
///
/// For the tor-geoipdb tables (25 MB), of which a scorer run bisects a few pages (models
/// are read into private memory instead: one replaced in place must not end a run by SIGBUS). Mapping shares the page
/// cache's copy, where reading into fresh memory costs a page fault per 4 KB (in a virtual
/// machine, most of the load time); a file read whole has its pages populated in one call
/// rather than faulted in one by one. Foundation's
/// `Data(contentsOf:options: .alwaysMapped)` reads the file on Linux, hence the system
/// calls here.
public final class MappedFile: @unchecked Sendable {
    // @unchecked: the mapping is read-only and never changes after init.
    public let bytes: UnsafeBufferPointer<UInt8>
    /// Device, inode, size and modification and change times (ns) of the mapped file:
    /// different whenever the file is replaced or written to.
    public let identity: String

    /// Maps a regular file; nil when it cannot be opened or mapped (callers then read it).
    /// `populate: false` leaves pages to be faulted in when touched, for a file of which a
    /// run reads only a few pages.
    public init?(path: String, populate: Bool = true) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { return nil }
        let size = Int(status.st_size)
        identity = [
            UInt64(status.st_dev), UInt64(status.st_ino), UInt64(size),
            UInt64(status.st_mtim.tv_sec), UInt64(status.st_mtim.tv_nsec),
            UInt64(status.st_ctim.tv_sec), UInt64(status.st_ctim.tv_nsec),
        ].map(String.init).joined(separator: "-")
        guard size > 0 else {
            bytes = UnsafeBufferPointer(start: nil, count: 0)
            return
        }
        let address = mmap(nil, size, PROT_READ, MAP_PRIVATE | (populate ? MAP_POPULATE : 0), descriptor, 0)
        guard let address, address != MAP_FAILED else { return nil }
        bytes = UnsafeBufferPointer(start: address.assumingMemoryBound(to: UInt8.self), count: size)
    }

    /// Faults every page in now, in one call, for a mapping made without `populate` that is
    /// to be read whole after all (a table the `SurveyCache` did not know).
    public func populate() {
        guard let base = bytes.baseAddress else { return }
        // MADV_POPULATE_READ (Linux 5.14); where it is unknown, pages fault in as they are read.
        _ = madvise(UnsafeMutableRawPointer(mutating: base), bytes.count, 22)
    }

    deinit {
        if let base = bytes.baseAddress { munmap(UnsafeMutableRawPointer(mutating: base), bytes.count) }
    }
}
