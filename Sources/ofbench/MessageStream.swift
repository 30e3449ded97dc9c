import OpenFlow

/// Splits the controller's byte stream into whole OpenFlow messages under any
/// segmentation, handing each to `body` as raw bytes. Messages that lie whole inside
/// one read are handed over where they lie; only a message cut by a read boundary is
/// gathered in a small buffer first. So counting the flood of responses in throughput
/// mode copies nothing and touches no reference counts.
struct MessageStream {
    private var partial: [UInt8] = []

    /// Throws `badHeaderLength` when a header declares fewer than 8 bytes: no later
    /// message boundary could be trusted.
    mutating func receive(_ bytes: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) throws(OpenFlowError) -> Void) throws(OpenFlowError) {
        var input = bytes[...]
        if !partial.isEmpty {
            // Finish the cut message from the front of this read: its header, then the
            // rest of the length the header declares.
            while case let needed = try Self.missing(partial), needed > 0 {
                guard !input.isEmpty else { return }
                let taken = input.prefix(needed)
                partial.append(contentsOf: UnsafeRawBufferPointer(rebasing: taken))
                input = input.dropFirst(taken.count)
            }
            var failure: OpenFlowError?
            partial.withUnsafeBytes { message in
                do throws(OpenFlowError) { try body(message) } catch { failure = error }
            }
            partial.removeAll(keepingCapacity: true)
            if let failure { throw failure }
        }
        while input.count >= Header.length {
            let length = Int(input[input.startIndex + 2]) << 8 | Int(input[input.startIndex + 3])
            guard length >= Header.length else { throw .badHeaderLength(UInt16(length)) }
            guard input.count >= length else { break }
            try body(UnsafeRawBufferPointer(rebasing: input.prefix(length)))
            input = input.dropFirst(length)
        }
        partial.append(contentsOf: UnsafeRawBufferPointer(rebasing: input))
    }

    /// Bytes still needed to finish the message begun in `buffer`: up to the header
    /// first, then up to the length it declares.
    private static func missing(_ buffer: [UInt8]) throws(OpenFlowError) -> Int {
        guard buffer.count >= Header.length else { return Header.length - buffer.count }
        let length = Int(buffer[2]) << 8 | Int(buffer[3])
        guard length >= Header.length else { throw .badHeaderLength(UInt16(length)) }
        return length - buffer.count
    }
}
