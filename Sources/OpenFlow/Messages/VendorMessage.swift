import Wire

/// OFPT_VENDOR: a vendor id and an opaque body.
public struct VendorMessage: Hashable, Sendable, MessageBody {
    public var vendor: UInt32
    public var body: ArraySlice<UInt8>

    public init(vendor: UInt32, body: ArraySlice<UInt8> = []) {
        self.vendor = vendor
        self.body = body
    }

    static func decode(_ reader: inout ByteReader<OpenFlowError>) throws(OpenFlowError) -> VendorMessage {
        let vendor = try reader.u32()
        return VendorMessage(vendor: vendor, body: reader.rest())
    }
    @usableFromInline var bodyLength: Int { 4 + body.count }
    func encodeBody(into writer: inout ByteWriter) throws(WireError) {
        try writer.u32(vendor)
        try writer.bytes(body)
    }
}
