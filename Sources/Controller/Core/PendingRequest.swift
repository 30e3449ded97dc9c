import OpenFlow
import Scheduler

/// A request we sent that expects a reply, by xid, with the REPLY_MORE parts gathered
/// so far.
struct PendingRequest {
    var type: MessageType
    var deadline: Instant
    var partial: StatsReply.Body?
    var entryCount = 0

    /// Types whose answer the core matches by xid.
    static func isTracked(_ type: MessageType) -> Bool {
        type == .statsRequest || type == .barrierRequest || type == .getConfigRequest
            || type == .queueGetConfigRequest || type == .featuresRequest
    }

    /// Adds one reply part; returns the whole body so far.
    mutating func accumulate(_ body: StatsReply.Body) -> StatsReply.Body {
        let merged: StatsReply.Body
        switch (partial, body) {
        case (.flow(var entries)?, .flow(let more)):
            entries.append(contentsOf: more)
            merged = .flow(entries)
        case (.table(var entries)?, .table(let more)):
            entries.append(contentsOf: more)
            merged = .table(entries)
        case (.port(var entries)?, .port(let more)):
            entries.append(contentsOf: more)
            merged = .port(entries)
        case (.queue(var entries)?, .queue(let more)):
            entries.append(contentsOf: more)
            merged = .queue(entries)
        default:
            // The first part, or a single-valued body (desc, aggregate, vendor): the
            // latest part stands.
            merged = body
        }
        partial = nil
        entryCount += Self.entryCount(body)
        return merged
    }

    private static func entryCount(_ body: StatsReply.Body) -> Int {
        switch body {
        case .flow(let entries): entries.count
        case .table(let entries): entries.count
        case .port(let entries): entries.count
        case .queue(let entries): entries.count
        case .desc, .aggregate, .vendor: 1
        }
    }
}
