import Scheduler

/// The application's calls on one connection (RFC 9293 section 3.10: SEND, RECEIVE,
/// CLOSE as a half close).
extension TCPConnection {
    mutating func write(_ bytes: UnsafeRawBufferPointer) throws(TCPError) -> Int {
        guard !finQueued else { throw .closedForWriting }
        switch state {
        case .synSent, .synReceived, .established, .closeWait:
            break
        default:
            throw .notConnected
        }
        let taken = send.append(bytes)
        if taken < bytes.count { wantsWritable = true }
        return taken
    }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        readableReported = false
        let count = receive.read(into: buffer)
        // A window update when the peer's view is stale enough to slow it: the window
        // at least doubled and grew by a segment or more (as Linux decides; RFC 1122
        // 4.2.3.3 asks for growth of at least min(buffer / 2, MSS)). Otherwise the next
        // ACK carries the new window anyway.
        if count > 0, state == .established || state == .finWait1 || state == .finWait2 {
            let window = Swift.min(receive.window >> Int(receiveScale), 65535) << Int(receiveScale)
            let grown = window &- lastAdvertisedWindow
            if grown >= Swift.min(receive.capacity / 2, mss), window >= 2 &* lastAdvertisedWindow { ackNow = true }
        }
        return count
    }

    var isReadClosed: Bool { finReceived && receive.readable == 0 }

    /// Queues a FIN after the buffered bytes (a half close).
    mutating func shutdownWrite() {
        guard !finQueued else { return }
        switch state {
        case .synSent, .synReceived:
            finQueued = true  // sent once the handshake completes
        case .established:
            finQueued = true
            state = .finWait1
        case .closeWait:
            finQueued = true
            state = .lastAck
        default:
            break
        }
    }

    /// Closes both directions; received bytes from now on are dropped. Returns false
    /// when unread bytes are waiting, which calls for a reset instead (as Linux does).
    mutating func close() -> Bool {
        guard receive.readable == 0 else { return false }
        appClosed = true
        if state == .synSent {
            enterClosed(.normal)
        } else {
            shutdownWrite()
        }
        return true
    }

    /// The RST `abort` sends, if the state calls for one (RFC 9293 3.10.5).
    var abortReset: TCPReset? {
        switch state {
        case .synReceived, .established, .finWait1, .finWait2, .closeWait:
            reset(sequence: sendMax, acknowledgment: receiveNext, withAck: true)
        default:
            nil
        }
    }
}
