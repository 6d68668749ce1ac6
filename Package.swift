// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "geospike",
    products: [
        .library(
            name: "GeoSpike",
            targets: ["GeoSpikeIngest", "GeoSpikeModel", "GeoSpikeScore", "GeoSpikeEvaluation"]),
        .executable(name: "geospike-train", targets: ["geospike-train"]),
        .executable(name: "geospike-score", targets: ["geospike-score"]),
        .executable(name: "geospike-eval", targets: ["geospike-eval"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
    ],
    targets: [
        // MARK: - System libraries (Debian packages; `make deps` installs them)

        .systemLibrary(
            name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(
            name: "CLAPACKE", pkgConfig: "lapacke", providers: [.apt(["liblapacke-dev"])]),
        .systemLibrary(
            name: "CMaxMindDB", pkgConfig: "libmaxminddb", providers: [.apt(["libmaxminddb-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),

        // MARK: - Numerics: the only module that calls BLAS and LAPACK

        .target(name: "GeoSpikeNumerics", dependencies: ["CBLAS", "CLAPACKE"]),

        // MARK: - Ingest: logs -> per-bucket, per-country counts and influencers

        .target(
            name: "GeoSpikeIngest",
            dependencies: [
                "CMaxMindDB", "CZlib",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // MARK: - Model: seasonal design, families, fitting, model files

        .target(
            name: "GeoSpikeModel",
            dependencies: [
                "GeoSpikeNumerics", "GeoSpikeIngest",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // MARK: - Score: batch scoring, anomaly records, explanations

        .target(
            name: "GeoSpikeScore",
            dependencies: ["GeoSpikeNumerics", "GeoSpikeIngest", "GeoSpikeModel"]),

        // MARK: - State: what a scorer run every 15 minutes remembers between runs (SQLite)

        .target(
            name: "GeoSpikeState",
            dependencies: ["CSQLite", "GeoSpikeIngest", "GeoSpikeModel", "GeoSpikeScore"]),

        // MARK: - Evaluation: backtests, injected spikes, reports, synthetic data

        .target(
            name: "GeoSpikeEvaluation",
            dependencies: [
                "GeoSpikeNumerics", "GeoSpikeIngest", "GeoSpikeModel", "GeoSpikeScore", "CZlib",
            ]),

        // MARK: - Executables: parse, call the library, print

        .executableTarget(
            name: "geospike-train",
            dependencies: [
                "GeoSpikeIngest", "GeoSpikeModel",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(
            name: "geospike-score",
            dependencies: [
                "GeoSpikeNumerics", "GeoSpikeIngest", "GeoSpikeModel", "GeoSpikeScore", "GeoSpikeState",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(
            name: "geospike-eval",
            dependencies: [
                "GeoSpikeNumerics", "GeoSpikeIngest", "GeoSpikeModel", "GeoSpikeScore", "GeoSpikeEvaluation",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // MARK: - Tests

        .target(
            name: "GeoSpikeTestSupport", dependencies: ["GeoSpikeIngest"], path: "Tests/TestSupport"),

        .testTarget(
            name: "NumericsTests", dependencies: ["GeoSpikeNumerics"],
            resources: [.copy("Fixtures")]),
        .testTarget(
            name: "IngestTests", dependencies: ["GeoSpikeIngest"],
            resources: [.copy("Fixtures")]),
        .testTarget(
            name: "ModelTests",
            dependencies: ["GeoSpikeNumerics", "GeoSpikeIngest", "GeoSpikeModel", "GeoSpikeTestSupport"],
            resources: [.copy("Fixtures")]),
        .testTarget(
            name: "ScoreTests",
            dependencies: ["GeoSpikeNumerics", "GeoSpikeIngest", "GeoSpikeModel", "GeoSpikeScore", "GeoSpikeTestSupport"]),
        .testTarget(
            name: "StateTests",
            dependencies: ["GeoSpikeIngest", "GeoSpikeModel", "GeoSpikeScore", "GeoSpikeState", "GeoSpikeTestSupport"]),
        .testTarget(
            name: "EvaluationTests",
            dependencies: ["GeoSpikeIngest", "GeoSpikeModel", "GeoSpikeScore", "GeoSpikeEvaluation"]),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["GeoSpikeNumerics", "GeoSpikeIngest", "GeoSpikeModel"]),
    ],
    swiftLanguageModes: [.v5]
)
