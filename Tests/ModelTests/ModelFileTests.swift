import Foundation
import GeoSpikeIngest
@testable import GeoSpikeModel
import GeoSpikeNumerics
import GeoSpikeTestSupport
import Testing

@Suite("Model files")
struct ModelFileTests {
    /// A small two-country model, trained for real so every field is populated.
    static func model() throws -> TrainedModel {
        var table = Simulated.table(
            country: "SE", days: 14,
            draw: { t, rng in rng.negativeBinomial(mean: 3 + 2 * sin(Double(t % 86400) / 86400 * 2 * .pi), dispersion: 0.3) },
            seed: 7)
        let other = Simulated.table(country: "JP", days: 14, draw: { _, rng in rng.poisson(0.2) }, seed: 8)
        table.merge(other)
        var options = TrainingOptions()
        options.seed = 42
        return try Trainer(options: options).train(table)
    }

    @Test func roundTripsExactly() throws {
        let model = try Self.model()
        let decoded = try ModelFile.decode(try ModelFile.encode(model), name: "m")
        #expect(decoded == model)
        #expect(decoded.metadata.options.seed == 42)
        #expect(decoded.countries.map(\.country) == ["JP", "SE"])
    }

    @Test func sameDataSameBytes() throws {
        let a = try ModelFile.encode(try Self.model())
        let b = try ModelFile.encode(try Self.model())
        let firstDifference = zip(a, b).enumerated().first { $0.element.0 != $0.element.1 }?.offset
        #expect(a.count == b.count && firstDifference == nil, "model bytes differ from offset \(firstDifference ?? -1)")
        #expect(Array(a.prefix(8)) == Array("GEOSPIKE".utf8))
    }

    @Test func truncatedFileIsRefused() throws {
        let bytes = try ModelFile.encode(try Self.model())
        for cut in [0, 10, 30, bytes.count / 2, bytes.count - 1] {
            let error = #expect(throws: GeoSpikeError.self) { try ModelFile.decode(Array(bytes.prefix(cut)), name: "m.gsm") }
            #expect(error?.kind == .badData)
            #expect(error?.message.hasPrefix("m.gsm:") == true)
        }
    }

    @Test func flippedByteFailsTheChecksum() throws {
        var bytes = try ModelFile.encode(try Self.model())
        bytes[bytes.count / 2] ^= 0x20
        let error = #expect(throws: GeoSpikeError.self) { try ModelFile.decode(bytes, name: "m.gsm") }
        #expect(error?.message.contains("checksum") == true)
    }

    @Test func newerVersionIsRefusedWithAnUpgradeHint() throws {
        var bytes = try ModelFile.encode(try Self.model())
        bytes[8] = 2
        let error = #expect(throws: GeoSpikeError.self) { try ModelFile.decode(bytes, name: "m.gsm") }
        #expect(error?.message.contains("version 2 is newer") == true)
        #expect(error?.message.contains("upgrade") == true)
    }

    @Test func notAModel() {
        let error = #expect(throws: GeoSpikeError.self) {
            try ModelFile.decode(Array("{\"json\": true}".utf8), name: "x.json")
        }
        #expect(error?.message.contains("not a geospike model") == true)
    }

    @Test func nonFiniteParametersAreNeverWritten() throws {
        var model = try Self.model()
        model.coefficients[0, 0] = .nan
        #expect(throws: GeoSpikeError.self) { try ModelFile.encode(model) }
    }

    /// The writer refuses what the reader would: a number only the reader used to check.
    @Test func theWriterRefusesWhatTheReaderRefuses() throws {
        var model = try Self.model()
        model.countries[0].calibrationRatio = .infinity
        let error = #expect(throws: GeoSpikeError.self) { try ModelFile.encode(model) }
        #expect(error?.message.contains("calibrationRatio") == true, "\(String(describing: error))")
    }

    @Test func aMissingDirectoryIsAnIOErrorThatSaysSo() throws {
        let model = try Self.model()
        let error = #expect(throws: GeoSpikeError.self) { try ModelFile.write(model, to: "/nonexistent/dir/m.gsm") }
        #expect(error?.kind == .ioError)
        #expect(error?.message.contains("the directory /nonexistent/dir does not exist") == true, "\(String(describing: error))")
    }

    @Test func readingGivesTheIdentifierOfTheModel() throws {
        // The scorer takes its model_id from the file's CRC instead of encoding the model
        // again: the two must agree on every file this version writes.
        let model = try Self.model()
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("geospike-identified-\(ProcessInfo.processInfo.processIdentifier).gsm").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try ModelFile.write(model, to: path)
        let (read, identifier) = try ModelFile.readIdentified(from: path)
        #expect(read == model)
        #expect(identifier == (try ModelFile.identifier(of: model)))
        #expect(identifier == (try ModelFile.identifier(of: read)))
    }

    @Test func checksummingEightBytesAStepAgreesWithOneAtATime() {
        var state: UInt64 = 99
        for length in [0, 1, 7, 8, 9, 15, 16, 17, 63, 64, 65, 1000, 4099] {
            let bytes = (0..<length).map { _ -> UInt8 in
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return UInt8(truncatingIfNeeded: state >> 56)
            }
            let fast = bytes.withUnsafeBytes { CRC32.checksum(contiguous: $0) }
            #expect(fast == CRC32.checksum(bytes), "\(length) bytes")
        }
        #expect(Array("123456789".utf8).withUnsafeBytes { CRC32.checksum(contiguous: $0) } == 0xCBF4_3926)
    }

    @Test func missingFileIsNoInput() {
        let error = #expect(throws: GeoSpikeError.self) { try ModelFile.read(from: "/nonexistent/model.gsm") }
        #expect(error?.kind == .noInput)
    }
}
