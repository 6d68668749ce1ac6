import Foundation
import GeoSpikeIngest
import GeoSpikeNumerics

/// The on-disk form of a `TrainedModel`.
///
/// ```
/// offset  size  content
/// 0       8     magic "GEOSPIKE"
/// 8       4     format version, UInt32 little-endian
/// 12      8     header length H, UInt64 LE
/// 20      H     header: JSON, UTF-8, keys sorted (metadata, countries, prior, calibration)
/// 20+H    8     coefficient count K, UInt64 LE (= columns x countries)
/// 28+H    8K    coefficients, Float64 LE, column-major: one column per country
/// end-4   4     CRC-32 of every byte before it, UInt32 LE
/// ```
/// JSON keeps the header readable and extensible (new optional fields get defaults on
/// load); the coefficients stay binary so they load straight into the scorer's matrix.
/// Sorted keys and shortest round-trip doubles make the bytes a function of the model.
public enum ModelFile {
    public static let magic = Array("GEOSPIKE".utf8)
    public static let formatVersion: UInt32 = 1

    struct Header: Codable {
        var metadata: ModelMetadata
        var countries: [CountryModel]
        var pooledCoefficients: [Double]
        var newCountryPrior: NewCountryPrior
        var calibration: Calibration
        var multiBucketCalibration: Calibration
        var tailCalibration: TailCalibration?
    }

    /// The file's bytes. Refuses a model that `decode` would refuse: one holding NaN,
    /// infinite or implausible numbers (`firstNonFiniteField`), or a malformed calibration.
    public static func encode(_ model: TrainedModel) throws -> [UInt8] {
        if let (field, value) = model.firstNonFiniteField() {
            throw GeoSpikeError(
                .badData, "the fit produced \(field) = \(value); refusing to write a model no scorer would load")
        }
        if let problem = model.tailCalibration?.structuralProblem {
            throw GeoSpikeError(.badData, "\(problem); refusing to write a model no scorer would load")
        }
        let header = Header(
            metadata: model.metadata, countries: model.countries, pooledCoefficients: model.pooledCoefficients,
            newCountryPrior: model.newCountryPrior, calibration: model.calibration,
            multiBucketCalibration: model.multiBucketCalibration, tailCalibration: model.tailCalibration)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json: Data
        do { json = try encoder.encode(header) } catch {
            throw GeoSpikeError(.badData, "cannot encode the model header: \(error)")
        }
        var bytes = magic
        append(formatVersion, to: &bytes)
        append(UInt64(json.count), to: &bytes)
        bytes += json
        append(UInt64(model.coefficients.values.count), to: &bytes)
        for v in model.coefficients.values { append(v.bitPattern, to: &bytes) }
        append(CRC32.checksum(bytes), to: &bytes)
        return bytes
    }

    /// Parses and verifies a model file's bytes; `name` is used in error messages.
    public static func decode(_ bytes: [UInt8], name: String) throws -> TrainedModel {
        try bytes.withUnsafeBytes { try decode($0, name: name) }
    }

    /// The same on bytes in place (a mapped or read file), without copying them.
    ///
    /// The scorer decodes a model in every run, so the checksum and the coefficient block
    /// are read straight from the buffer, and the header's country list by
    /// `CountryListReader`; only the rest of the header goes through `JSONDecoder`.
    static func decode(_ bytes: UnsafeRawBufferPointer, name: String) throws -> TrainedModel {
        func damaged(_ what: String) -> GeoSpikeError {
            GeoSpikeError(.badData, "\(name): \(what); retrain with geospike-train or restore the file")
        }
        guard bytes.count >= 8, bytes.prefix(8).elementsEqual(magic) else {
            throw GeoSpikeError(.badData, "\(name): not a geospike model (no GEOSPIKE magic at the start)")
        }
        guard bytes.count >= 12 + 8 + 8 + 4 else { throw damaged("truncated (\(bytes.count) bytes)") }
        let version: UInt32 = read(bytes, at: 8)
        guard version <= formatVersion else {
            throw GeoSpikeError(
                .badData,
                "\(name): model format version \(version) is newer than this geospike understands (\(formatVersion)); upgrade geospike")
        }
        guard version >= 1 else { throw damaged("format version 0 is not valid") }
        let stored: UInt32 = read(bytes, at: bytes.count - 4)
        let checked = UnsafeRawBufferPointer(rebasing: bytes[0..<(bytes.count - 4)])
        guard CRC32.checksum(contiguous: checked) == stored else {
            throw damaged("checksum mismatch: the file is truncated or corrupted")
        }
        let headerLength = Int(clamping: read(bytes, at: 12) as UInt64)
        guard headerLength <= bytes.count - 32 else { throw damaged("header length out of range") }
        var header: Header
        do {
            let headerBytes = UnsafeRawBufferPointer(rebasing: bytes[20..<(20 + headerLength)])
            header = try JSONDecoder().decode(Header.self, from: Data(headerBytes))
            header.countries = try CountryListReader.countries(inHeader: headerBytes.assumingMemoryBound(to: UInt8.self))
        } catch {
            throw damaged("header does not decode (\(error))")
        }
        let countOffset = 20 + headerLength
        let k = Int(clamping: read(bytes, at: countOffset) as UInt64)
        let columns = header.metadata.columns.count
        guard k == columns * header.countries.count, countOffset + 8 + 8 * k == bytes.count - 4 else {
            throw damaged("coefficient block does not match \(columns) columns x \(header.countries.count) countries")
        }
        let values = [Double](unsafeUninitializedCapacity: k) { values, initialized in
            for i in 0..<k { values[i] = Double(bitPattern: read(bytes, at: countOffset + 8 + 8 * i)) }
            initialized = k
        }
        guard header.metadata.options.design.columnCount == columns else {
            throw damaged("feature layout lists \(columns) columns but the design has \(header.metadata.options.design.columnCount)")
        }
        if let id = header.metadata.trainingID, !TrainingDigest.isWellFormed(id) {
            throw damaged("metadata.trainingID is not a geospike model identifier")
        }
        let model = TrainedModel(
            metadata: header.metadata, countries: header.countries,
            coefficients: Matrix(rows: columns, columns: header.countries.count, columnMajor: values),
            pooledCoefficients: header.pooledCoefficients, newCountryPrior: header.newCountryPrior,
            calibration: header.calibration, multiBucketCalibration: header.multiBucketCalibration,
            tailCalibration: header.tailCalibration)
        if let problem = header.tailCalibration?.structuralProblem { throw damaged(problem) }
        if let (field, value) = model.firstNonFiniteField() {
            throw damaged(
                value.isFinite
                    ? "\(field) is \(value), beyond any log-scale coefficient (±\(TrainedModel.largestCoefficient))"
                    : "\(field) is \(value), not a finite number")
        }
        return model
    }

    /// Writes atomically (temporary file, then rename), so a scorer never reads half a model.
    public static func write(_ model: TrainedModel, to path: String) throws {
        let bytes = try encode(model)
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw GeoSpikeError(.ioError, "\(path): cannot write the model: the directory \(directory) does not exist; create it first")
        }
        try bytes.withUnsafeBytes { try OutputFile.replace(path, with: $0) }
    }

    public static func read(from path: String) throws -> TrainedModel {
        try readIdentified(from: path).model
    }

    /// Reads a model file and its identifier (see `identifier(of:)`).
    ///
    /// For a file from a version that did not record the training's identifier, it is the
    /// CRC of the file as it is, which its last four bytes hold: such a model keeps the
    /// `model_id` it always had. The scorer reads both in every run.
    public static func readIdentified(from path: String) throws -> (model: TrainedModel, identifier: String) {
        guard FileManager.default.fileExists(atPath: path) else {
            throw GeoSpikeError(.noInput, "\(path): no such model file; train one with geospike-train --out \(path)")
        }
        func decodeIdentified(_ bytes: UnsafeRawBufferPointer) throws -> (model: TrainedModel, identifier: String) {
            let model = try decode(bytes, name: path)
            // decode checked the CRC, so the stored one is the file's.
            return (model, model.metadata.trainingID ?? identifier(crc: read(bytes, at: bytes.count - 4)))
        }
        // Read into private memory rather than mapped: a model replaced in place while
        // mapped (`cp new.gsm model.gsm` truncates it first) would end the scorer by SIGBUS.
        // Read, a torn copy is only a checksum mismatch. Measured here: read(2) of the demo
        // model (115 KB) 12 µs, of half a megabyte (250 countries) 52 µs; a run takes ~50 ms.
        let bytes = try readWhole(path)
        return try bytes.withUnsafeBytes { try decodeIdentified($0) }
    }

    /// The most bytes a model file may have: a 250-country model is about half a megabyte.
    static let maximumFileSize = 256 << 20

    /// The file's bytes, read with read(2); refuses what is not a regular file (a FIFO or
    /// a device would block or never end) and what is far larger than any model.
    static func readWhole(_ path: String) throws -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw GeoSpikeError(.noInput, "\(path): cannot open the model file: \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else {
            throw GeoSpikeError(.noInput, "\(path): not a regular file; give the path of a model written by geospike-train")
        }
        let size = Int(status.st_size)
        guard size <= maximumFileSize else {
            throw GeoSpikeError(.badData, "\(path): \(size) bytes is far larger than any geospike model; check the path")
        }
        var bytes = [UInt8](repeating: 0, count: size)
        var filled = 0
        while filled < size {
            let n = bytes.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress! + filled, size - filled) }
            if n < 0, errno == EINTR { continue }
            guard n >= 0 else {
                throw GeoSpikeError(.ioError, "\(path): cannot read the model file: \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }  // shorter than it was a moment ago: the checksum will say so
            filled += n
        }
        return Array(bytes.prefix(filled))
    }

    /// A stable identifier, the `model_id` of records: the training's (`TrainingDigest`),
    /// the same for the same inputs, options and version on any machine; for a model from
    /// a version that did not record it, the CRC-32 of the file's bytes.
    public static func identifier(of model: TrainedModel) throws -> String {
        if let id = model.metadata.trainingID { return id }
        let bytes = try encode(model)
        return identifier(crc: read(bytes, at: bytes.count - 4))
    }

    static func identifier(crc: UInt32) -> String {
        "geospike-" + String(format: "%08x", crc)
    }

    static func append<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
    }

    static func read<T: FixedWidthInteger>(_ bytes: [UInt8], at offset: Int) -> T {
        bytes.withUnsafeBytes { read($0, at: offset) }
    }

    /// A little-endian integer at any byte offset.
    static func read<T: FixedWidthInteger>(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> T {
        T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
    }
}

extension ModelFile.Header {
    /// Everything but `countries`, which `CountryListReader` reads from the same bytes
    /// (about 1 ms for 250 countries in a scorer run's profile, where Codable took 4–7 ms).
    init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        metadata = try container.decode(ModelMetadata.self, forKey: .metadata)
        countries = []
        pooledCoefficients = try container.decode([Double].self, forKey: .pooledCoefficients)
        newCountryPrior = try container.decode(NewCountryPrior.self, forKey: .newCountryPrior)
        calibration = try container.decode(Calibration.self, forKey: .calibration)
        multiBucketCalibration = try container.decode(Calibration.self, forKey: .multiBucketCalibration)
        tailCalibration = try container.decodeIfPresent(TailCalibration.self, forKey: .tailCalibration)
    }
}

extension CRC32 {
    /// `checksum` over bytes in memory, eight bytes a step ("slicing-by-8", Kounavis and
    /// Berry, 2005): a 250-country model is half a megabyte, checked in every scorer run,
    /// and the byte-at-a-time loop waits on each table lookup before the next.
    static func checksum(contiguous bytes: UnsafeRawBufferPointer) -> UInt32 {
        slicingTables.withUnsafeBufferPointer { tables in
            var c: UInt32 = 0xFFFF_FFFF
            var offset = 0
            @inline(__always) func table(_ k: Int, _ index: UInt32) -> UInt32 { tables[k << 8 | Int(index & 0xFF)] }
            while offset + 8 <= bytes.count {
                let low = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)) ^ c
                let high = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self))
                c = table(7, low) ^ table(6, low >> 8) ^ table(5, low >> 16) ^ table(4, low >> 24)
                    ^ table(3, high) ^ table(2, high >> 8) ^ table(1, high >> 16) ^ table(0, high >> 24)
                offset += 8
            }
            while offset < bytes.count {
                c = table(0, c ^ UInt32(bytes[offset])) ^ (c >> 8)
                offset += 1
            }
            return c ^ 0xFFFF_FFFF
        }
    }

    /// Table k (at k·256) gives the CRC of a byte followed by k zero bytes; table 0 is `table`.
    static let slicingTables: [UInt32] = {
        var tables = table + [UInt32](repeating: 0, count: 7 * 256)
        for k in 1..<8 {
            for n in 0..<256 {
                let previous = tables[(k - 1) << 8 | n]
                tables[k << 8 | n] = (previous >> 8) ^ table[Int(previous & 0xFF)]
            }
        }
        return tables
    }()
}
