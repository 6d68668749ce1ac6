import Foundation
import GeoSpikeIngest
import Testing

@testable import GeoSpikeModel

/// `CountryListReader` replaces `JSONDecoder` for the header's countries, so it must read
/// every model exactly as Codable would, and name the field when it cannot.
@Suite("Country list reader")
struct CountryListReaderTests {
    /// The test model with strings that need every kind of JSON escape.
    static func model() throws -> TrainedModel {
        var model = try ModelFileTests.model()
        model.countries[0].usualSources = [
            "host \"quoted\" / back\\slash", "café ☕ 😀", "tab\tnew\nline\u{01}", "",
        ]
        model.countries[1].selection.reason += " (events/bucket)"
        return model
    }

    /// The model file with its header edited as text, its lengths and checksum made good again.
    static func editingHeader(_ bytes: [UInt8], _ edit: (String) -> String) -> [UInt8] {
        let length = Int(ModelFile.read(bytes, at: 12) as UInt64)
        let header = Array(edit(String(decoding: bytes[20..<(20 + length)], as: UTF8.self)).utf8)
        var edited = Array(bytes[0..<12])
        ModelFile.append(UInt64(header.count), to: &edited)
        edited += header + bytes[(20 + length)..<(bytes.count - 4)]
        ModelFile.append(CRC32.checksum(edited), to: &edited)
        return edited
    }

    /// The first `"key":value` of the header, replaced.
    static func replacingFirst(_ key: String, with replacement: String, in header: String) -> String {
        guard let start = header.range(of: "\"\(key)\":"),
            let end = header[start.upperBound...].firstIndex(where: { $0 == "," || $0 == "}" })
        else { return header }
        return header.replacingCharacters(in: start.lowerBound..<end, with: replacement)
    }

    @Test func readsWhatJSONDecoderReads() throws {
        let model = try Self.model()
        let bytes = try ModelFile.encode(model)
        let decoded = try ModelFile.decode(bytes, name: "m.gsm")
        #expect(decoded.countries == model.countries)
        #expect(decoded.countries[0].usualSources[0] == "host \"quoted\" / back\\slash")

        struct Countries: Decodable { var countries: [CountryModel] }
        let length = Int(ModelFile.read(bytes, at: 12) as UInt64)
        let codable = try JSONDecoder().decode(Countries.self, from: Data(bytes[20..<(20 + length)]))
        #expect(decoded.countries == codable.countries)
    }

    @Test func fieldsFromANewerVersionAreSkipped() throws {
        let model = try Self.model()
        let edited = Self.editingHeader(try ModelFile.encode(model)) {
            $0.replacingOccurrences(
                of: "{\"country\":", with: "{\"added\": {\"a\": [1.5e-3, true, null, \"]}\\\"\"]}, \"country\" :")
        }
        #expect(try ModelFile.decode(edited, name: "m.gsm").countries == model.countries)
    }

    @Test func aFieldOfTheWrongTypeIsNamed() throws {
        let bytes = try ModelFile.encode(try Self.model())
        let cases: [(key: String, replacement: String, message: String)] = [
            ("dispersion", "\"dispersion\":\"0.3\"", "countries[0].dispersion is not a number"),
            ("trainingEvents", "\"trainingEvents\":1.5", "countries[0].trainingEvents: '1.5' is not a whole number"),
            ("family", "\"family\":\"zipf\"", "countries[0].family: unknown family \"zipf\""),
            ("sigma", "\"sigmaa\":0", "countries[0] has no \"sigma\""),
        ]
        for (key, replacement, message) in cases {
            let edited = Self.editingHeader(bytes) { Self.replacingFirst(key, with: replacement, in: $0) }
            let error = #expect(throws: GeoSpikeError.self) { try ModelFile.decode(edited, name: "m.gsm") }
            #expect(error?.kind == .badData)
            #expect(error?.message.hasPrefix("m.gsm: header does not decode") == true)
            #expect(error?.message.contains(message) == true, "\(error?.message ?? "")")
        }
    }
}
