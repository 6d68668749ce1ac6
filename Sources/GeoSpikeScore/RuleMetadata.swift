import Foundation
import GeoSpikeIngest

/// The detection rule an alert belongs to: what a SOC's case tooling files it under.
///
/// The defaults are Elastic's prebuilt rule "Spike in Network Traffic To a Country"
/// (rule id c7db5533-…, severity low, risk score 21, every 15 minutes over the last 30,
/// at most 100 alerts a run), with a MITRE ATT&CK mapping for the behaviours the rule's
/// description names. `--rule FILE` overrides any of it with a JSON object using the
/// Kibana rule keys below; keys it leaves out keep these defaults.
public struct RuleMetadata: Equatable, Sendable {
    /// One ATT&CK tactic and the techniques under it (Kibana's `threat` entries).
    public struct Threat: Equatable, Sendable {
        public struct Reference: Equatable, Sendable {
            public var id: String
            public var name: String
            public var reference: String

            public init(id: String, name: String, reference: String) {
                self.id = id
                self.name = name
                self.reference = reference
            }
        }

        public var framework: String
        public var tactic: Reference
        public var techniques: [Reference]

        public init(framework: String = "MITRE ATT&CK", tactic: Reference, techniques: [Reference]) {
            self.framework = framework
            self.tactic = tactic
            self.techniques = techniques
        }
    }

    public var name = "Spike in Network Traffic To a Country"
    public var ruleID = "c7db5533-ca2a-41f6-a8b0-ee98abe0f573"
    public var severity = "low"
    public var riskScore = 21
    public var tags = [
        "Use Case: Threat Detection", "Rule Type: ML", "Rule Type: Machine Learning", "Resources: Investigation Guide",
        "Tactic: Exfiltration", "Tactic: Command and Control", "Tactic: Discovery", "Tactic: Reconnaissance",
    ]
    public var threat: [Threat] = RuleMetadata.defaultThreat
    /// How often the rule runs, and how far back each run looks.
    public var interval = "15m"
    public var from = "now-30m"
    /// Alerts a run may raise; the rest are held back (Kibana's `max_signals`).
    public var maxAlertsPerRun = 100
    public var businessHours = WorkingHours.standard

    public init() {}

    public static let severities = ["low", "medium", "high", "critical"]

    public static let defaultThreat: [Threat] = {
        func tactic(_ id: String, _ name: String) -> Threat.Reference {
            Threat.Reference(id: id, name: name, reference: "https://attack.mitre.org/tactics/\(id)/")
        }
        func technique(_ id: String, _ name: String) -> Threat.Reference {
            Threat.Reference(id: id, name: name, reference: "https://attack.mitre.org/techniques/\(id)/")
        }
        return [
            Threat(
                tactic: tactic("TA0010", "Exfiltration"),
                techniques: [
                    technique("T1041", "Exfiltration Over C2 Channel"),
                    technique("T1048", "Exfiltration Over Alternative Protocol"),
                ]),
            Threat(tactic: tactic("TA0011", "Command and Control"), techniques: [technique("T1071", "Application Layer Protocol")]),
            Threat(tactic: tactic("TA0007", "Discovery"), techniques: [technique("T1046", "Network Service Discovery")]),
            Threat(tactic: tactic("TA0043", "Reconnaissance"), techniques: [technique("T1595", "Active Scanning")]),
        ]
    }()

    /// The keys a rule file may have.
    public static let keys = [
        "name", "rule_id", "severity", "risk_score", "tags", "threat", "interval", "from", "max_signals", "business_hours",
    ]

    /// The defaults overridden by the JSON object in `path` (`.badData` at `file:line` for bad values).
    public static func load(path: String) throws -> RuleMetadata {
        guard FileManager.default.fileExists(atPath: path) else {
            throw GeoSpikeError(.noInput, "rule file \(path) does not exist; check the --rule path")
        }
        if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int,
            size > LocatedValue.maximumFileBytes
        {
            throw GeoSpikeError(.badData, "\(path): \(size) bytes is too large for a rule file (at most \(LocatedValue.maximumFileBytes))")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw GeoSpikeError(.ioError, "cannot read the rule file \(path); check its permissions")
        }
        return try parse(String(decoding: data, as: UTF8.self), file: path)
    }

    /// Parses rule-file text; `file` names it in errors.
    public static func parse(_ text: String, file: String) throws -> RuleMetadata {
        let root = try LocatedValue.parseJSON(text, file: file)
        guard let members = root.members else {
            throw GeoSpikeError.badData(file: file, line: root.line, "a rule file is one JSON object, found \(root.kindName)")
        }
        var rule = RuleMetadata()
        func fail(_ value: LocatedValue, _ message: String) -> GeoSpikeError {
            GeoSpikeError.badData(file: file, line: value.line, message)
        }
        for (key, value) in members {
            switch key {
            case "name", "rule_id", "interval", "from":
                let text = try value.text(key, file: file)
                guard !text.isEmpty else { throw fail(value, "\(key) must not be empty") }
                switch key {
                case "name": rule.name = text
                case "rule_id": rule.ruleID = text
                case "interval": rule.interval = text
                default: rule.from = text
                }
            case "severity":
                let text = try value.text(key, file: file).lowercased()
                guard severities.contains(text) else {
                    throw fail(value, "severity '\(text)' must be one of \(severities.joined(separator: ", "))")
                }
                rule.severity = text
            case "risk_score", "max_signals":
                guard case .number(let text) = value.kind, let n = Int(text) else {
                    throw fail(value, "\(key) must be a whole number")
                }
                if key == "risk_score" {
                    guard (0...100).contains(n) else { throw fail(value, "risk_score must be between 0 and 100") }
                    rule.riskScore = n
                } else {
                    guard n >= 1 else { throw fail(value, "max_signals must be at least 1") }
                    rule.maxAlertsPerRun = n
                }
            case "tags":
                rule.tags = try value.texts(key, file: file)
            case "threat":
                guard let elements = value.elements else { throw fail(value, "threat must be a list of tactic mappings") }
                rule.threat = try elements.map { try Threat($0, file: file) }
            case "business_hours":
                rule.businessHours = try WorkingHours(value, file: file)
            default:
                throw fail(value, "unknown key '\(key)'; a rule file may have \(keys.joined(separator: ", "))")
            }
        }
        return rule
    }

    /// The `threat` list as Kibana writes it in `kibana.alert.rule.threat`.
    var threatJSON: String {
        func reference(_ r: Threat.Reference) -> String {
            var json = JSONLine()
            json.add("id", r.id)
            json.add("name", r.name)
            json.add("reference", r.reference)
            return json.string
        }
        let entries = threat.map { t -> String in
            var json = JSONLine()
            json.add("framework", t.framework)
            json.addRaw("tactic", reference(t.tactic))
            json.addRaw("technique", "[" + t.techniques.map(reference).joined(separator: ",") + "]")
            return json.string
        }
        return "[" + entries.joined(separator: ",") + "]"
    }
}

extension RuleMetadata.Threat {
    init(_ value: LocatedValue, file: String) throws {
        func reference(_ value: LocatedValue?, _ what: String, at line: Int) throws -> Reference {
            guard let value, value.members != nil else {
                throw GeoSpikeError.badData(file: file, line: line, "\(what) must be an object with id, name and reference")
            }
            func field(_ key: String) throws -> String {
                guard let member = value[key] else {
                    throw GeoSpikeError.badData(file: file, line: value.line, "\(what) needs '\(key)'")
                }
                return try member.text("\(what).\(key)", file: file)
            }
            return Reference(id: try field("id"), name: try field("name"), reference: value["reference"]?.scalarText ?? "")
        }
        guard value.members != nil else {
            throw GeoSpikeError.badData(file: file, line: value.line, "each threat entry must be an object with tactic and technique")
        }
        let techniques = value["technique"]?.elements ?? []
        self.init(
            framework: value["framework"]?.scalarText ?? "MITRE ATT&CK",
            tactic: try reference(value["tactic"], "threat.tactic", at: value.line),
            techniques: try techniques.map { try reference($0, "threat.technique", at: $0.line) })
    }
}
