import OpenFlow

/// Frames and decodes one direction of an OpenFlow connection, turning each message,
/// malformed message or loss of sync into one output line.
struct DirectionDecoder {
    private var framer = Framer()
    /// Set once the stream can no longer be framed; later bytes are ignored.
    private var stopped = false

    /// Decodes every whole message `bytes` completes; returns how many were malformed.
    mutating func consume(_ bytes: ArraySlice<UInt8>, label: String, emit: (String) -> Void) -> Int {
        guard !stopped else { return 0 }
        framer.append(bytes)
        var malformed = 0
        while true {
            let frame: ArraySlice<UInt8>
            do throws(OpenFlowError) {
                guard let next = try framer.next() else { return malformed }
                frame = next
            } catch {
                emit(label + "error: " + error.specName + " (" + error.detail
                    + ": stream cannot be resynchronised, " + String(framer.bufferedCount)
                    + " bytes left undecoded in this direction)")
                stopped = true
                return malformed + 1
            }
            do throws(OpenFlowError) {
                emit(label + (try OpenFlowMessage.decode(frame)).textForm)
            } catch {
                emit(label + "error: " + error.specName + " (" + error.detail + ", "
                    + String(frame.count) + " bytes: " + DumpText.hex(frame) + ")")
                malformed += 1
            }
        }
    }

    /// The capture missed bytes: no later message boundary can be trusted.
    mutating func lose(_ count: Int, label: String, emit: (String) -> Void) {
        guard !stopped else { return }
        emit(label + "gap: " + String(count) + " bytes not captured; decoding of this direction stops")
        stopped = true
    }

    /// The stream or capture ended: reports a message cut short.
    mutating func finish(label: String, emit: (String) -> Void) {
        guard !stopped, framer.bufferedCount > 0 else { return }
        emit(label + "incomplete: " + String(framer.bufferedCount) + " bytes of a message at the end of the stream")
        stopped = true
    }
}
