import CPcap
import Glibc

/// A live capture through libpcap for tools that watch traffic rather than join it
/// (`ofdump -i`): every packet both ways that passes a BPF filter, with its timestamp
/// and link type, as libpcap delivers them.
public final class PcapLiveCapture {
    private var handle: OpaquePointer?
    /// The link-layer header type (a LINKTYPE_/DLT_ value, e.g. 1 for Ethernet).
    public let linkType: Int32

    /// Opens `interface` (needs CAP_NET_RAW; "any" captures on all interfaces) with an
    /// optional BPF `filter`; the error is libpcap's own text.
    public init(interface: String, filter: String?, snapLength: Int32 = 262_144) throws(PcapCaptureError) {
        var errorBuffer = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE))
        guard let handle = pcap_create(interface, &errorBuffer) else {
            throw PcapCaptureError(message: errorBuffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })
        }
        pcap_set_snaplen(handle, snapLength)
        pcap_set_immediate_mode(handle, 1)
        guard pcap_activate(handle) >= 0 else {
            let message = interface + ": " + String(cString: pcap_geterr(handle))
            pcap_close(handle)
            throw PcapCaptureError(message: message)
        }
        if let filter {
            var program = bpf_program()
            guard pcap_compile(handle, &program, filter, 1, PCAP_NETMASK_UNKNOWN) == 0,
                pcap_setfilter(handle, &program) == 0
            else {
                let message = "filter '" + filter + "': " + String(cString: pcap_geterr(handle))
                pcap_freecode(&program)
                pcap_close(handle)
                throw PcapCaptureError(message: message)
            }
            pcap_freecode(&program)
        }
        self.handle = handle
        linkType = pcap_datalink(handle)
    }

    deinit { close() }

    /// Calls `body` with each packet (seconds, nanoseconds, bytes, length on the wire)
    /// until `stop()` or an error; returns libpcap's error text, or nil after `stop()`.
    public func run(_ body: (UInt64, UInt32, UnsafeRawBufferPointer, Int) -> Void) -> String? {
        guard let handle else { return nil }
        typealias Body = (UInt64, UInt32, UnsafeRawBufferPointer, Int) -> Void
        return withoutActuallyEscaping(body) { body -> String? in
            var box = body
            let status = withUnsafeMutablePointer(to: &box) { pointer in
                pcap_loop(handle, -1, { user, header, bytes in
                    guard let user, let header, let bytes else { return }
                    let body = user.withMemoryRebound(to: Body.self, capacity: 1) { $0.pointee }
                    let stamp = header.pointee.ts
                    body(
                        UInt64(stamp.tv_sec), UInt32(stamp.tv_usec) &* 1000,
                        UnsafeRawBufferPointer(start: bytes, count: Int(header.pointee.caplen)), Int(header.pointee.len))
                }, UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: UInt8.self))
            }
            return status == -1 ? String(cString: pcap_geterr(handle)) : nil
        }
    }

    /// Ends `run` after the packet being handled; safe from a signal handler.
    public func stop() {
        if let handle { pcap_breakloop(handle) }
    }

    public func close() {
        guard let handle else { return }
        pcap_close(handle)
        self.handle = nil
    }
}

/// Opening a live capture failed; the message is libpcap's.
public struct PcapCaptureError: Error, Sendable {
    public var message: String
}
