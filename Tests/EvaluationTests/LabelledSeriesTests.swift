import Foundation
import GeoSpikeEvaluation
import GeoSpikeIngest
import GeoSpikeModel
import Testing

@Suite("Labelled series")
struct LabelledSeriesTests {
    static let real = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("datasets/real/cloud-monitoring")

    static func write(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("labelled-\(UUID().uuidString).csv").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func readsQuotedFieldsHolesAndRepeatedRows() throws {
        let path = try Self.write(
            "\"TimeStamp\",\"Value\",\"Label\"\r\n\"2018-03-15T00:00:00Z\",\"3\",\"0\"\r\n"
                + "\"2018-03-15T01:00:00Z\",\"\",\"0\"\r\n\"2018-03-15T03:00:00Z\",\"9.0\",\"1\"\r\n"
                + "\"2018-03-15T03:00:00Z\",\"9.0\",\"0\"\r\n\"2018-03-15T04:00:00Z\",\"2\",\"0\"\r\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let s = try LabelledSeries.read(path: path)
        #expect(s.step.seconds == 3600)
        #expect(s.values == [3, nil, nil, 9, 2])
        #expect(s.labels == [false, false, false, true, false])
    }

    @Test func aRepeatedTimeStampWithAnotherValueNamesItsLine() throws {
        let path = try Self.write(
            "TimeStamp,Value,Label\n2018-06-19 00:00:00,7,0\n2018-06-19 01:00:00,6,0\n2018-06-19 01:00:00,8,0\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect {
            try LabelledSeries.read(path: path)
        } throws: { error in
            let e = error as? GeoSpikeError
            return e?.exitCode == 65 && e?.message.contains("\(path):4:") == true
                && e?.message.contains("line 3") == true
        }
    }

    @Test func aBadLabelNamesItsLine() throws {
        let path = try Self.write("TimeStamp,Value,Label\n2018-06-19 00:00:00,7,0\n2018-06-19 01:00:00,6,yes\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect {
            try LabelledSeries.read(path: path)
        } throws: { ($0 as? GeoSpikeError)?.message.hasPrefix("\(path):3: Label") == true }
    }

    /// The real series' small form of the bar: at the default threshold the false alerts a
    /// day stay near what the models predict, and spikes are still found. Measured when
    /// written: 58 of 92 episodes at 0.12 false alerts a day against 0.1 predicted; the
    /// bounds leave room for other CPUs' last bits, not for a return to the old model's
    /// 0.93 a day.
    @Test func realSeriesKeepTheirPromise() throws {
        let files = try FileManager.default.subpathsOfDirectory(atPath: Self.real.path)
            .filter { $0.hasSuffix(".csv") }.sorted().map { Self.real.appendingPathComponent($0).path }
        #expect(files.count == 16)
        let result = try LabelledWalkForward.run(
            files.map { try LabelledSeries.read(path: $0) }, options: .init(training: TrainingOptions()))
        let up = result.series.map(\.upEpisodes).reduce(0, +)
        let found = result.series.map(\.found).reduce(0, +)
        let falsePerDay = Double(result.totalFalse) / result.totalTestDays
        #expect(result.series.count == 15 && result.skipped.map(\.name) == ["app1-09"])
        #expect(up == 92)
        #expect(falsePerDay <= 0.2, "\(result.text)")
        #expect(found >= 52, "\(result.text)")
    }
}
