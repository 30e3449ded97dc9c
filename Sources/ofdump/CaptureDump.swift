import Capture

/// Drives one capture through demultiplexing, TCP reassembly and per-direction OpenFlow
/// decoding, handing each output line to `emit` as soon as it is known.
struct CaptureDump {
    let ports: Set<UInt16>
    let emit: (String) -> Void
    private var directions: [FlowKey: DirectionDecoder] = [:]
    private var reassembler = TCPReassembler()
    private(set) var malformedMessages = 0
    private(set) var skippedFragments = 0
    private(set) var skippedMalformed = 0

    init(ports: Set<UInt16>, emit: @escaping (String) -> Void) {
        self.ports = ports
        self.emit = emit
    }

    /// Decodes the whole file; returns the error that stopped reading early, if any,
    /// after printing everything read up to it.
    mutating func run(_ bytes: [UInt8]) -> CaptureError? {
        var failure: CaptureError?
        do throws(CaptureError) {
            var reader = try PcapReader(bytes)
            while let record = try reader.next() { receive(record) }
        } catch {
            failure = error
        }
        finish()
        return failure
    }

    /// One captured packet (from a file or a live capture); lines are emitted as soon
    /// as the messages in it are complete.
    mutating func receive(_ record: PcapRecord) {
        guard let segment = segment(in: record) else { return }
        // The reassembler is moved out while it runs, so its callback may update `self`.
        var reassembler = TCPReassembler()
        swap(&reassembler, &self.reassembler)
        reassembler.receive(segment) { key, event in handle(key, event) }
        swap(&reassembler, &self.reassembler)
    }

    /// The capture ended: streams still open are closed and what they left is reported.
    mutating func finish() {
        var reassembler = TCPReassembler()
        swap(&reassembler, &self.reassembler)
        reassembler.finish { key, event in handle(key, event) }
        for key in directions.keys.sorted() {
            let label = label(key)
            directions[key]?.finish(label: label, emit: emit)
        }
    }

    /// The record's TCP segment when it belongs to an OpenFlow connection.
    private mutating func segment(in record: PcapRecord) -> TCPSegment? {
        switch PacketDemux.decode(record.data, linkType: record.linkType) {
        case .tcp(let segment):
            let key = segment.key
            return ports.contains(key.sourcePort) || ports.contains(key.destinationPort) ? segment : nil
        case .fragment:
            skippedFragments += 1
        case .malformed:
            skippedMalformed += 1
        case .other:
            break
        }
        return nil
    }

    private mutating func handle(_ key: FlowKey, _ event: TCPReassembler.Event) {
        let label = label(key)
        switch event {
        case .opened:
            directions[key]?.finish(label: label, emit: emit)
            directions[key] = DirectionDecoder()
        case .data(let bytes):
            malformedMessages += directions[key, default: DirectionDecoder()].consume(bytes, label: label, emit: emit)
        case .gap(let count):
            directions[key, default: DirectionDecoder()].lose(count, label: label, emit: emit)
        case .closed:
            directions[key]?.finish(label: label, emit: emit)
            directions[key] = nil
        }
    }

    private func label(_ key: FlowKey) -> String { key.description + " " }
}
