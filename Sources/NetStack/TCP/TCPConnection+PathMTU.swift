/// Path MTU discovery (RFC 1191): a router's "fragmentation needed" shrinks the
/// connection's segments. The MSS only goes down for the connection's life.
extension TCPConnection {
    /// Linux's min_pmtu: a smaller reported MTU is taken as this, and the segments then
    /// leave without DF so such a router may fragment them.
    static let minimumPathMTU = 552

    /// The quoted sequence number of an ICMP error names data in flight (RFC 5927 section
    /// 4.1.3.1): anything else is stale or forged.
    func isInFlight(_ sequence: TCPSequenceNumber) -> Bool { sequence.isIn(sendUnacknowledged, sendMax) }

    /// A hop takes at most `mtu` bytes: what is in flight was dropped there, so it goes
    /// again at the new size, without a congestion response (the loss said nothing about
    /// congestion; Linux's tcp_simple_retransmit). False when nothing changed.
    mutating func lowerPathMTU(_ mtu: Int) -> Bool {
        let fragment = mtu < Self.minimumPathMTU
        let newMSS = Swift.max(mtu, Self.minimumPathMTU) &- 40
        guard newMSS < mss || (fragment && !mayFragment) else { return false }
        mss = Swift.min(mss, newMSS)
        mayFragment = mayFragment || fragment
        congestion.lowerSegmentSize(segmentData)
        sendNext = sendUnacknowledged
        timedSequence = nil
        retransmitFirst = false
        return true
    }
}
