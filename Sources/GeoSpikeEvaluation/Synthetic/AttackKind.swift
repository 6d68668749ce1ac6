/// The attacks the generator injects, named as the label files spell them.
public enum AttackKind: String, CaseIterable, Sendable, Codable {
    /// One internal host sends 40–400 extra flows to a small country in 1–3 buckets.
    case exfiltration
    /// Steady beaconing, 5–30 flows a bucket for hours, to a country never seen before.
    case c2NewCountry = "c2-new-country"
    /// Hundreds of short connections to many addresses of one country in one bucket.
    case scan
    /// Several hosts multiply the traffic to a mid-size country by 2–5 for hours.
    case botnet
}
