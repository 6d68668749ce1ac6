import Foundation

/// A file mapped read-only into memory for as long as this object lives.
///
/// For the files a scorer run reads whole before it can start: the 9.5 MB tor-geoipdb IPv4
/// table and the model. Mapping shares the page cache's copy, where reading into fresh
/// memory costs a page fault per 4 KB (in a virtual machine, most of the load time); the
/// pages are populated in one call rather than faulted in one by one. Foundation's
/// `Data(contentsOf:options: .alwaysMapped)` reads the file on Linux, hence the system
/// calls here.
public final class MappedFile: @unchecked Sendable {
    // @unchecked: the mapping is read-only and never changes after init.
    public let bytes: UnsafeBufferPointer<UInt8>

    /// Maps a regular file; nil when it cannot be opened or mapped (callers then read it).
    public init?(path: String) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { return nil }
        let size = Int(status.st_size)
        guard size > 0 else {
            bytes = UnsafeBufferPointer(start: nil, count: 0)
            return
        }
        let address = mmap(nil, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, descriptor, 0)
        guard let address, address != MAP_FAILED else { return nil }
        bytes = UnsafeBufferPointer(start: address.assumingMemoryBound(to: UInt8.self), count: size)
    }

    deinit {
        if let base = bytes.baseAddress { munmap(UnsafeMutableRawPointer(mutating: base), bytes.count) }
    }
}
