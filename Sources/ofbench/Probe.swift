import OpenFlow
import Wire

/// The PACKET_IN an emulated switch sends, in cbench's shape: 82 bytes carrying a
/// 64-byte Ethernet/IPv4 frame from 00:<mac index, 4 bytes little-endian>:<switch> to
/// 80:00:00:00:00:<switch>, in_port 1. Encoded once per switch into memory of its own;
/// each probe is a copy with its xid, buffer_id and source MAC patched in.
final class Probe {
    static let length = 82
    private static let xidOffset = 4
    private static let bufferIDOffset = 8
    private static let sourceMACOffset = 18 + 6

    /// Buffer ids cycle below this bound, starting at 1, as cbench's do.
    static let bufferIDLimit: UInt32 = 100_000

    private let template: UnsafeMutableRawBufferPointer
    private let switchByte: UInt8

    init(datapathID: UInt64) throws(OpenFlowError) {
        switchByte = UInt8(truncatingIfNeeded: datapathID)
        let frame = Self.frame(switchByte: switchByte)
        let packetIn = PacketIn(bufferID: 0, totalLength: UInt16(frame.count), inPort: PortNumber(1), reason: .noMatch, data: frame[...])
        let encoded = try OpenFlowMessage(xid: 0, .packetIn(packetIn)).encoded()
        precondition(encoded.count == Self.length)
        template = .allocate(byteCount: Self.length, alignment: 8)
        encoded.withUnsafeBytes { template.copyMemory(from: $0) }
    }

    deinit { template.deallocate() }

    /// Writes one probe at `offset` in `buffer`, which must have room for it.
    func write(into buffer: UnsafeMutableRawBufferPointer, at offset: Int, xid: UInt32, bufferID: UInt32, macIndex: UInt32) {
        let probe = UnsafeMutableRawBufferPointer(rebasing: buffer[offset..<offset + Self.length])
        probe.copyMemory(from: UnsafeRawBufferPointer(template))
        probe.storeBytes(of: xid.bigEndian, toByteOffset: Self.xidOffset, as: UInt32.self)
        probe.storeBytes(of: bufferID.bigEndian, toByteOffset: Self.bufferIDOffset, as: UInt32.self)
        // cbench copies the index's bytes as they lie in memory: little-endian.
        probe.storeBytes(of: macIndex.littleEndian, toByteOffset: Self.sourceMACOffset + 1, as: UInt32.self)
        probe[Self.sourceMACOffset + 5] = switchByte
    }

    /// Ethernet + IPv4 (protocol 255, 192.168.0.40 -> 192.168.1.40) + 30 bytes of
    /// payload: 64 bytes, the minimum frame cbench sends.
    private static func frame(switchByte: UInt8) -> [UInt8] {
        var frame: [UInt8] = [0x80, 0, 0, 0, 0, switchByte, 0, 0, 0, 0, 0, switchByte, 0x08, 0x00]
        var ip: [UInt8] = [0x45, 0, 0, 50, 0, 0, 0, 0, 64, 0xFF, 0, 0, 192, 168, 0, 40, 192, 168, 1, 40]
        let checksum = InternetChecksum.checksum(ip[...])
        ip[10] = UInt8(checksum >> 8)
        ip[11] = UInt8(truncatingIfNeeded: checksum)
        frame += ip
        frame += [UInt8](repeating: 0, count: 30)
        return frame
    }
}

/// cbench's `--learn-dst-macs` packet: a gratuitous ARP reply from 80:00:00:00:00:<switch>
/// (192.168.<switch>.40) on port 2, unbuffered, so a learning controller knows where
/// the probes' destination lives before the test starts.
enum DestinationAnnouncement {
    static func message(datapathID: UInt64, xid: UInt32) -> OpenFlowMessage {
        let switchByte = UInt8(truncatingIfNeeded: datapathID)
        let mac: [UInt8] = [0x80, 0, 0, 0, 0, switchByte]
        let ip: [UInt8] = [192, 168, switchByte, 40]
        var frame: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF] + mac + [0x08, 0x06]
        frame += [0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x02] + mac + ip + mac + ip
        frame += [UInt8](repeating: 0, count: 64 - frame.count)
        let packetIn = PacketIn(bufferID: 0xFFFF_FFFF, totalLength: UInt16(frame.count), inPort: PortNumber(2), reason: .noMatch, data: frame[...])
        return OpenFlowMessage(xid: xid, .packetIn(packetIn))
    }
}
