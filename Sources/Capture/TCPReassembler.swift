/// Turns captured TCP segments back into the byte streams the endpoints exchanged, one
/// per direction, as a passive observer: nothing is acknowledged or sent.
///
/// Delivered chunks are slices of the segments' payloads (of the capture file), so
/// in-order traffic is reassembled without copying. Segments that arrive ahead of a gap
/// are held until the gap fills; when more than `maximumBufferedBytes` wait, or the
/// capture ends, the gap is reported as `.gap` and delivery skips past it, so no byte is
/// lost without a word.
public struct TCPReassembler: Sendable {
    public enum Event: Sendable {
        /// A SYN began a stream; whatever came before on this 4-tuple is over.
        case opened
        /// The next bytes of the stream, in order.
        case data(ArraySlice<UInt8>)
        /// This many bytes of the stream were never captured; delivery resumes after them.
        case gap(Int)
        /// The stream ended: all bytes up to the FIN were delivered, or a RST arrived.
        case closed(CloseReason)
    }

    public enum CloseReason: Sendable, Equatable {
        case fin
        case reset
    }

    public let maximumBufferedBytes: Int
    private var streams: [FlowKey: StreamState] = [:]

    public init(maximumBufferedBytes: Int = 1 << 20) {
        self.maximumBufferedBytes = maximumBufferedBytes
    }

    /// Feeds one segment; `deliver` receives the events it releases, in stream order.
    public mutating func receive(_ segment: TCPSegment, _ deliver: (FlowKey, Event) -> Void) {
        let key = segment.key
        let limit = maximumBufferedBytes
        streams[key, default: StreamState()].receive(segment, limit: limit) { deliver(key, $0) }
    }

    /// At the end of a capture: reports the gaps before segments still held, delivers
    /// those segments, in `FlowKey` order.
    public mutating func finish(_ deliver: (FlowKey, Event) -> Void) {
        for key in streams.keys.sorted() {
            streams[key, default: StreamState()].flush { deliver(key, $0) }
        }
    }
}

/// The bytes `[sequence, sequence + length)` of a stream, of which the first
/// `data.count` were captured and the last `missing` were not.
struct Span: Sendable {
    var sequence: UInt32
    var data: ArraySlice<UInt8>
    var missing: Int

    var length: Int { data.count + missing }
}

/// Reassembly state of one direction. Sequence numbers wrap, so positions are compared
/// as signed 32-bit distances from `next`.
struct StreamState: Sendable {
    /// The sequence number of the SYN, if one was seen.
    private var initialSequence: UInt32?
    /// The sequence number of the next byte to deliver; nil until the stream is placed.
    private var next: UInt32?
    /// The sequence number of the FIN, once seen.
    private var finSequence: UInt32?
    private var closed = false
    /// Segments ahead of `next`, sorted by sequence.
    private var pending: [Span] = []
    private var pendingBytes = 0

    mutating func receive(_ segment: TCPSegment, limit: Int, _ deliver: (TCPReassembler.Event) -> Void) {
        if segment.isSYN, segment.sequence != initialSequence {
            // A SYN other than a retransmission opens a new connection on this 4-tuple.
            if !closed { flush(deliver) }
            self = StreamState()
            initialSequence = segment.sequence
            next = segment.sequence &+ 1
            deliver(.opened)
        }
        guard !closed else { return }
        var span = Span(sequence: segment.sequence, data: segment.payload, missing: segment.missingLength)
        if segment.isSYN { span.sequence &+= 1 }
        if next == nil {
            // A capture that starts mid-connection: place the stream at the first segment
            // that carries data. A bare ACK may be a keep-alive one byte early.
            guard span.length > 0 || segment.isFIN else { return }
            next = span.sequence
        }
        if segment.isRST {
            flush(deliver)
            close(.reset, deliver)
            return
        }
        if segment.isFIN { finSequence = span.sequence &+ UInt32(truncatingIfNeeded: span.length) }
        if distance(to: span.sequence) <= 0 {
            deliverTrimmed(span, deliver)
        } else if span.length > 0 {
            hold(span)
            while pendingBytes > limit { skipToPending(deliver) }
        }
        drain(deliver)
        if let fin = finSequence, distance(to: fin) <= 0 { close(.fin, deliver) }
    }

    /// Reports each remaining gap and delivers everything held.
    mutating func flush(_ deliver: (TCPReassembler.Event) -> Void) {
        while !pending.isEmpty { skipToPending(deliver) }
    }

    /// Signed distance from the next expected byte to `sequence`.
    private func distance(to sequence: UInt32) -> Int {
        guard let next else { return 0 }
        return Int(Int32(bitPattern: sequence &- next))
    }

    /// Delivers the part of `span` not yet delivered, if any.
    private mutating func deliverTrimmed(_ span: Span, _ deliver: (TCPReassembler.Event) -> Void) {
        let already = -distance(to: span.sequence)
        guard already < span.length else { return }
        let data = span.data.dropFirst(already)
        let missing = span.length - already - data.count
        if !data.isEmpty { deliver(.data(data)) }
        if missing > 0 { deliver(.gap(missing)) }
        next = span.sequence &+ UInt32(truncatingIfNeeded: span.length)
    }

    private mutating func hold(_ span: Span) {
        let offset = distance(to: span.sequence)
        let index = pending.firstIndex { distance(to: $0.sequence) > offset } ?? pending.endIndex
        pending.insert(span, at: index)
        pendingBytes += span.data.count
    }

    /// Delivers held segments that now touch or overlap `next`.
    private mutating func drain(_ deliver: (TCPReassembler.Event) -> Void) {
        while let first = pending.first, distance(to: first.sequence) <= 0 {
            pending.removeFirst()
            pendingBytes -= first.data.count
            deliverTrimmed(first, deliver)
        }
    }

    /// Gives up on the gap before the first held segment.
    private mutating func skipToPending(_ deliver: (TCPReassembler.Event) -> Void) {
        guard let first = pending.first else { return }
        let gap = distance(to: first.sequence)
        if gap > 0 {
            deliver(.gap(gap))
            next = first.sequence
        }
        drain(deliver)
    }

    private mutating func close(_ reason: TCPReassembler.CloseReason, _ deliver: (TCPReassembler.Event) -> Void) {
        closed = true
        pending.removeAll()
        pendingBytes = 0
        deliver(.closed(reason))
    }
}
