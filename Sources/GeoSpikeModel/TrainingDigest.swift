import Foundation
import GeoSpikeIngest

/// The identity of a training: what went in, not the last bits of what came out.
///
/// A model's numbers depend in their last bits on the CPU (glibc's libm and OpenBLAS pick
/// kernels per CPU), so an identifier taken from the file's bytes would differ between
/// machines for the same training, and with it every `record_id` the scorer derives from
/// it: overlapping runs on two hosts would then not deduplicate. This digest covers only
/// exact things: the tool version, the options as given, and the training data as
/// integers (every non-zero cell, the observed bucket range and each country's usual
/// sources). The same logs and options give the same digest on any machine.
///
/// FNV-1a 64 (as `record_id`): an identifier to tell trainings apart, not a defence
/// against someone forging a collision.
public enum TrainingDigest {
    /// Bumped when what the digest covers changes, so that old and new digests never meet.
    static let scheme = "geospike-training-digest 1"

    /// The model identifier of a training of `table` with `options` by this tool version.
    public static func modelID(table: CountTable, options: TrainingOptions, toolVersion: String) -> String {
        var hash = FNV1a64()
        hash.add("\(scheme)\n\(toolVersion)\n")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Options are what the user typed: exact decimal inputs, encoded the same everywhere.
        hash.add((try? encoder.encode(options)).map { String(decoding: $0, as: UTF8.self) } ?? "\(options)")
        hash.add("\nspan \(table.bucketSpan.seconds)")
        if let range = table.bucketRange { hash.add(" range \(range.lowerBound) \(range.upperBound)") }
        hash.add("\n")
        // As integers, not text: a year of training is millions of cells.
        for cell in table.sortedCells {
            hash.add(cell.key.bucketStart)
            hash.add(Int64(cell.key.country.packed))
            hash.add(Int64(cell.count))
        }
        let sources = Trainer.usualSources(table)
        for country in sources.keys.sorted() {
            hash.add("sources \(country.code)")
            // Lengths first, so that no two different lists hash as the same bytes.
            for source in sources[country] ?? [] { hash.add(" \(source.utf8.count):\(source)") }
            hash.add("\n")
        }
        return "geospike-" + hash.hex
    }

    /// Whether `id` has the form `modelID` gives (a model file's header is data to check).
    public static func isWellFormed(_ id: String) -> Bool {
        let digits = id.utf8.dropFirst("geospike-".utf8.count)
        return id.hasPrefix("geospike-") && digits.count == 16
            && digits.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0) }
    }
}

/// FNV-1a, 64 bits (Fowler, Noll and Vo): a few lines, stable across platforms and versions.
public struct FNV1a64: Sendable {
    public private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    public init() {}

    public mutating func add(_ text: String) {
        for byte in text.utf8 { add(byte: byte) }
    }

    /// The eight little-endian bytes of `number`.
    public mutating func add(_ number: Int64) {
        var bits = UInt64(bitPattern: number)
        for _ in 0..<8 {
            add(byte: UInt8(truncatingIfNeeded: bits))
            bits >>= 8
        }
    }

    @inline(__always)
    mutating func add(byte: UInt8) {
        value ^= UInt64(byte)
        value &*= 0x0000_0100_0000_01B3
    }

    /// The value as 16 lower-case hex digits.
    public var hex: String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
