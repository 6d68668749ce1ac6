import GeoSpikeIngest

extension ExceptionList {
    /// The list as a JSON exception file that `ExceptionList.parse` reads back unchanged.
    public var json: String {
        let objects = entries.map { entry -> String in
            var json = JSONLine()
            for (key, values) in entry.fileFields {
                let items = values.map { key == "destination.port" ? $0 : JSONLine.quoted($0) }
                json.addRaw(key, ExceptionEntry.isListField(key, values) ? "[" + items.joined(separator: ", ") + "]" : items[0])
            }
            return "  " + json.string
        }
        return "{\"exceptions\": [\n" + objects.joined(separator: ",\n") + "\n]}\n"
    }

    /// The list in geospike's YAML subset, every value quoted, after `header` comment lines.
    public func yaml(header: [String] = []) -> String {
        var lines = header.map { "# " + $0 }
        lines.append("exceptions:")
        for entry in entries {
            for (n, (key, values)) in entry.fileFields.enumerated() {
                let prefix = n == 0 ? "  - " : "    "
                let rendered =
                    ExceptionEntry.isListField(key, values)
                    ? "[" + values.map(JSONLine.quoted).joined(separator: ", ") + "]" : JSONLine.quoted(values[0])
                lines.append("\(prefix)\(key): \(rendered)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

extension ExceptionEntry {
    /// The entry's keys and values as a file spells them, conditions between country and reason.
    var fileFields: [(String, [String])] {
        var fields: [(String, [String])] = [("id", [id]), ("country", [country.code])]
        let conditions: [(String, [String])] = [
            ("host.name", hostNames), ("user.name", userNames), ("process.name", processNames),
            ("source.ip", sourceNetworks.map(\.description)), ("destination.ip", destinationNetworks.map(\.description)),
            ("destination.port", destinationPorts.map(String.init)),
        ]
        fields += conditions.filter { !$0.1.isEmpty }
        fields += [("reason", [reason]), ("owner", [owner])]
        if let expires { fields.append(("expires", [Timestamp.iso8601(Int64(expires))])) }
        return fields
    }

    /// Networks are always written as lists (they usually grow); other single values as scalars.
    static func isListField(_ key: String, _ values: [String]) -> Bool {
        values.count != 1 || key == "source.ip" || key == "destination.ip"
    }
}
