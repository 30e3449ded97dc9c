/// The pcapng format (what Wireshark and dumpcap write by default): a sequence of blocks,
/// each `type, length, body, length`. Only the blocks that carry packets and what is
/// needed to read them (section and interface headers) are interpreted; others are skipped.
struct PcapngParser: Sendable {
    private enum BlockType {
        static let interfaceDescription: UInt32 = 1
        static let simplePacket: UInt32 = 3
        static let enhancedPacket: UInt32 = 6
    }

    private struct Interface: Sendable {
        var linkType: LinkType
        var snapLength: UInt32
        var resolution: TimestampResolution
    }

    private var loader = EndianLoader(littleEndian: false)
    private var interfaces: [Interface] = []

    /// Checks there is room for a first block; the section header itself is read as a
    /// block by `next`. nil while the window holds too few bytes.
    static func open(_ window: inout CaptureWindow) throws(CaptureError) -> PcapngParser? {
        guard try window.has(12, orThrow: .truncatedFileHeader) else { return nil }
        return PcapngParser()
    }

    private init() {}

    mutating func next(_ window: inout CaptureWindow) throws(CaptureError) -> PcapRecord? {
        while !window.isExhausted {
            let start = window.offset, blockStart = window.fileOffset
            guard try window.has(12) else { return nil }
            let type = loader.u32(window.bytes, start)
            if type == PcapMagic.pcapngSection {
                guard try window.has(16) else { return nil }
                try beginSection(window, blockStart: blockStart)
            }
            let length = loader.u32(window.bytes, start + 4)
            guard length >= 12, length % 4 == 0 else { throw .malformedBlock(offset: blockStart) }
            guard try window.has(Int(length)) else { return nil }
            let bytes = window.bytes
            let end = start + Int(length)
            guard loader.u32(bytes, end - 4) == length else { throw .malformedBlock(offset: blockStart) }
            window.offset = end
            let body = start + 8..<end - 4
            switch type {
            case BlockType.interfaceDescription:
                try describeInterface(bytes, body, blockStart: blockStart)
            case BlockType.enhancedPacket:
                return try enhancedPacket(bytes, body, blockStart: blockStart)
            case BlockType.simplePacket:
                return try simplePacket(bytes, body, blockStart: blockStart)
            default:
                continue
            }
        }
        return nil
    }

    /// A section header resets the byte order (from its byte-order magic) and interfaces.
    private mutating func beginSection(_ window: CaptureWindow, blockStart: Int) throws(CaptureError) {
        switch window.bigEndianU32(at: window.offset + 8) {
        case 0x1A2B_3C4D: loader = EndianLoader(littleEndian: false)
        case 0x4D3C_2B1A: loader = EndianLoader(littleEndian: true)
        default: throw .malformedBlock(offset: blockStart)
        }
        interfaces.removeAll(keepingCapacity: true)
    }

    private mutating func describeInterface(_ bytes: [UInt8], _ body: Range<Int>, blockStart: Int) throws(CaptureError) {
        guard body.count >= 8 else { throw .malformedBlock(offset: blockStart) }
        var interface = Interface(
            linkType: LinkType(rawValue: loader.u16(bytes, body.lowerBound)),
            snapLength: loader.u32(bytes, body.lowerBound + 4),
            resolution: .microseconds)
        var option = body.lowerBound + 8
        while body.upperBound - option >= 4 {
            let code = loader.u16(bytes, option)
            let length = Int(loader.u16(bytes, option + 2))
            let value = option + 4
            guard code != 0, length <= body.upperBound - value else { break }
            if code == 9, length >= 1 {  // if_tsresol
                guard let resolution = TimestampResolution(code: bytes[value]) else {
                    throw .malformedBlock(offset: blockStart)
                }
                interface.resolution = resolution
            }
            option = value + ((length + 3) & ~3)
        }
        interfaces.append(interface)
    }

    private func enhancedPacket(_ bytes: [UInt8], _ body: Range<Int>, blockStart: Int) throws(CaptureError) -> PcapRecord {
        guard body.count >= 20 else { throw .malformedBlock(offset: blockStart) }
        let interface = try self.interface(loader.u32(bytes, body.lowerBound), blockStart: blockStart)
        let units = UInt64(loader.u32(bytes, body.lowerBound + 4)) << 32 | UInt64(loader.u32(bytes, body.lowerBound + 8))
        let captured = loader.u32(bytes, body.lowerBound + 12)
        let original = loader.u32(bytes, body.lowerBound + 16)
        guard captured <= PcapReader.maximumRecordLength else {
            throw .recordTooLarge(offset: blockStart, length: captured)
        }
        let data = body.lowerBound + 20
        guard Int(captured) <= body.upperBound - data else { throw .malformedBlock(offset: blockStart) }
        return PcapRecord(
            timestamp: interface.resolution.timestamp(units), linkType: interface.linkType,
            originalLength: Int(max(original, captured)), data: bytes[data..<data + Int(captured)])
    }

    /// A simple packet block has no timestamp and implies interface 0.
    private func simplePacket(_ bytes: [UInt8], _ body: Range<Int>, blockStart: Int) throws(CaptureError) -> PcapRecord {
        guard body.count >= 4 else { throw .malformedBlock(offset: blockStart) }
        let interface = try self.interface(0, blockStart: blockStart)
        let original = Int(loader.u32(bytes, body.lowerBound))
        var captured = min(original, body.count - 4)
        if interface.snapLength != 0 { captured = min(captured, Int(interface.snapLength)) }
        let data = body.lowerBound + 4
        return PcapRecord(
            timestamp: CaptureTimestamp(seconds: 0, nanoseconds: 0), linkType: interface.linkType,
            originalLength: original, data: bytes[data..<data + captured])
    }

    private func interface(_ id: UInt32, blockStart: Int) throws(CaptureError) -> Interface {
        guard id < interfaces.count else { throw .unknownInterface(offset: blockStart, id: id) }
        return interfaces[Int(id)]
    }
}

/// A pcapng interface's timestamp unit: 10^-n or 2^-n seconds (`if_tsresol`).
enum TimestampResolution: Sendable, Equatable {
    case decimal(UInt8)
    case binary(UInt8)

    static let microseconds = TimestampResolution.decimal(6)

    /// Decodes the option byte; nil for units too fine to fit a 64-bit count.
    init?(code: UInt8) {
        let exponent = code & 0x7F
        if code & 0x80 == 0 {
            guard exponent <= 19 else { return nil }
            self = .decimal(exponent)
        } else {
            guard exponent <= 63 else { return nil }
            self = .binary(exponent)
        }
    }

    func timestamp(_ units: UInt64) -> CaptureTimestamp {
        switch self {
        case .decimal(let exponent):
            var divisor: UInt64 = 1
            for _ in 0..<exponent { divisor *= 10 }
            let fraction = units % divisor
            let nanoseconds = exponent <= 9
                ? fraction * (1_000_000_000 / divisor)
                : fraction / (divisor / 1_000_000_000)
            return CaptureTimestamp(seconds: units / divisor, nanoseconds: UInt32(nanoseconds))
        case .binary(let exponent):
            guard exponent > 0 else { return CaptureTimestamp(seconds: units, nanoseconds: 0) }
            let fraction = units & (UInt64.max >> (64 - UInt64(exponent)))
            let product = fraction.multipliedFullWidth(by: 1_000_000_000)
            let nanoseconds = product.high << (64 - UInt64(exponent)) | product.low >> UInt64(exponent)
            return CaptureTimestamp(seconds: units >> UInt64(exponent), nanoseconds: UInt32(nanoseconds))
        }
    }
}
