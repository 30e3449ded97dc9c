import OpenFlow
import Scheduler

extension Datapath {
    /// OFPST_FLOW: flows the request's match covers (non-strict), in the table it names
    /// (0, or 0xff: the flow table; OFPTT_EMERG 0xfe: the emergency flows, which only a
    /// request naming 0xfe sees, as in the OpenFlow 1.0 reference switch: a controller
    /// that cleared the table and dumps 0xff must not meet entries its DELETE rightly
    /// left alone), that output to its out_port (OFPP_NONE: any).
    public func flowStats(_ request: FlowStatsRequest, now: Instant) -> [FlowStats] {
        var result: [FlowStats] = []
        forEachFlow(request) { entry, tableID in result.append(entry.stats(tableID: tableID, at: now)) }
        return result
    }

    /// OFPST_AGGREGATE over the same selection as `flowStats`.
    public func aggregateStats(_ request: FlowStatsRequest) -> AggregateStats {
        var total = AggregateStats(packetCount: 0, byteCount: 0, flowCount: 0)
        forEachFlow(request) { entry, _ in
            total.packetCount &+= entry.packetCount
            total.byteCount &+= entry.byteCount
            total.flowCount &+= 1
        }
        return total
    }

    private func forEachFlow(_ request: FlowStatsRequest, _ body: (FlowEntry, UInt8) -> Void) {
        let filter = request.match.canonical
        let tables = request.tableID == Self.emergencyTableID ? [emergency] : [table]
        for flows in tables where request.tableID == FlowStatsRequest.allTables || request.tableID == flows.tableID {
            for slot in flows.slots {
                if let entry = flows[slot], filter.covers(entry.match), entry.sends(to: request.outPort) {
                    body(entry, flows.tableID)
                }
            }
        }
    }

    /// OFPST_TABLE: the one table, with every wildcard supported (emergency flows are not
    /// active entries of it).
    public var tableStats: [TableStats] {
        [
            TableStats(
                tableID: 0, name: "classifier", wildcards: .all, maxEntries: UInt32(clamping: table.capacity),
                activeCount: UInt32(clamping: table.count), lookupCount: table.lookupCount,
                matchedCount: table.matchedCount)
        ]
    }

    /// OFPST_PORT: one port, or all with OFPP_NONE; an unknown port gives no entry, as
    /// in Open vSwitch.
    public func portStats(_ port: PortNumber) -> [PortStats] {
        if port == .none { return ports.map { $0.stats } }
        return self.port(port).map { [$0.stats] } ?? []
    }

    /// OFPST_QUEUE: one queue or all (OFPQ_ALL) of one port or all (OFPP_ALL). An
    /// unknown port is OFPQOFC_BAD_PORT; a queue the port lacks, OFPQOFC_BAD_QUEUE.
    public func queueStats(port: PortNumber, queueID: UInt32) throws(DatapathError) -> [QueueStats] {
        var selected: [SwitchPort] = []
        if port == .all {
            selected = ports
        } else if let one = self.port(port) {
            selected = [one]
        } else {
            throw DatapathError(.queueBadPort)
        }
        var result: [QueueStats] = []
        for port in selected {
            for queue in port.queues where queueID == QueueID.all || queue.queueID == queueID {
                result.append(
                    QueueStats(
                        portNumber: port.number, queueID: queue.queueID, txBytes: queue.txBytes,
                        txPackets: queue.txPackets, txErrors: queue.txErrors))
            }
        }
        if queueID != QueueID.all && result.isEmpty && port != .all { throw DatapathError(.queueBadQueue) }
        return result
    }

    /// OFPT_QUEUE_GET_CONFIG_REQUEST: the port's queues with their MIN_RATE. Only an
    /// existing physical port has queues (else OFPQOFC_BAD_PORT).
    public func queueConfig(port number: PortNumber) throws(DatapathError) -> QueueGetConfigReply {
        guard number.isPhysical, let port = port(number) else { throw DatapathError(.queueBadPort) }
        return QueueGetConfigReply(
            port: number,
            queues: port.queues.map { queue in
                PacketQueue(queueID: queue.queueID, properties: queue.minRate.map { [.minRate($0)] } ?? [])
            })
    }
}
