import OpenFlow
import Scheduler

/// Who may connect and stay: a cap on connections per source address, a cap on
/// handshakes in progress (the oldest silent ones give way), and an allow-list of
/// datapath ids.
/// They keep a flood of idle or half-open connections from starving real switches; they
/// cost a scan of the connections when one opens, never anything per message. The
/// per-source scan compares addresses, so it runs only once the connections outnumber
/// the cap: run on each of 1000 switches connecting at once, it kept a debug build from
/// reading their HELLOs for over a second, and the handshake limit then closed them as
/// silent.
extension Engine {
    /// Applies the connection caps to the session just opened in `slot`; false when it
    /// was closed.
    mutating func admit(_ slot: Int) -> Bool {
        let settings = shared.settings
        if settings.connectionsPerSource > 0, slotByConnection.count > settings.connectionsPerSource,
            let source = Self.source(of: sessions[slot]!.peer)
        {
            var count = 0
            for index in sessions.indices where index != slot {
                guard let other = sessions[index], !other.channel.isClosing, let theirs = Self.source(of: other.peer) else { continue }
                // Compared as bytes: String equality would pull in the Unicode tables.
                if theirs.utf8.elementsEqual(source.utf8) { count += 1 }
            }
            if count >= settings.connectionsPerSource {
                sessions[slot]!.close(
                    .warning, "refused: " + String(count) + " connections from " + String(source)
                        + " already (the limit per source address)", &shared)
                finishClose(slot)
                return false
            }
        }
        guard settings.handshakesInProgress > 0 else { return true }
        var handshaking = 0
        var silent: [(openedAt: Instant, index: Int)] = []
        for index in sessions.indices where index != slot {
            guard let other = sessions[index], other.datapath == nil, !other.channel.isClosing else { continue }
            handshaking += 1
            if !other.heardFrom, shared.now - other.openedAt >= settings.silentGrace { silent.append((other.openedAt, index)) }
        }
        guard handshaking >= settings.handshakesInProgress, !silent.isEmpty else { return true }
        silent.sort { $0.openedAt < $1.openedAt }
        let excess = min(handshaking - settings.handshakesInProgress + 1, silent.count)
        for (_, index) in silent.prefix(excess) {
            sessions[index]!.close(.debug, "closed to make room: silent with the handshake limit reached", &shared)
            finishClose(index)
        }
        shared.log(
            .warning,
            "handshake limit (" + String(settings.handshakesInProgress) + " in progress): closed " + String(excess)
                + " connections silent for 1 s or more, to make room")
        return true
    }

    /// Closes a datapath the allow-list leaves out; false when it did.
    mutating func isAllowed(_ datapath: DatapathID, slot: Int) -> Bool {
        guard let allowed = shared.settings.allowedDatapaths, !allowed.contains(datapath) else { return true }
        sessions[slot]!.close(.warning, "refused: not in the allow-list of datapath ids", &shared)
        finishClose(slot)
        return false
    }

    /// The host part of a peer's "HOST:PORT" (found by bytes, not Characters, which
    /// would pull in grapheme breaking).
    static func source(of peer: String?) -> Substring? {
        guard let peer, let colon = peer.utf8.lastIndex(of: UInt8(ascii: ":")) else { return nil }
        return peer[..<colon]
    }
}
