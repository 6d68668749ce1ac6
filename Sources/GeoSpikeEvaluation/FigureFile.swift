import Foundation
import GeoSpikeIngest

/// Writes figures as SVG, and as PNG too when a renderer is installed.
///
/// PNGs come from `rsvg-convert` (Debian's librsvg2-bin), a real SVG renderer: it proves
/// the SVG is drawable, and gives a bitmap for viewers without SVG support.
public enum FigureFile {
    /// `rsvg-convert` on PATH, if any.
    public static var renderer: String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/rsvg-convert"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Writes `svg` to `path` (ending in .svg); with `png`, also renders `path` minus
    /// `.svg` plus `.png` when the renderer exists. Returns whether a PNG was written.
    @discardableResult
    public static func write(_ svg: String, to path: String, png: Bool) throws -> Bool {
        try OutputFile.replace(path, with: svg)
        guard png, let renderer else { return false }
        let pngPath = String(path.dropLast(4)) + ".png"
        try render(svgPath: path, pngPath: pngPath, renderer: renderer)
        return true
    }

    /// Renders an SVG file to PNG at its own size; fails when the renderer rejects it.
    public static func render(svgPath: String, pngPath: String, renderer: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: renderer)
        process.arguments = ["--format", "png", "--output", pngPath, svgPath]
        let errors = Pipe()
        process.standardError = errors
        do {
            try process.run()
        } catch {
            throw GeoSpikeError(.ioError, "cannot run \(renderer): \(error.localizedDescription)")
        }
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw GeoSpikeError(
                .ioError,
                "\(renderer) could not render \(svgPath): \(String(decoding: message, as: UTF8.self)); the SVG is left in place")
        }
    }
}
