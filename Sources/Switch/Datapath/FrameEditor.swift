import OpenFlow
import Wire

/// The working copy of a packet while its actions run, and the frames it leaves as.
///
/// Every version of the frame lives in one arena that keeps its storage from packet to
/// packet, so forwarding allocates nothing once the arena has grown to the working
/// size. The frame is copied in at its first output or rewrite (a drop copies
/// nothing). An output records the current version; a rewrite after an output first
/// copies the version to the end of the arena, so each transmission keeps the bytes
/// as they were when it was output. Flooding one version to many ports copies it once.
struct FrameEditor {
    struct Send {
        var port: PortNumber
        var queueID: UInt32?
        var start: Int
        var count: Int
    }

    /// Zero-filled to its capacity; `used` bytes hold frame versions.
    private(set) var arena: [UInt8]
    var used = 0
    /// The first `sendCount` entries are this batch's transmissions; the array keeps
    /// its length, so starting a batch writes nothing.
    private(set) var sends: [Send] = []
    private(set) var sendCount = 0

    /// The working version: `arena[start ..< start + count]` once `loaded`.
    var start = 0
    var count = 0
    var loaded = false
    /// The working version was output: rewrite a copy, not it.
    var shared = false
    /// Offsets and fields of the working version.
    var layout = FrameLayout()

    init(capacity: Int) {
        arena = [UInt8](repeating: 0, count: max(capacity, 2048))
        sends.reserveCapacity(256)
    }

    /// Forgets every version and transmission (the start of a batch).
    mutating func reset() {
        used = 0
        sendCount = 0
        loaded = false
    }

    /// Starts on a new packet, whose bytes stay with the caller until needed. Rewrites
    /// and NORMAL need its layout too (`begin(_:)`); a lone OUTPUT does not.
    @inline(__always)
    mutating func begin() {
        loaded = false
        shared = false
    }

    mutating func begin(_ layout: FrameLayout) {
        self.layout = layout
        loaded = false
        shared = false
    }

    /// The layout of the packet begun without one, before its actions run.
    mutating func setLayout(_ layout: FrameLayout) {
        self.layout = layout
    }

    /// Where the working version is, to resume it after a nested run (OFPP_TABLE).
    struct Position {
        fileprivate var start: Int
        fileprivate var count: Int
        fileprivate var loaded: Bool
        fileprivate var layout: FrameLayout
    }

    var position: Position {
        get { Position(start: start, count: count, loaded: loaded, layout: layout) }
        set {
            (start, count, loaded, layout) = (newValue.start, newValue.count, newValue.loaded, newValue.layout)
            // The nested run may have output it: rewrite a copy from here on.
            shared = true
        }
    }

    /// The packet as modified so far.
    func current(_ input: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        loaded ? arena[start..<start + count] : input
    }

    func currentLength(_ input: ArraySlice<UInt8>) -> Int { loaded ? count : input.count }

    // MARK: Output

    /// Records a transmission of the current version.
    @inline(__always)
    mutating func emit(to port: PortNumber, queueID: UInt32? = nil, _ input: ArraySlice<UInt8>) {
        if !loaded { load(input) }
        let send = Send(port: port, queueID: queueID, start: start, count: count)
        if sendCount < sends.count {
            sends.withUnsafeMutableBufferPointer { $0[sendCount] = send }
        } else {
            sends.append(send)
        }
        sendCount += 1
        shared = true
    }

    // MARK: Versions

    /// Makes the working version a private copy in the arena.
    @inline(__always)
    mutating func writable(_ input: ArraySlice<UInt8>) {
        if !loaded {
            load(input)
        } else if shared {
            duplicate()
        }
    }

    mutating func load(_ input: ArraySlice<UInt8>) {
        let n = input.count
        reserve(n)
        let at = used
        if n > 0 {
            input.withUnsafeBytes { source in
                arena.withUnsafeMutableBytes { arena in
                    (arena.baseAddress! + at).copyMemory(from: source.baseAddress!, byteCount: n)
                }
            }
        }
        start = at
        count = n
        used = at + n
        loaded = true
        shared = false
    }

    mutating func duplicate() {
        reserve(count)
        let (from, at, n) = (start, used, count)
        if n > 0 {
            arena.withUnsafeMutableBytes { arena in
                (arena.baseAddress! + at).copyMemory(from: arena.baseAddress! + from, byteCount: n)
            }
        }
        start = at
        used = at + n
        shared = false
    }

    /// Room for `n` more bytes; grows (allocates) only past the largest batch so far.
    mutating func reserve(_ n: Int) {
        let needed = used + n
        guard needed > arena.count else { return }
        arena.append(contentsOf: repeatElement(0, count: max(needed - arena.count, arena.count)))
    }

    /// A new version with an 802.1Q tag (`tag`) inserted after the MAC addresses, or
    /// with the tag there removed (nil).
    mutating func splice(tag: UInt16?, _ input: ArraySlice<UInt8>) {
        if !loaded { load(input) }
        let oldCount = count
        let newCount = tag == nil ? oldCount - VLANTag.length : oldCount + VLANTag.length
        reserve(newCount)
        let (from, at) = (start, used)
        arena.withUnsafeMutableBytes { arena in
            let source = UnsafeRawPointer(arena.baseAddress! + from)
            let target = arena.baseAddress! + at
            let macs = 12
            target.copyMemory(from: source, byteCount: macs)
            if let tag {
                target.storeBytes(of: EtherType.vlan.rawValue.bigEndian, toByteOffset: macs, as: UInt16.self)
                target.storeBytes(of: tag.bigEndian, toByteOffset: macs + 2, as: UInt16.self)
                (target + macs + 4).copyMemory(from: source + macs, byteCount: oldCount - macs)
            } else {
                (target + macs).copyMemory(from: source + macs + 4, byteCount: oldCount - macs - 4)
            }
        }
        start = at
        count = newCount
        used = at + newCount
        shared = false
    }

    mutating func withFrame<R>(_ body: (UnsafeMutableRawBufferPointer) -> R) -> R {
        let (s, n) = (start, count)
        return arena.withUnsafeMutableBytes { body(UnsafeMutableRawBufferPointer(rebasing: $0[s..<s + n])) }
    }

}
