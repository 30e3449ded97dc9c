/// The SACK blocks of one received segment (RFC 2018), as sent: left edge, right edge
/// (the sequence number after the block). At most 4 fit in the option space; they are
/// kept inline so parsing a segment allocates nothing.
struct TCPSackBlocks: Equatable {
    static let capacity = 4
    private var lefts = InlineArray<4, TCPSequenceNumber>(repeating: TCPSequenceNumber(0))
    private var rights = InlineArray<4, TCPSequenceNumber>(repeating: TCPSequenceNumber(0))
    private(set) var count = 0

    /// Keeps the block if there is room; more than 4 cannot come in a valid option.
    mutating func append(left: TCPSequenceNumber, right: TCPSequenceNumber) {
        guard count < Self.capacity else { return }
        lefts[count] = left
        rights[count] = right
        count &+= 1
    }

    func left(_ i: Int) -> TCPSequenceNumber { lefts[i] }
    func right(_ i: Int) -> TCPSequenceNumber { rights[i] }

    static func == (a: Self, b: Self) -> Bool {
        guard a.count == b.count else { return false }
        for i in 0..<a.count where a.lefts[i] != b.lefts[i] || a.rights[i] != b.rights[i] { return false }
        return true
    }
}
