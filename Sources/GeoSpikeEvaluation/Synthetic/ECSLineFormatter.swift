import GeoSpikeIngest

/// ECS NDJSON as Elastic Agent's network_traffic integration (Packetbeat flows) and an
/// endpoint-event exporter write it: nested objects, dotted keys, or both in one line.
struct ECSLineFormatter: LogLineFormatter {
    func append(_ event: SyntheticEvent, to b: inout LogLineBuffer, context: EventContext) {
        switch event.ecsStyle {
        case .dotted: appendDotted(event, to: &b, context: context)
        case .nested, .mixed, .addressOnly: appendNested(event, to: &b, context: context)
        }
        b.append("\n")
    }

    func truncationLimit(ofLineAt offset: Int, in buffer: LogLineBuffer) -> Int { buffer.count - 2 }

    private func appendNested(_ e: SyntheticEvent, to b: inout LogLineBuffer, context: EventContext) {
        b.append("{\"@timestamp\":\"")
        b.appendTimestamp(micros: e.timeMicros, fractionDigits: 3, zulu: true)
        b.append("\",\"agent\":{\"type\":\"packetbeat\",\"version\":\"8.15.3\"},")
        b.append("\"data_stream\":{\"type\":\"logs\",\"dataset\":\"network_traffic.flow\",\"namespace\":\"default\"},")
        b.append("\"ecs\":{\"version\":\"8.11.0\"},\"type\":\"flow\",")
        b.append("\"event\":{\"kind\":\"event\",\"category\":[\"network\"],\"type\":[\"connection\",\"end\"],")
        b.append("\"action\":\"network_flow\",\"dataset\":\"network_traffic.flow\",\"duration\":")
        b.append(Int(e.durationMicros) * 1000)
        b.append("},\"flow\":{\"final\":true},\"host\":{\"name\":")
        b.appendJSONString(context.host.name)
        b.append(",\"os\":{\"family\":\"")
        b.append(context.host.osFamily)
        b.append("\"}},\"process\":{\"name\":")
        b.appendJSONString(e.processName)
        if !e.executable.isEmpty {
            b.append(",\"executable\":")
            b.appendJSONString(e.executable)
        }
        b.append("},\"network\":{\"type\":\"")
        b.append(e.destination.isIPv6 ? "ipv6" : "ipv4")
        b.append("\",\"transport\":\"")
        b.append(e.transport.name)
        b.append("\",\"direction\":\"")
        b.append(e.country == nil ? "internal" : "egress")
        b.append("\",\"bytes\":")
        b.append(e.bytesSent + e.bytesReceived)
        b.append(",\"packets\":")
        b.append(e.packetsSent + e.packetsReceived)
        b.append("},\"source\":{\"ip\":\"")
        b.append(SyntheticAddress.v4(context.host.address))
        b.append("\",\"port\":")
        b.append(e.sourcePort)
        b.append(",\"bytes\":")
        b.append(e.bytesSent)
        b.append(",\"packets\":")
        b.append(e.packetsSent)
        b.append("},\"destination\":{\"ip\":\"")
        b.append(e.destination)
        b.append("\",\"port\":")
        b.append(e.destinationPort)
        b.append(",\"bytes\":")
        b.append(e.bytesReceived)
        b.append(",\"packets\":")
        b.append(e.packetsReceived)
        if let country = e.country, e.ecsStyle == .nested {
            b.append(",\"geo\":{\"continent_name\":")
            b.appendJSONString(SyntheticCountryCatalog.continentName(country))
            b.append(",\"country_iso_code\":\"")
            b.append(country.code)
            b.append("\",\"country_name\":")
            b.appendJSONString(SyntheticCountryCatalog.geoName(country))
            b.append("}")
        }
        b.append("}")
        if let country = e.country, e.ecsStyle == .mixed {
            // A later ingest pipeline added geo as flat keys beside the nested objects.
            b.append(",\"destination.geo.country_iso_code\":\"")
            b.append(country.code)
            b.append("\",\"destination.geo.country_name\":")
            b.appendJSONString(SyntheticCountryCatalog.geoName(country))
        }
        b.append("}")
    }

    private func appendDotted(_ e: SyntheticEvent, to b: inout LogLineBuffer, context: EventContext) {
        b.append("{\"@timestamp\":\"")
        b.appendTimestamp(micros: e.timeMicros, fractionDigits: 3, zulu: true)
        b.append("\",\"event.kind\":\"event\",\"event.category\":[\"network\"],\"event.type\":[\"start\"],")
        b.append("\"event.action\":\"connection_attempted\",\"event.dataset\":\"endpoint.events.network\",")
        b.append("\"agent.type\":\"endpoint\",\"host.name\":")
        b.appendJSONString(context.host.name)
        b.append(",\"host.os.family\":\"")
        b.append(context.host.osFamily)
        b.append("\",\"process.name\":")
        b.appendJSONString(e.processName)
        b.append(",\"process.pid\":")
        b.append(1000 + Int(e.junkSeed % 30_000))
        if let user = context.host.userName {
            b.append(",\"user.name\":")
            b.appendJSONString(user)
        }
        b.append(",\"network.transport\":\"")
        b.append(e.transport.name)
        b.append("\",\"network.type\":\"")
        b.append(e.destination.isIPv6 ? "ipv6" : "ipv4")
        b.append("\",\"network.direction\":\"")
        b.append(e.country == nil ? "internal" : "egress")
        b.append("\",\"source.ip\":\"")
        b.append(SyntheticAddress.v4(context.host.address))
        b.append("\",\"source.port\":")
        b.append(e.sourcePort)
        b.append(",\"source.bytes\":")
        b.append(e.bytesSent)
        b.append(",\"destination.ip\":\"")
        b.append(e.destination)
        b.append("\",\"destination.port\":")
        b.append(e.destinationPort)
        b.append(",\"destination.bytes\":")
        b.append(e.bytesReceived)
        if let country = e.country {
            b.append(",\"destination.geo.country_iso_code\":\"")
            b.append(country.code)
            b.append("\",\"destination.geo.country_name\":")
            b.appendJSONString(SyntheticCountryCatalog.geoName(country))
        }
        b.append("}")
    }
}
