/// The distribution a country's count per bucket follows around its seasonal mean.
public enum CountFamily: String, Codable, CaseIterable, Sendable {
    /// Variance = mean. Right for steady, independent traffic; too thin-tailed for most.
    case poisson
    /// NB2: variance = mean + α·mean². Bursty traffic: sessions bring many events at once.
    case negativeBinomial = "negbin"
    /// log(count + 1) is normal. High-volume countries whose spread grows with the level
    /// faster than NB allows, e.g. CDN and cloud destinations driven by batch jobs.
    case logNormal = "lognormal"
}
