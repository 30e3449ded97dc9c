import OpenFlow
import Testing
import TestSupport

/// Expects `bytes` to be rejected with exactly `error`, whose OFPT_ERROR type and code
/// are the spec's numbers `(type, code)`, and which is stream-fatal only when `fatal`.
func expectDecodeError(
    _ bytes: [UInt8], _ error: OpenFlowError, type: UInt16, code: UInt16, fatal: Bool = false,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    for problem in decodeErrorProblems(bytes, error, type: type, code: code, fatal: fatal) {
        Issue.record(Comment(rawValue: problem), sourceLocation: sourceLocation)
    }
}

/// What `expectDecodeError` finds wrong, one line each; empty when the bytes fail as
/// expected.
func decodeErrorProblems(_ bytes: [UInt8], _ error: OpenFlowError, type: UInt16, code: UInt16, fatal: Bool = false) -> [String] {
    var problems: [String] = []
    do {
        let message = try OpenFlowMessage.decode(bytes[...])
        problems.append("decoded \(message) from \(hexString(bytes)); expected \(error)")
    } catch let thrown {
        if thrown != error { problems.append("\(hexString(bytes)) threw \(thrown), want \(error)") }
    }
    if error.errorCode?.type.rawValue != type { problems.append("error type \(String(describing: error.errorCode?.type.rawValue)), want \(type)") }
    if error.errorCode?.code != code { problems.append("error code \(String(describing: error.errorCode?.code)), want \(code)") }
    if error.isStreamFatal != fatal { problems.append("stream-fatal \(error.isStreamFatal), want \(fatal)") }
    return problems
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
