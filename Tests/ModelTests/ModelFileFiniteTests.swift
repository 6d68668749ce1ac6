import Foundation
import GeoSpikeIngest
@testable import GeoSpikeModel
import Testing

/// A model file with a valid checksum but NaN or infinite numbers (edited, or damaged and
/// re-summed) is refused at load with the field's name, rather than scored into NaN
/// probabilities that silently drop alerts.
@Suite("Non-finite numbers in model files")
struct ModelFileFiniteTests {
    /// `bytes` with the checksum recomputed, as a tool that edits the file would leave it.
    static func resummed(_ bytes: [UInt8]) -> [UInt8] {
        var bytes = Array(bytes.dropLast(4))
        ModelFile.append(CRC32.checksum(bytes), to: &bytes)
        return bytes
    }

    /// The byte offset of coefficient `i` in an encoded model.
    static func coefficientOffset(_ bytes: [UInt8], _ i: Int) -> Int {
        let headerLength = Int(ModelFile.read(bytes, at: 12) as UInt64)
        return 20 + headerLength + 8 + 8 * i
    }

    @Test(arguments: [Double.nan, .infinity, -.infinity, 1e308, -2000])
    func aNonFiniteCoefficientIsRefusedByName(value: Double) throws {
        let model = try ModelFileTests.model()
        var bytes = try ModelFile.encode(model)
        // The second country's third coefficient.
        let i = model.coefficients.rows + 2
        let offset = Self.coefficientOffset(bytes, i)
        withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.replaceSubrange(offset..<(offset + 8), with: $0) }
        let error = #expect(throws: GeoSpikeError.self) { try ModelFile.decode(Self.resummed(bytes), name: "m.gsm") }
        #expect(error?.kind == .badData)
        let expected = "m.gsm: coefficients[\(model.countries[1].country), \(model.metadata.columns[2])] is \(value), "
            + (value.isFinite ? "beyond any log-scale coefficient" : "not a finite number")
        #expect(error?.message.hasPrefix(expected) == true, "\(error?.message ?? "")")
    }

    @Test func aNonFiniteHeaderNumberIsRefused() throws {
        var model = try ModelFileTests.model()
        model.countries[0].windowVarianceFactor = 1.5
        let bytes = try ModelFile.encode(model)
        // Found in the bytes, not in a decoded string: the binary length before the header can
        // hold bytes that are not UTF-8, and their replacement characters would move offsets.
        let original = "\"windowVarianceFactor\":1.5"
        let needle = Array(original.utf8)
        let start = try #require(
            (0...(bytes.count - needle.count)).first { bytes[$0..<($0 + needle.count)].elementsEqual(needle) })
        var edited = bytes
        let replacement = Array("\"windowVarianceFactor\":9e9999".utf8)
        // Keep the header length: replace the number and drop as many spaces as were added.
        edited.replaceSubrange(start..<(start + original.utf8.count), with: replacement)
        let grown = replacement.count - original.utf8.count
        let headerLength = Int(ModelFile.read(bytes, at: 12) as UInt64) + grown
        withUnsafeBytes(of: UInt64(headerLength).littleEndian) { edited.replaceSubrange(12..<20, with: $0) }
        let error = #expect(throws: GeoSpikeError.self) { try ModelFile.decode(Self.resummed(edited), name: "m.gsm") }
        #expect(error?.kind == .badData)
        #expect(error?.message.contains("windowVarianceFactor") == true, "\(error?.message ?? "")")
    }
}
