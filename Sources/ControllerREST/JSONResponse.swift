import Foundation
import Hummingbird

/// JSON in and out of Hummingbird: request bodies as JSONSerialization values, answers
/// as sorted-key JSON, failures as `{"error": "..."}` with their status.
enum JSONResponse {
    /// Largest request body read: a flow entry is a few hundred bytes.
    static let bodyLimit = 1 << 20

    static func ok(_ value: Any) -> Response {
        make(.ok, value)
    }

    static func failure(_ error: RESTError) -> Response {
        make(HTTPResponse.Status(code: error.status), ["error": error.message])
    }

    /// The request's JSON body, or nil when it has none.
    static func body(of request: Request) async throws(RESTError) -> Any? {
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: bodyLimit)
        } catch {
            throw .badRequest("body: unreadable or larger than \(bodyLimit) bytes")
        }
        guard buffer.readableBytes > 0 else { return nil }
        do {
            return try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView), options: [.fragmentsAllowed])
        } catch {
            throw .badRequest("body: not valid JSON")
        }
    }

    private static func make(_ status: HTTPResponse.Status, _ value: Any) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed])) ?? Data("null".utf8)
        return Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
