import OpenFlow

/// A controller request the datapath refuses, as the `OFPT_ERROR` type and code the
/// spec prescribes; the agent answers with it and the request's first 64 bytes.
public struct DatapathError: Error, Hashable, Sendable {
    public var code: ErrorCode

    public init(_ code: ErrorCode) {
        self.code = code
    }
}
