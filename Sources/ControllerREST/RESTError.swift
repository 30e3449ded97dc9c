/// Why a REST call failed, and the HTTP status that says so.
public enum RESTError: Error, Equatable, Sendable {
    /// The request is malformed; the text names the field.
    case badRequest(String)
    /// No datapath with this id is connected.
    case unknownDatapath(UInt64)
    /// The path names something this controller does not have.
    case notFound(String)
    /// The loop's request queue is full.
    case busy
    /// The switch did not answer in time.
    case timedOut
    /// The switch answered with an OFPT_ERROR, or lost the request.
    case switchFailed(String)

    public var status: Int {
        switch self {
        case .badRequest: 400
        case .unknownDatapath, .notFound: 404
        case .busy: 503
        case .timedOut: 504
        case .switchFailed: 502
        }
    }

    public var message: String {
        switch self {
        case .badRequest(let text): text
        case .unknownDatapath(let dpid): "unknown datapath \(dpid)"
        case .notFound(let text): text
        case .busy: "the controller loop is busy; try again"
        case .timedOut: "the switch did not answer in time"
        case .switchFailed(let text): text
        }
    }
}
