import Scheduler
import Wire

/// Datagrams whose fragments stopped coming: dropped, and their sender told with ICMP
/// time exceeded, code 1 (RFC 792), when we hold the first fragment to quote (RFC 1122
/// 3.3.2: only then; without it the sender could not match the error).
extension NetStack {
    mutating func expireReassembly(now: Instant) {
        while let slot = reassembly.expired(now: now) {
            counters.reassemblyTimeouts &+= 1
            if let first = reassembly.firstFragment(slot), !Self.isICMPError(first) {
                let key = reassembly.key(slot)
                let datagram = Datagram(
                    packet: first, headerLength: Int(first[first.startIndex] & 0x0F) &* 4, source: key.source,
                    destination: key.destination, proto: IPProtocol(rawValue: key.proto),
                    isBroadcast: configuration.isBroadcast(key.destination))
                sendError(type: ICMPCode.timeExceeded, code: ICMPCode.reassemblyTimeExceeded, about: datagram, now: now)
            }
            reassembly.release(slot)
        }
    }

    /// No ICMP error about an ICMP error (RFC 1122 3.2.2): types 3, 4, 5, 11 and 12.
    static func isICMPError(_ packet: ArraySlice<UInt8>) -> Bool {
        let start = packet.startIndex
        let headerLength = Int(packet[start] & 0x0F) &* 4
        guard packet[start &+ 9] == IPProtocol.icmp.rawValue, packet.count > headerLength else { return false }
        switch packet[start &+ headerLength] {
        case 3, 4, 5, 11, 12: return true
        default: return false
        }
    }
}
