import Foundation
import GeoSpikeIngest
@testable import GeoSpikeModel
import GeoSpikeNumerics
import GeoSpikeTestSupport
import Testing

/// `model_id` names the training, so that it (and every `record_id`) is the same on any
/// CPU, whose kernels change a model's last bits but not what it was trained on.
@Suite("Model identifiers")
struct TrainingDigestTests {
    static func table(extra: Int = 0) -> CountTable {
        var table = Simulated.table(country: "SE", days: 7, draw: { _, rng in rng.poisson(4) }, seed: 3)
        if extra > 0 { table.add(bucketStart: table.bucketRange!.lowerBound, country: CountryCode("SE")!, count: extra) }
        return table
    }

    static func options(seed: UInt64 = 1) -> TrainingOptions {
        var options = TrainingOptions()
        options.seed = seed
        return options
    }

    @Test func theSameTrainingHasTheSameIdentifier() throws {
        let a = try Trainer(options: Self.options()).train(Self.table())
        let b = try Trainer(options: Self.options()).train(Self.table())
        let id = try #require(a.metadata.trainingID)
        #expect(TrainingDigest.isWellFormed(id))
        #expect(id.count == "geospike-".count + 16)
        #expect(try ModelFile.identifier(of: a) == id)
        #expect(b.metadata.trainingID == id)
    }

    @Test func anotherOptionOrCountIsAnotherTraining() throws {
        let base = TrainingDigest.modelID(table: Self.table(), options: Self.options(), toolVersion: "0.1.0")
        #expect(TrainingDigest.modelID(table: Self.table(), options: Self.options(seed: 2), toolVersion: "0.1.0") != base)
        #expect(TrainingDigest.modelID(table: Self.table(extra: 1), options: Self.options(), toolVersion: "0.1.0") != base)
        #expect(TrainingDigest.modelID(table: Self.table(), options: Self.options(), toolVersion: "0.2.0") != base)
    }

    /// What another CPU does to a model: the last bits of its numbers move. The identifier
    /// read back from the file, which the scorer stamps on records, must not.
    @Test func lastBitsOfTheNumbersDoNotChangeTheIdentifier() throws {
        let model = try Trainer(options: Self.options()).train(Self.table())
        var other = model
        other.coefficients.values = model.coefficients.values.map { $0.nextUp }
        other.countries[0].dispersion = model.countries[0].dispersion.nextDown
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("digest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let (pathA, pathB) = (directory.appendingPathComponent("a.gsm").path, directory.appendingPathComponent("b.gsm").path)
        try ModelFile.write(model, to: pathA)
        try ModelFile.write(other, to: pathB)
        #expect(try ModelFile.encode(model) != ModelFile.encode(other))
        #expect(try ModelFile.readIdentified(from: pathA).identifier == model.metadata.trainingID)
        #expect(try ModelFile.readIdentified(from: pathB).identifier == model.metadata.trainingID)
    }

    /// Models from before the digest was recorded keep their old identifier, the file's CRC.
    @Test func modelsWithoutADigestKeepTheirChecksumIdentifier() throws {
        var model = try Trainer(options: Self.options()).train(Self.table())
        model.metadata.trainingID = nil
        let bytes = try ModelFile.encode(model)
        #expect(!String(decoding: bytes, as: UTF8.self).contains("trainingID"))
        let decoded = try ModelFile.decode(bytes, name: "old.gsm")
        let crc: UInt32 = ModelFile.read(bytes, at: bytes.count - 4)
        #expect(try ModelFile.identifier(of: decoded) == "geospike-" + String(format: "%08x", crc))
    }

    @Test func aForgedIdentifierIsRefused() throws {
        var model = try Trainer(options: Self.options()).train(Self.table())
        model.metadata.trainingID = "geospike-\u{1B}[2Jpwned"
        let error = #expect(throws: GeoSpikeError.self) { try ModelFile.decode(ModelFile.encode(model), name: "m.gsm") }
        #expect(error?.kind == .badData)
        #expect(error?.message.contains("trainingID") == true)
    }
}
