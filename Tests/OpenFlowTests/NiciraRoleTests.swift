import OpenFlow
import Testing

/// NXT_ROLE_REQUEST / NXT_ROLE_REPLY: the bytes Open vSwitch sends and reads.
struct NiciraRoleTests {
    @Test func requestBytesMatchTheExtension() throws {
        let message = OpenFlowMessage(xid: 5, .vendor(NiciraRole(role: .slave).vendorMessage))
        // ofp_header (VENDOR, 20 bytes), vendor 0x00002320, subtype 10, role 2.
        #expect(try message.encoded() == [1, 4, 0, 20, 0, 0, 0, 5, 0, 0, 0x23, 0x20, 0, 0, 0, 10, 0, 0, 0, 2])
    }

    @Test func requestsAndRepliesRoundTrip() throws {
        for role in [ControllerRole.other, .master, .slave] {
            for reply in [false, true] {
                let vendor = NiciraRole(isReply: reply, role: role).vendorMessage
                #expect(try NiciraRole(vendor, reply: reply) == NiciraRole(isReply: reply, role: role))
                #expect(throws: NiciraRole.DecodingError.otherSubtype) { try NiciraRole(vendor, reply: !reply) }
            }
        }
    }

    @Test func malformedRoleMessagesAreTyped() {
        let nicira = NiciraRole.vendor
        #expect(throws: NiciraRole.DecodingError.otherVendor) { try NiciraRole(VendorMessage(vendor: 1, body: [0, 0, 0, 10, 0, 0, 0, 1])) }
        #expect(throws: NiciraRole.DecodingError.badLength) { try NiciraRole(VendorMessage(vendor: nicira, body: [0, 0])) }
        #expect(throws: NiciraRole.DecodingError.badLength) { try NiciraRole(VendorMessage(vendor: nicira, body: [0, 0, 0, 10, 0, 0, 0])) }
        #expect(throws: NiciraRole.DecodingError.badLength) { try NiciraRole(VendorMessage(vendor: nicira, body: [0, 0, 0, 10, 0, 0, 0, 1, 0])) }
        #expect(throws: NiciraRole.DecodingError.badRole(3)) { try NiciraRole(VendorMessage(vendor: nicira, body: [0, 0, 0, 10, 0, 0, 0, 3])) }
    }

    @Test func textNamesTheRole() throws {
        let request = OpenFlowMessage(xid: 1, .vendor(NiciraRole(role: .master).vendorMessage))
        let reply = OpenFlowMessage(xid: 1, .vendor(NiciraRole(isReply: true, role: .slave).vendorMessage))
        #expect(request.textForm.hasSuffix("NXT_ROLE_REQUEST role=master"))
        #expect(reply.textForm.hasSuffix("NXT_ROLE_REPLY role=slave"))
    }
}
