import Devices
import Glibc

/// What iperf3 (3.x) speaks on its control connection, as its server and client
/// implement it: the client connects to port 5201 and sends a 36-character cookie and a
/// NUL; from then on the server drives the test with one signed state byte at a time,
/// the parameters and the results travel as JSON preceded by a 4-byte big-endian
/// length, and each data stream is a new connection to the same port that starts with
/// the same cookie.
enum Iperf3 {
    static var port: UInt16 { 5201 }
    /// 36 characters from `cookieAlphabet` and a NUL.
    static var cookieSize: Int { 37 }
    static var cookieAlphabet: [UInt8] { Array("abcdefghijklmnopqrstuvwxyz234567".utf8) }
    /// iperf3's default TCP block (`len`), and our one data buffer.
    static var blockSize: Int { 128 * 1024 }
    /// A JSON document longer than this is refused (the real ones are a few hundred bytes).
    static var maximumJSON: Int { 1 << 20 }
    /// What our client says it is (the servers only pass it through).
    static var clientVersion: String { "3.12" }

    /// The control connection's state bytes.
    enum State: Int8 {
        case testStart = 1
        case testRunning = 2
        case testEnd = 4
        case parameterExchange = 9
        case createStreams = 10
        case serverTerminate = 11
        case clientTerminate = 12
        case exchangeResults = 13
        case displayResults = 14
        case iperfDone = 16
        case accessDenied = -1
        case serverError = -2
    }

    /// The `i_errno` values we send after SERVER_ERROR, and read back as a client.
    enum ErrorCode {
        static var unimplemented: Int32 { 13 }
        static var receiveParameters: Int32 { 114 }
        static var message: Int32 { 110 }
    }

    /// What iperf3 prints for the `i_errno` values a server may send.
    static func describe(errorCode code: Int32, errno: Int32) -> String {
        let text: String
        switch code {
        case 13: text = "an option you are trying to set is not implemented yet"
        case 102: text = "unable to start listener for connections"
        case 110: text = "received an unknown control message"
        case 114: text = "unable to receive parameters from client"
        case 117: text = "unable to receive results from client"
        case 121: text = "the server is busy running a test. try again later"
        case 27: text = "total required bandwidth is larger than server limit"
        default: text = "iperf3 error " + String(code)
        }
        return errno == 0 ? text : text + " (errno " + String(errno) + ")"
    }

    static func makeCookie() -> [UInt8] {
        let alphabet = cookieAlphabet
        var cookie = (0..<cookieSize - 1).map { _ in alphabet[Int.random(in: 0..<alphabet.count)] }
        cookie.append(0)
        return cookie
    }

    static func megabitsPerSecond(bytes: UInt64, seconds: Double) -> Double {
        seconds > 0 ? Double(bytes) * 8 / seconds / 1e6 : 0
    }

    /// "123.45": two decimals, no Foundation.
    static func twoDecimals(_ value: Double) -> String {
        guard value.isFinite else { return "0.00" }
        let hundredths = Int64((abs(value) * 100).rounded())
        let fraction = hundredths % 100
        return (value < 0 ? "-" : "") + String(hundredths / 100) + "." + (fraction < 10 ? "0" : "") + String(fraction)
    }
}

/// The test a client asks for, as far as we support it: one TCP stream, one direction.
struct Iperf3Parameters {
    /// Seconds of test (0 when it ends by bytes or blocks).
    var time = 10
    /// Seconds at the start that do not count.
    var omit = 0
    /// Bytes (`num`) or blocks (`blockcount`) that end the test instead of time; the
    /// client watches them, the server only passes them along.
    var bytes: UInt64 = 0
    var blocks: UInt64 = 0
    /// The server sends (`-R`).
    var reverse = false
    /// Bytes per write (`len`).
    var length = Iperf3.blockSize
    /// The sender writes "0123456789..." rather than random bytes.
    var repeatingPayload = false
    /// The client asked for our side's output in the results.
    var serverOutput = false

    /// Why a client's parameters are refused: the `i_errno` to send back, and a reason
    /// for our log.
    struct Rejection: Error {
        var code: Int32
        var reason: String
    }

    init() {}

    /// Reads the client's parameter object. Malformed values refuse the test with
    /// IERECVPARAMS; tests we do not run (UDP, SCTP, several or bidirectional streams,
    /// socket options, a paced reverse test) with IEUNIMP. Keys we do not know are
    /// ignored, as iperf3 itself does.
    init(json value: JSONValue) throws(Rejection) {
        guard let object = value.objectValue else { throw Self.malformed("the parameters are not an object") }
        func flag(_ key: String) throws(Rejection) -> Bool {
            switch object[key] {
            case nil, .null?: return false
            case .bool(let flag)?: return flag
            case .number(let number)?: return number != 0
            default: throw Self.malformed("\"" + key + "\" is not a boolean")
            }
        }
        func integer(_ key: String, _ range: ClosedRange<UInt64>) throws(Rejection) -> UInt64? {
            guard let value = object[key] else { return nil }
            guard let number = value.numberValue, number == number.rounded(), number >= 0, number <= 1.8e19,
                range.contains(UInt64(number))
            else { throw Self.malformed("\"" + key + "\" is not an integer in " + String(range.lowerBound) + "..." + String(range.upperBound)) }
            return UInt64(number)
        }
        func unsupported(_ what: String) -> Rejection { Rejection(code: Iperf3.ErrorCode.unimplemented, reason: what + " is not supported") }

        if try flag("udp") { throw unsupported("UDP") }
        if try flag("sctp") { throw unsupported("SCTP") }
        if try flag("bidirectional") { throw unsupported("--bidir") }
        if let parallel = try integer("parallel", 0...1_000_000), parallel != 1 { throw unsupported("-P " + String(parallel)) }
        if let window = try integer("window", 0...UInt64(UInt32.max)), window != 0 { throw unsupported("-w (socket buffer size)") }
        if let mss = try integer("MSS", 0...UInt64(UInt32.max)), mss != 0 { throw unsupported("-M (MSS)") }
        if let tos = try integer("TOS", 0...UInt64(UInt32.max)), tos != 0 { throw unsupported("-S (TOS)") }
        if let label = try integer("flowlabel", 0...UInt64(UInt32.max)), label != 0 { throw unsupported("-L (flow label)") }
        if object["congestion"] != nil { throw unsupported("-C (congestion control)") }
        reverse = try flag("reverse")
        let rate = try integer("bandwidth", 0...UInt64.max / 2) ?? 0
        let fqRate = try integer("fqrate", 0...UInt64.max / 2) ?? 0
        if reverse && (rate != 0 || fqRate != 0) { throw unsupported("-b (pacing) with -R") }
        time = Int(try integer("time", 0...86_400) ?? 10)
        omit = Int(try integer("omit", 0...600) ?? 0)
        bytes = try integer("num", 0...UInt64.max / 2) ?? 0
        blocks = try integer("blockcount", 0...UInt64.max / 2) ?? 0
        if let length = try integer("len", 1...(1 << 20)) { self.length = Int(length) }
        repeatingPayload = try flag("repeating_payload")
        serverOutput = try flag("get_server_output")
        for key in ["title", "extra_data", "client_version", "congestion_used", "authtoken"] {
            if let value = object[key] {
                guard case .string = value else { throw Self.malformed("\"" + key + "\" is not a string") }
            }
        }
    }

    private static func malformed(_ reason: String) -> Rejection {
        Rejection(code: Iperf3.ErrorCode.receiveParameters, reason: reason)
    }

    /// The object an iperf3 3.12 client sends for the same test.
    var json: JSONValue {
        var object = JSONObject()
        object.append("tcp", .bool(true))
        object.append("omit", .number(Double(omit)))
        object.append("time", .number(Double(time)))
        object.append("num", .number(Double(bytes)))
        object.append("blockcount", .number(Double(blocks)))
        object.append("parallel", .number(1))
        if reverse { object.append("reverse", .bool(true)) }
        object.append("len", .number(Double(length)))
        object.append("pacing_timer", .number(1000))
        object.append("client_version", .string(Iperf3.clientVersion))
        return .object(object)
    }
}

/// One stream's line in the results object.
struct Iperf3StreamResult {
    var id = 1
    var bytes: UInt64 = 0
    /// -1 when unknown (the receiver's side, or a sender that does not count them).
    var retransmits = -1
    var startTime = 0.0
    var endTime = 0.0

    var seconds: Double { endTime - startTime }
}

/// What each side tells the other after TEST_END: CPU use, whether the sender's
/// figures include retransmissions, and a line per stream.
struct Iperf3Results {
    var cpuTotal = 0.0
    var cpuUser = 0.0
    var cpuSystem = 0.0
    /// 1: the sender counts retransmissions; 0: it does not; -1: we are the receiver.
    var senderHasRetransmits = -1
    var streams: [Iperf3StreamResult] = []
    var serverOutputText: String?

    init() {}

    /// Reads a results object with the fields iperf3 itself insists on; malformed ones
    /// throw a reason.
    init(json value: JSONValue) throws(JSONError) {
        func bad(_ reason: String) -> JSONError { JSONError(reason: reason, offset: 0) }
        guard let object = value.objectValue else { throw bad("the results are not an object") }
        func number(_ object: JSONObject, _ key: String) throws(JSONError) -> Double {
            guard let number = object[key]?.numberValue else { throw bad("results without a number \"" + key + "\"") }
            return number
        }
        cpuTotal = try number(object, "cpu_util_total")
        cpuUser = try number(object, "cpu_util_user")
        cpuSystem = try number(object, "cpu_util_system")
        // Some iperf3 builds send -1 as 2^64 - 1 here and in "retransmits": anything
        // but 0 or 1 means unknown.
        let has = try number(object, "sender_has_retransmits")
        senderHasRetransmits = has == 1 ? 1 : has == 0 ? 0 : -1
        guard case .array(let items)? = object["streams"] else { throw bad("results without a \"streams\" array") }
        for item in items {
            guard let stream = item.objectValue else { throw bad("a stream result is not an object") }
            var result = Iperf3StreamResult()
            let id = try number(stream, "id")
            let bytes = try number(stream, "bytes")
            let retransmits = try number(stream, "retransmits")
            for key in ["jitter", "errors", "packets"] { _ = try number(stream, key) }
            guard id == id.rounded(), abs(id) < 1e9, bytes >= 0, bytes < 1.8e19 else {
                throw bad("a stream result out of range")
            }
            result.id = Int(id)
            result.bytes = UInt64(bytes)
            result.retransmits = retransmits >= 0 && retransmits < 1e15 ? Int(retransmits) : -1
            // Optional (servers before 3.2 leave them out).
            if let start = stream["start_time"]?.numberValue, let end = stream["end_time"]?.numberValue {
                result.startTime = start
                result.endTime = end
            }
            streams.append(result)
        }
        if case .string(let text)? = object["server_output_text"] { serverOutputText = text }
    }

    var json: JSONValue {
        var object = JSONObject()
        object.append("cpu_util_total", .number(cpuTotal))
        object.append("cpu_util_user", .number(cpuUser))
        object.append("cpu_util_system", .number(cpuSystem))
        object.append("sender_has_retransmits", .number(Double(senderHasRetransmits)))
        var items: [JSONValue] = []
        for stream in streams {
            var item = JSONObject()
            item.append("id", .number(Double(stream.id)))
            item.append("bytes", .number(Double(stream.bytes)))
            item.append("retransmits", .number(Double(stream.retransmits)))
            item.append("jitter", .number(0))
            item.append("errors", .number(0))
            item.append("packets", .number(0))
            item.append("start_time", .number(stream.startTime))
            item.append("end_time", .number(stream.endTime))
            items.append(.object(item))
        }
        object.append("streams", .array(items))
        if let serverOutputText { object.append("server_output_text", .string(serverOutputText)) }
        return .object(object)
    }
}

/// The process's CPU use over an interval, as iperf3 reports it (percent of one core:
/// total, user, system).
struct Iperf3CPU {
    private var wall: Double
    private var user: Double
    private var system: Double

    init() { (wall, user, system) = Self.sample() }

    func percentages() -> (total: Double, user: Double, system: Double) {
        let (wallNow, userNow, systemNow) = Self.sample()
        let elapsed = wallNow - wall
        guard elapsed > 0 else { return (0, 0, 0) }
        let userShare = (userNow - user) / elapsed * 100
        let systemShare = (systemNow - system) / elapsed * 100
        return (userShare + systemShare, userShare, systemShare)
    }

    private static func sample() -> (Double, Double, Double) {
        var clock = timespec()
        clock_gettime(CLOCK_MONOTONIC, &clock)
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return (Double(clock.tv_sec) + Double(clock.tv_nsec) / 1e9, seconds(usage.ru_utime), seconds(usage.ru_stime))
    }
}

/// One control connection's framing over a non-blocking stream: bytes read ahead are
/// kept until a whole message (a state byte, a cookie, a length-prefixed JSON document)
/// is there; what we send is queued and written as the stream takes it.
final class Iperf3Control<Stream: ByteStream> {
    let stream: Stream
    private var inbox: [UInt8] = []
    private var inboxStart = 0
    private var outbox: [UInt8] = []
    private var outboxStart = 0
    /// The peer sent FIN; what is left in the inbox can still be taken.
    private(set) var peerClosed = false

    init(_ stream: Stream) {
        self.stream = stream
    }

    var hasPendingOutput: Bool { outboxStart < outbox.count }
    private var available: Int { inbox.count - inboxStart }

    /// Reads what the stream has now. A reset throws; more than a maximal JSON document
    /// waiting unread is a protocol error (thrown too).
    func receive() throws(StreamError) {
        guard !peerClosed else { return }
        if inboxStart > 0 && inboxStart == inbox.count {
            inbox.removeAll(keepingCapacity: true)
            inboxStart = 0
        }
        let stream = self.stream
        for _ in 0..<16 {
            guard available <= Iperf3.maximumJSON + 8 else {
                throw StreamError(.read, code: 90, description: "iperf3: too many unread bytes on the control connection")
            }
            let result = try withUnsafeTemporaryAllocation(byteCount: 4096, alignment: 1) { buffer in
                Result { () throws(StreamError) -> StreamRead in
                    let result = try stream.read(into: buffer)
                    if case .bytes(let count) = result {
                        inbox.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[..<count]))
                    }
                    return result
                }
            }.get()
            switch result {
            case .bytes: continue
            case .wouldBlock: return
            case .closed:
                peerClosed = true
                return
            }
        }
    }

    /// The next `count` bytes, if they are all there.
    func take(_ count: Int) -> ArraySlice<UInt8>? {
        guard available >= count else { return nil }
        defer { inboxStart += count }
        return inbox[inboxStart..<inboxStart + count]
    }

    /// The next state byte, if one is there.
    func takeByte() -> Int8? {
        take(1).map { Int8(bitPattern: $0.first!) }
    }

    /// A 4-byte big-endian value, as SERVER_ERROR's two codes are sent.
    func takeInt32() -> Int32? {
        guard let bytes = take(4) else { return nil }
        return bytes.reduce(Int32(0)) { $0 << 8 | Int32($1) }
    }

    enum Frame {
        case incomplete
        case document(JSONValue)
        case invalid(String)
    }

    /// A length-prefixed JSON document, once it has fully arrived.
    func takeJSON() -> Frame {
        guard available >= 4 else { return .incomplete }
        let length = inbox[inboxStart..<inboxStart + 4].reduce(0) { $0 << 8 | Int($1) }
        guard length <= Iperf3.maximumJSON else { return .invalid("a JSON document of " + String(length) + " bytes") }
        guard available >= 4 + length else { return .incomplete }
        let start = inboxStart + 4
        inboxStart = start + length
        do throws(JSONError) {
            let value = try inbox.withUnsafeBytes { raw in
                Result { () throws(JSONError) -> JSONValue in try JSON.parse(UnsafeRawBufferPointer(rebasing: raw[start..<start + length])) }
            }.get()
            return .document(value)
        } catch {
            return .invalid(error.description)
        }
    }

    func send(_ state: Iperf3.State) {
        outbox.append(UInt8(bitPattern: state.rawValue))
    }

    func send(bytes: some Sequence<UInt8>) {
        outbox.append(contentsOf: bytes)
    }

    func send(int32 value: Int32) {
        let bits = UInt32(bitPattern: value)
        outbox.append(contentsOf: [UInt8(bits >> 24), UInt8(truncatingIfNeeded: bits >> 16), UInt8(truncatingIfNeeded: bits >> 8), UInt8(truncatingIfNeeded: bits)])
    }

    func send(json value: JSONValue) {
        let text = JSON.serialize(value)
        send(int32: Int32(truncatingIfNeeded: text.count))
        outbox.append(contentsOf: text)
    }

    /// Writes what the stream takes now; true once nothing is left queued.
    @discardableResult
    func flush() throws(StreamError) -> Bool {
        let stream = self.stream
        while outboxStart < outbox.count {
            let start = outboxStart
            let written = try outbox.withUnsafeBytes { raw in
                Result { () throws(StreamError) -> Int in try stream.write(from: UnsafeRawBufferPointer(rebasing: raw[start...])) }
            }.get()
            if written == 0 { return false }
            outboxStart += written
        }
        outbox.removeAll(keepingCapacity: true)
        outboxStart = 0
        return true
    }
}

/// The one buffer a side sends from (and reads into): random bytes, or iperf3's
/// "0123456789" repeated when the client asked for a repeating payload.
final class Iperf3Buffer {
    let bytes: UnsafeMutableRawBufferPointer

    init(size: Int = Iperf3.blockSize) {
        bytes = .allocate(byteCount: size, alignment: 16)
        fill(repeating: false)
    }

    deinit { bytes.deallocate() }

    func fill(repeating: Bool) {
        if repeating {
            for index in 0..<bytes.count { bytes[index] = UInt8(ascii: "0") + UInt8(index % 10) }
        } else {
            var generator = SystemRandomNumberGenerator()
            var index = 0
            while index < bytes.count {
                var word = generator.next()
                for _ in 0..<8 where index < bytes.count {
                    bytes[index] = UInt8(truncatingIfNeeded: word)
                    word >>= 8
                    index += 1
                }
            }
        }
    }

    /// The first `count` bytes (at most the whole buffer), for a write of `len`.
    func prefix(_ count: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: bytes[..<min(max(count, 1), bytes.count)])
    }

    /// Writes blocks of `length` bytes to `stream` until `budget` bytes are out or the
    /// stream is full; returns how many bytes it took.
    func send<S: ByteStream>(length: Int, to stream: S, budget: Int) throws(StreamError) -> UInt64 {
        let block = prefix(length)
        var sent: UInt64 = 0
        var left = budget
        while left > 0 {
            let written = try stream.write(from: block)
            sent &+= UInt64(written)
            left -= block.count
            if written < block.count { break }
        }
        return sent
    }

    /// Reads from `stream` into the buffer until it is empty or `budget` bytes came in;
    /// returns how many bytes arrived and whether the peer closed.
    func receive<S: ByteStream>(from stream: S, budget: Int) throws(StreamError) -> (bytes: UInt64, closed: Bool) {
        var received: UInt64 = 0
        var left = budget
        while left > 0 {
            switch try stream.read(into: bytes) {
            case .bytes(let count):
                received &+= UInt64(count)
                left -= count
            case .wouldBlock:
                return (received, false)
            case .closed:
                return (received, true)
            }
        }
        return (received, false)
    }
}
