import OpenFlow
import Wire

/// What the packet path needs of a port, as plain bits beside `Datapath.ports`, so the
/// per-packet checks copy nothing and retain nothing. Refreshed whenever the port's
/// description changes.
struct PortFlags {
    var number: UInt16
    var config: UInt32
    var linkDown: Bool

    init(_ port: SwitchPort) {
        number = port.number.rawValue
        config = port.description.config.rawValue
        linkDown = port.description.state.rawValue & 1 != 0  // OFPPS_LINK_DOWN
    }

    // OFPPC_* bits, spelled here so the hot path reads no global.
    static let portDown: UInt32 = 1 << 0
    static let noRecv: UInt32 = 1 << 2
    static let noRecvSTP: UInt32 = 1 << 3
    static let noFlood: UInt32 = 1 << 4
    static let noFwd: UInt32 = 1 << 5
    static let noPacketIn: UInt32 = 1 << 6

    /// Administratively down or link down: neither receives nor sends.
    @inline(__always) var isDown: Bool { config & Self.portDown != 0 || linkDown }

    /// Not down and not NO_FWD.
    @inline(__always) var canTransmit: Bool { !isDown && config & Self.noFwd == 0 }

    @inline(__always) var noFlood: Bool { config & Self.noFlood != 0 }
    @inline(__always) var noPacketIn: Bool { config & Self.noPacketIn != 0 }

    /// Whether a received frame sent to `destination` is taken: a port that is down
    /// takes nothing; NO_RECV drops all but 802.1D BPDUs, NO_RECV_STP drops BPDUs.
    @inline(__always)
    func accepts(destination: MACAddress) -> Bool {
        if config == 0 && !linkDown { return true }
        if isDown { return false }
        let isSTP = destination.rawValue == 0x0180_C200_0000
        if config & Self.noRecv != 0 && !isSTP { return false }
        if config & Self.noRecvSTP != 0 && isSTP { return false }
        return true
    }
}

extension PortNumber {
    /// 1...OFPP_MAX, from the raw value alone.
    @inline(__always) var isPhysicalPort: Bool { rawValue &- 1 < 0xFF00 }
}
