import ArgumentParser
import OpenFlow
import Capture
import Foundation

/// `ofdump`: prints the OpenFlow messages inside a packet capture, one line each.
@main
struct OFDump: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ofdump",
        abstract: "Print the OpenFlow 1.0 messages in a pcap or pcapng capture.",
        discussion: """
            Every TCP stream with either port among the OpenFlow ports is reassembled and each \
            direction is decoded separately. Each output line starts with the direction, \
            "SRC:PORT > DST:PORT ", followed by one of:
              <message>          a decoded message, e.g. "OFPT_HELLO xid=0x1"
              error: <OFPET_* OFPxxC_*> (<detail and message bytes in hex>)
                                 a malformed message; decoding continues after it,
                                 or stops for that direction if no boundary can be trusted
              gap: <n> bytes not captured; ...
                                 the capture missed bytes; decoding of that direction stops
              incomplete: <n> bytes ...
                                 the stream or capture ended inside a message

            With -i IFACE it captures live through libpcap instead (a BPF filter keeps only \
            the OpenFlow ports; "any" captures on every interface) until SIGINT or SIGTERM, \
            --count packets or --duration seconds, printing each message as it completes.

            Exit status: 0 when every message decoded, 1 when any was malformed, 2 when the \
            file cannot be read or parsed or the interface cannot be opened (the reason goes \
            to stderr).
            """,
        version: FrameworkVersion.string)

    @Argument(help: "A capture file (pcap or pcapng; Ethernet, Linux cooked, raw IP or loopback).")
    var file: String?

    @Option(name: .customShort("i"), help: ArgumentHelp("Capture live on this interface instead of reading a file.", valueName: "IFACE"))
    var interface: String?

    @Option(name: .customLong("count"), help: ArgumentHelp("With -i: stop after this many packets.", valueName: "N"))
    var count: Int?

    @Option(name: .customLong("duration"), help: ArgumentHelp("With -i: stop after this many seconds.", valueName: "SECONDS"))
    var duration: Double?

    @Option(name: .customLong("port"), help: "Also decode TCP streams on this port (repeatable; 6653 and 6633 are always included).")
    var ports: [UInt16] = []

    func validate() throws {
        guard (file == nil) != (interface == nil) else { throw ValidationError("give a capture file or -i IFACE, not both") }
        if interface == nil, count != nil || duration != nil { throw ValidationError("--count and --duration go with -i") }
        if let count, count < 1 { throw ValidationError("--count must be at least 1") }
        if let duration, !(duration > 0 && duration < 1e6) { throw ValidationError("--duration must be a positive number of seconds") }
    }

    mutating func run() throws {
        guard let file else {
            try LiveDump(interface: interface!, ports: Set([6653, 6633] + ports), count: count, duration: duration).run()
            return
        }
        let bytes: [UInt8]
        do {
            bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
        } catch {
            Self.fail(file + ": " + error.localizedDescription)
        }
        var dump = CaptureDump(ports: Set([6653, 6633] + ports)) { print($0) }
        let failure = dump.run(bytes)
        if dump.skippedFragments + dump.skippedMalformed > 0 {
            Self.note("skipped " + String(dump.skippedFragments) + " IPv4 fragments and "
                + String(dump.skippedMalformed) + " frames with malformed headers")
        }
        if let failure { Self.fail(file + ": " + failure.description) }
        if dump.malformedMessages > 0 { throw ExitCode(1) }
    }

    static func note(_ text: String) {
        FileHandle.standardError.write(Data(("ofdump: " + text + "\n").utf8))
    }

    /// Exits with the tools' convention: 64 when an input cannot be opened or read (the
    /// run never started), 1 when something failed while running.
    static func fail(_ text: String, status: Int32 = 64) -> Never {
        note(text)
        Self.exit(withError: ExitCode(status))
    }
}
