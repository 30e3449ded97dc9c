import OpenFlow
import Scheduler

/// OFPT_STATS_REQUEST answers. Lists are split over several replies with the same xid,
/// each but the last flagged REPLY_MORE, so no reply is longer than
/// `AgentSettings.maximumReplyLength` (at most 65535, the length field); a reply holds
/// at least one entry. Vendor stats are refused (OFPBRC_BAD_VENDOR): this switch has no
/// extensions.
extension SwitchAgent {
    mutating func statsRequest(_ request: StatsRequest, xid: UInt32, _ frame: ArraySlice<UInt8>, _ index: Int, now: Instant) {
        switch request.body {
        case .desc:
            var description = settings.description
            if description.datapath.isEmpty { description.datapath = "dpid " + hex16(datapath.settings.datapathID) }
            reply(.desc(description), xid: xid, index)
        case .flow(let filter):
            let entries = datapath.flowStats(filter, now: now)
            replyInParts(entries, xid: xid, index, size: { 88 + $0.actions.reduce(0) { $0 + $1.wireLength } }, wrap: { .flow($0) })
        case .aggregate(let filter):
            reply(.aggregate(datapath.aggregateStats(filter)), xid: xid, index)
        case .table:
            replyInParts(datapath.tableStats, xid: xid, index, size: { _ in TableStats.length }, wrap: { .table($0) })
        case .port(let port):
            replyInParts(datapath.portStats(port), xid: xid, index, size: { _ in PortStats.length }, wrap: { .port($0) })
        case .queue(let port, let queueID):
            do throws(DatapathError) {
                let entries = try datapath.queueStats(port: port, queueID: queueID)
                replyInParts(entries, xid: xid, index, size: { _ in QueueStats.length }, wrap: { .queue($0) })
            } catch {
                reject(frame, error.code, index, reason: error.code.specName)
            }
        case .vendor:
            reject(frame, .badVendor, index, reason: "no vendor stats")
        }
    }

    private mutating func reply(_ body: StatsReply.Body, flags: StatsReplyFlags = [], xid: UInt32, _ index: Int) {
        write(OpenFlowMessage(xid: xid, .statsReply(StatsReply(body, flags: flags))), to: index)
    }

    /// Sends `entries` in as few replies as fit the length limit.
    private mutating func replyInParts<Entry>(
        _ entries: [Entry], xid: UInt32, _ index: Int, size: (Entry) -> Int, wrap: ([Entry]) -> StatsReply.Body
    ) {
        let limit = min(settings.maximumReplyLength, OpenFlowMessage.maximumLength)
        let fixed = Header.length + 4
        var start = 0
        repeat {
            var end = start
            var length = fixed
            while end < entries.count, end == start || length + size(entries[end]) <= limit {
                length += size(entries[end])
                end += 1
            }
            let more = end < entries.count
            reply(wrap(Array(entries[start..<end])), flags: more ? .replyMore : [], xid: xid, index)
            start = end
        } while start < entries.count
    }

    private func hex16(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, 16 - digits.utf8.count)) + digits
    }
}
