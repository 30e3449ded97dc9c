import ArgumentParser
import Capture
import Foundation
import PcapDevice

/// `ofdump -i IFACE`: the same decoding as for a file, fed by a live libpcap capture
/// filtered to the OpenFlow ports; SIGINT, SIGTERM, `--count` or `--duration` end it.
struct LiveDump {
    let interface: String
    let ports: Set<UInt16>
    let count: Int?
    let duration: Double?

    /// The capture a signal or the timer stops (pcap_breakloop is safe from either).
    nonisolated(unsafe) private static var active: PcapLiveCapture?

    func run() throws {
        let filter = ports.sorted().map { "tcp port " + String($0) }.joined(separator: " or ")
        let capture: PcapLiveCapture
        do throws(PcapCaptureError) {
            capture = try PcapLiveCapture(interface: interface, filter: filter)
        } catch {
            OFDump.fail(error.message)
        }
        Self.active = capture
        signal(SIGINT) { _ in LiveDump.active?.stop() }
        signal(SIGTERM) { _ in LiveDump.active?.stop() }
        if let duration {
            signal(SIGALRM) { _ in LiveDump.active?.stop() }
            var timer = itimerval()
            timer.it_value.tv_sec = Int(duration)
            timer.it_value.tv_usec = Int((duration - duration.rounded(.down)) * 1e6)
            setitimer(__itimer_which_t(ITIMER_REAL.rawValue), &timer, nil)
        }
        // Each line is written at once (not buffered), so a watcher sees it live.
        var dump = CaptureDump(ports: ports) { FileHandle.standardOutput.write(Data(($0 + "\n").utf8)) }
        let linkType = LinkType(rawValue: UInt16(truncatingIfNeeded: capture.linkType))
        var seen = 0
        let limit = count
        let failure = capture.run { seconds, nanoseconds, bytes, length in
            let record = PcapRecord(
                timestamp: CaptureTimestamp(seconds: seconds, nanoseconds: nanoseconds), linkType: linkType,
                originalLength: length, data: ArraySlice(bytes))
            dump.receive(record)
            seen += 1
            if let limit, seen >= limit { capture.stop() }
        }
        dump.finish()
        Self.active = nil
        capture.close()
        if let failure { OFDump.fail(interface + ": " + failure, status: 1) }
        OFDump.note("captured " + String(seen) + " packets on " + interface)
        if dump.malformedMessages > 0 { throw ExitCode(1) }
    }
}
