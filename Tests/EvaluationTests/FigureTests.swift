import Foundation
import GeoSpikeEvaluation
import GeoSpikeIngest
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Parses SVG text and collects its elements and text, failing on malformed XML.
final class SVGInspector: NSObject, XMLParserDelegate {
    var elements: [String: Int] = [:]
    var texts: [String] = []
    private var current = ""

    static func inspect(_ svg: String) throws -> SVGInspector {
        let inspector = SVGInspector()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = inspector
        guard parser.parse() else {
            throw SVGError(message: "malformed SVG: \(parser.parserError.map { "\($0)" } ?? "unknown error")")
        }
        return inspector
    }

    func parser(
        _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        elements[name, default: 0] += 1
        current = ""
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { current += string }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "text" { texts.append(current) }
        current = ""
    }
}

struct SVGError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

@Suite("Figures")
struct FigureTests {
    static var chart: LineChart {
        var chart = LineChart(
            title: "Alerts & thresholds <test>",
            x: ChartAxis(title: "record_score threshold", lower: 0, upper: 100),
            y: ChartAxis(title: "alerts per day (log scale)", lower: 0.01, upper: 100, scale: .log10),
            series: [
                ChartSeries(name: "observed", color: "#0072B2", xs: [0, 50, 100], ys: [50, 2, 0.01], style: .step),
                ChartSeries(name: "predicted", color: "#D55E00", xs: [0, 50, 100], ys: [80, 1, 0.02], style: .dashed),
                ChartSeries(name: "band", color: "#0072B2", xs: [0, 100], ys: [1, 1], style: .band(upper: [10, 10])),
                ChartSeries(name: "bars", color: "#009E73", xs: [25, 75], ys: [3, 4], style: .bars(width: 10)),
            ])
        chart.markers = [(75, "threshold 75")]
        return chart
    }

    @Test func chartsAreWellFormedWithAxesUnitsAndLegend() throws {
        let svg = Self.chart.svg
        let inspected = try SVGInspector.inspect(svg)
        for label in [
            "Alerts & thresholds <test>", "record_score threshold", "alerts per day (log scale)", "observed", "predicted",
            "band", "bars", "threshold 75", "0", "20", "100", "0.01", "1",
        ] {
            #expect(inspected.texts.contains(label), "missing text \(label)")
        }
        #expect(inspected.elements["polyline", default: 0] >= 2)
        #expect(inspected.elements["polygon", default: 0] == 1)
        #expect(svg == Self.chart.svg, "figures must be deterministic")
    }

    @Test func heatmapHasValuesMissingCellsAndAColourBar() throws {
        let heatmap = Heatmap(
            title: "Smallest spike caught", rowTitle: "destination country", columnTitle: "local hour",
            rowLabels: ["DE", "new country"], columnLabels: ["00", "01", "02"],
            values: [[3, 40, nil], [1200, 5, 7]], valueTitle: "added events (log scale)")
        let inspected = try SVGInspector.inspect(heatmap.svg)
        for label in ["destination country", "local hour", "added events (log scale)", "DE", "new country", "40", "1.2k", "–"] {
            #expect(inspected.texts.contains(label), "missing text \(label)")
        }
        #expect(inspected.elements["rect", default: 0] >= 6 + 40)
    }

    @Test func axisTicksAreRoundNumbers() {
        #expect(ChartAxis(title: "", lower: 0, upper: 100).ticks.map(\.label) == ["0", "20", "40", "60", "80", "100"])
        #expect(ChartAxis(title: "", lower: 0, upper: 1).ticks.map(\.label) == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
        #expect(
            ChartAxis(title: "", lower: 0.001, upper: 1000, scale: .log10).ticks.map(\.label)
                == ["0.001", "0.01", "0.1", "1", "10", "100", "1000"])
        #expect(ChartAxis(title: "", lower: 3, upper: 34, scale: .log10).ticks.map(\.label) == ["5", "10", "20"])
    }

    @Test func rendersToPNGWhereRsvgConvertIsInstalled() throws {
        guard let renderer = FigureFile.renderer else { return }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("figure-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("chart.svg").path
        #expect(try FigureFile.write(Self.chart.svg, to: path, png: true))
        let png = try Data(contentsOf: directory.appendingPathComponent("chart.png"))
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        // The IHDR chunk holds the size: the renderer drew the whole 760 x 400 canvas.
        let width = png[16..<20].reduce(0) { $0 << 8 | Int($1) }
        let height = png[20..<24].reduce(0) { $0 << 8 | Int($1) }
        #expect(width == 760 && height == 400)
        let broken = directory.appendingPathComponent("broken.svg").path
        try "<svg><g></svg>".write(toFile: broken, atomically: true, encoding: .utf8)
        #expect(throws: GeoSpikeError.self) {
            try FigureFile.render(svgPath: broken, pngPath: broken + ".png", renderer: renderer)
        }
    }

    @Test func reportLinksOnlyFiguresItWroteAndEveryFigureParses() throws {
        let history = try SyntheticHistory.small.get()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        var options = EvaluationReport.Options()
        options.spikes = 30
        options.detectabilitySamples = 1
        options.topCountries = 2
        options.threshold = 50
        let path = directory.appendingPathComponent("model.md").path
        let report = try EvaluationReport.write(
            model: history.model, modelID: history.modelID, table: history.test, to: path, options: options)
        let markdown = try String(contentsOfFile: path, encoding: .utf8)
        let links = markdown.components(separatedBy: "](").dropFirst().compactMap { $0.split(separator: ")").first }
            .map(String.init).filter { $0.hasSuffix(".svg") }
        #expect(links.count >= 10)
        for link in links {
            let svg = try String(contentsOfFile: directory.appendingPathComponent(link).path, encoding: .utf8)
            _ = try SVGInspector.inspect(svg)
        }
        #expect(Set(report.files.filter { $0.hasSuffix(".svg") }.map { ($0 as NSString).lastPathComponent }) == Set(links))
        for section in ["## False alerts per day", "## Calibration", "## Injected spikes", "## Detectability map", "## Alerts"] {
            #expect(markdown.contains(section))
        }
        if FigureFile.renderer != nil {
            #expect(report.files.filter { $0.hasSuffix(".png") }.count == links.count)
        }
    }
}
