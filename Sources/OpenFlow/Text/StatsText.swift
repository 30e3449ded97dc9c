import Wire

extension StatsRequest {
    /// The `OFPST_*` name and what is asked for: the table, out_port and match of a
    /// flow or aggregate request, the port (`all` for OFPP_NONE) or port and queue
    /// (`all` for OFPP_ALL and OFPQ_ALL).
    var bodyText: String {
        var text = StatsText.typeName(body.type)
        if flags != 0 { text += " flags=" + TextFormatting.hex(flags) }
        switch body {
        case .desc, .table: break
        case .flow(let request), .aggregate(let request):
            text += " table=" + (request.tableID == FlowStatsRequest.allTables ? "all" : String(request.tableID))
            if request.outPort != .none { text += " out_port=" + TextFormatting.port(request.outPort) }
            text += " " + request.match.textForm
        case .port(let port):
            text += " port=" + (port == .none ? "all" : TextFormatting.port(port))
        case .queue(let port, let queueID):
            text += " port=" + (port == .all ? "all" : TextFormatting.port(port))
            text += " queue=" + (queueID == QueueID.all ? "all" : String(queueID))
        case .vendor(let vendor, let bytes):
            text += " vendor=" + TextFormatting.hex(vendor) + " body_len=" + String(bytes.count)
        }
        return text
    }
}

extension StatsReply {
    /// The `OFPST_*` name, `flags=more` when more replies follow, then the entries:
    /// a count and each entry in braces for the list types.
    var bodyText: String {
        var text = StatsText.typeName(body.type)
        if !flags.isEmpty {
            text += " flags=" + TextFormatting.bits(UInt32(flags.rawValue), [(UInt32(StatsReplyFlags.replyMore.rawValue), "more")])
        }
        switch body {
        case .desc(let desc):
            text += " mfr=" + TextFormatting.quoted(desc.manufacturer) + " hw=" + TextFormatting.quoted(desc.hardware)
                + " sw=" + TextFormatting.quoted(desc.software) + " serial=" + TextFormatting.quoted(desc.serialNumber)
                + " dp=" + TextFormatting.quoted(desc.datapath)
        case .flow(let entries):
            text += " flows=" + String(entries.count)
            for entry in entries { text += " {" + StatsText.flow(entry) + "}" }
        case .aggregate(let aggregate):
            text += " packet_count=" + TextFormatting.counter(aggregate.packetCount)
                + " byte_count=" + TextFormatting.counter(aggregate.byteCount)
                + " flow_count=" + String(aggregate.flowCount)
        case .table(let entries):
            text += " tables=" + String(entries.count)
            for entry in entries { text += " {" + StatsText.table(entry) + "}" }
        case .port(let entries):
            text += " ports=" + String(entries.count)
            for entry in entries { text += " {" + StatsText.port(entry) + "}" }
        case .queue(let entries):
            text += " queues=" + String(entries.count)
            for entry in entries { text += " {" + StatsText.queue(entry) + "}" }
        case .vendor(let vendor, let bytes):
            text += " vendor=" + TextFormatting.hex(vendor) + " body_len=" + String(bytes.count)
        }
        return text
    }
}

/// One stats entry each, in ovs-ofctl's field names.
enum StatsText {
    static func typeName(_ type: StatsType) -> String {
        type.specName ?? "stats_type=" + String(type.rawValue)
    }

    /// `table=0 duration=1.500s n_packets=5 n_bytes=300 priority=100,in_port=1 actions=output:2`,
    /// the flow part in flow syntax.
    static func flow(_ entry: FlowStats) -> String {
        let flow = FlowSpec(
            match: entry.match, priority: entry.priority, idleTimeout: TextFormatting.nonzero(entry.idleTimeout),
            hardTimeout: TextFormatting.nonzero(entry.hardTimeout), cookie: TextFormatting.nonzero(entry.cookie),
            actions: entry.actions)
        return "table=" + String(entry.tableID)
            + " duration=" + TextFormatting.duration(seconds: entry.durationSeconds, nanoseconds: entry.durationNanoseconds)
            + " n_packets=" + TextFormatting.counter(entry.packetCount) + " n_bytes=" + TextFormatting.counter(entry.byteCount)
            + " " + flow.textForm
    }

    static func table(_ entry: TableStats) -> String {
        "table=" + String(entry.tableID) + " name=" + TextFormatting.quoted(entry.name)
            + " wildcards=" + TextFormatting.hex(entry.wildcards.rawValue) + " max=" + String(entry.maxEntries)
            + " active=" + String(entry.activeCount) + " lookup=" + TextFormatting.counter(entry.lookupCount)
            + " matched=" + TextFormatting.counter(entry.matchedCount)
    }

    /// All twelve counters; `?` marks one the switch does not keep.
    static func port(_ entry: PortStats) -> String {
        let c = TextFormatting.counter
        return "port=" + TextFormatting.port(entry.portNumber)
            + " rx_pkts=" + c(entry.rxPackets) + " rx_bytes=" + c(entry.rxBytes)
            + " rx_drop=" + c(entry.rxDropped) + " rx_errs=" + c(entry.rxErrors)
            + " rx_frame_err=" + c(entry.rxFrameErrors) + " rx_over_err=" + c(entry.rxOverErrors)
            + " rx_crc_err=" + c(entry.rxCRCErrors)
            + " tx_pkts=" + c(entry.txPackets) + " tx_bytes=" + c(entry.txBytes)
            + " tx_drop=" + c(entry.txDropped) + " tx_errs=" + c(entry.txErrors)
            + " coll=" + c(entry.collisions)
    }

    static func queue(_ entry: QueueStats) -> String {
        "port=" + TextFormatting.port(entry.portNumber) + " queue=" + String(entry.queueID)
            + " tx_bytes=" + TextFormatting.counter(entry.txBytes) + " tx_pkts=" + TextFormatting.counter(entry.txPackets)
            + " tx_errors=" + TextFormatting.counter(entry.txErrors)
    }
}
