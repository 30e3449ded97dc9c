import OpenFlow
import Testing
import TestSupport

/// Expects `bytes` to be rejected with exactly `error`, whose OFPT_ERROR type and code
/// are the spec's numbers `(type, code)`, and which is stream-fatal only when `fatal`.
func expectDecodeError(
    _ bytes: [UInt8], _ error: OpenFlowError, type: UInt16, code: UInt16, fatal: Bool = false,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    do {
        let message = try OpenFlowMessage.decode(bytes[...])
        Issue.record("decoded \(message) from \(hexString(bytes)); expected \(error)", sourceLocation: sourceLocation)
    } catch let thrown {
        #expect(thrown == error, "\(hexString(bytes))", sourceLocation: sourceLocation)
    }
    #expect(error.errorCode?.type.rawValue == type, sourceLocation: sourceLocation)
    #expect(error.errorCode?.code == code, sourceLocation: sourceLocation)
    #expect(error.isStreamFatal == fatal, sourceLocation: sourceLocation)
}

/// `bytes` with the header's length field set to the count.
func withLength(_ bytes: [UInt8]) -> [UInt8] {
    var fixed = bytes
    fixed[2] = UInt8(bytes.count >> 8)
    fixed[3] = UInt8(bytes.count & 0xFF)
    return fixed
}

// OFPT_ERROR numbers from openflow.h, written out so the tests do not trust the
// library's own constants.
let OFPET_BAD_REQUEST: UInt16 = 1
let OFPET_BAD_ACTION: UInt16 = 2
let OFPET_FLOW_MOD_FAILED: UInt16 = 3
let OFPBRC_BAD_VERSION: UInt16 = 0
let OFPBRC_BAD_TYPE: UInt16 = 1
let OFPBRC_BAD_STAT: UInt16 = 2
let OFPBRC_BAD_LEN: UInt16 = 6
let OFPBAC_BAD_TYPE: UInt16 = 0
let OFPBAC_BAD_LEN: UInt16 = 1
let OFPBAC_BAD_ARGUMENT: UInt16 = 5
let OFPFMFC_BAD_COMMAND: UInt16 = 4
