import ArgumentParser
import Foundation
import GeoSpikeIngest

/// The training options on the command line, shared by `geospike-train` and
/// `geospike-eval walk-forward` through `@OptionGroup`, so that a walk-forward evaluates
/// exactly the model a user would train; `trainingOptions()` turns them into `TrainingOptions`.
public struct TrainingArguments: ParsableArguments {
    @Option(
        name: .long,
        help: """
            IANA time zone whose wall clock shapes the traffic (e.g. Europe/Berlin), utc for UTC, \
            or auto to choose it from the traffic.
            """)
    public var timezone: String = TrainingOptions.automaticTimeZone

    @Option(name: .long, help: "Seed, recorded in the model file.")
    public var seed: UInt64 = 0

    @Option(name: .long, help: "Families to choose from, comma-separated: poisson,negbin,lognormal.")
    public var families: String = "poisson,negbin,lognormal"

    @Option(name: .long, help: "Seasonality: weekly (daily shape, weekend shape, day-of-week levels), daily, or none.")
    public var seasonality: String = "weekly"

    @Option(name: .long, help: "Daily Fourier harmonics.")
    public var harmonics: Int = 6

    @Flag(
        name: .long, inversion: .prefixedNo,
        help: "Give each local time slot its own (shrunken) effect: nightly jobs and other sharp regular bursts.")
    public var slotEffects = true

    @Option(name: .long, help: "Days after which a bucket's weight halves (0 = equal weights).")
    public var halfLifeDays: Double = 28

    @Option(name: .long, help: "Prior SD of a country's seasonal coefficients around the pooled shape.")
    public var shapePriorSd: Double = 0.5

    @Option(name: .long, help: "Prior SD of log dispersion around the pooled dispersion.")
    public var dispersionPriorSd: Double = 1

    @Option(name: .long, help: "Buckets in the multi-bucket window.")
    public var multiBucketWindow: Int = 12

    public init() {}

    public func validate() throws {
        guard ["weekly", "daily", "none"].contains(seasonality) else {
            throw ValidationError("--seasonality must be weekly, daily or none")
        }
    }

    /// The options these arguments ask for, checked (a usage error names the option).
    public func trainingOptions() throws -> TrainingOptions {
        var options = TrainingOptions()
        // Case does not matter for the two words geospike defines itself.
        switch timezone.lowercased() {
        case "utc": options.timeZone = "UTC"
        case TrainingOptions.automaticTimeZone: options.timeZone = TrainingOptions.automaticTimeZone
        default: options.timeZone = timezone
        }
        options.seed = seed
        options.families = try families.split(separator: ",").map {
            guard let f = CountFamily(rawValue: $0.trimmingCharacters(in: .whitespaces)) else {
                throw GeoSpikeError(.usage, "--families: unknown family '\($0)' (poisson, negbin, lognormal)")
            }
            return f
        }
        switch seasonality {
        case "none": options.design = .flat
        case "daily": options.design = SeasonalDesign(dailyHarmonics: harmonics, weekendHarmonics: 0, dayOfWeekEffects: false)
        default: options.design = SeasonalDesign(dailyHarmonics: harmonics, weekendHarmonics: min(3, harmonics))
        }
        options.slotEffects = slotEffects && seasonality != "none"
        options.halfLifeDays = halfLifeDays
        options.shapePriorSD = shapePriorSd
        options.dispersionPriorSD = dispersionPriorSd
        options.multiBucketWindow = multiBucketWindow
        try options.validate()
        return options
    }
}
