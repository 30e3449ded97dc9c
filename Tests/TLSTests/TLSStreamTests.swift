import COpenSSL
import Devices
import Scheduler
import Testing

@testable import TLS

/// TLS between two in-memory streams: no sockets, no sleeps. Each test steps both ends
/// by hand until they settle.
@Suite struct TLSStreamTests {
    static let fixtures = String(#filePath.dropLast("TLSStreamTests.swift".count)) + "Fixtures/"

    static func files(_ name: String, ca: String = "a") -> TLSContext.Files {
        TLSContext.Files(
            privateKey: fixtures + name + "-key.pem", certificate: fixtures + name + "-cert.pem",
            caCertificate: fixtures + "ca-" + ca + ".pem")
    }

    /// A server and a client end over an in-memory pair.
    struct Pair {
        let server: TLSStream
        let client: TLSStream
        let soft: SoftReadiness

        init(client clientFiles: TLSContext.Files, serverSubjects: [String] = [], capacity: Int = 1 << 20) throws {
            soft = SoftReadiness()
            let (a, b) = MemoryStream.pair(capacity: capacity, soft: soft)
            server = TLSStream(a, context: try TLSContext(side: .server, files: files("server"), allowedSubjects: serverSubjects))!
            client = TLSStream(b, context: try TLSContext(side: .client, files: clientFiles))!
        }
    }

    /// Steps both ends (a read each, and the client's pending `toSend`) until nothing
    /// moves; returns what each end read, and the first error each end threw.
    static func exchange(_ pair: Pair, clientSends toSend: [UInt8] = [], serverSends: [UInt8] = [])
        -> (server: [UInt8], client: [UInt8], serverError: StreamError?, clientError: StreamError?)
    {
        var result: (server: [UInt8], client: [UInt8], serverError: StreamError?, clientError: StreamError?) = ([], [], nil, nil)
        var clientOut = toSend[...]
        var serverOut = serverSends[...]
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        // Ciphertext can move while no plaintext does (a record crossing a small pipe), so
        // the exchange ends after a run of idle steps, not the first.
        var idleSteps = 0
        for _ in 0..<100_000 {
            var moved = false
            for (stream, isServer) in [(pair.client, false), (pair.server, true)] {
                if (isServer ? result.serverError : result.clientError) != nil { continue }
                do throws(StreamError) {
                    let out = isServer ? serverOut : clientOut
                    let written = out.isEmpty ? 0 : try Self.write(out, to: stream)
                    if isServer { serverOut = serverOut.dropFirst(written) } else { clientOut = clientOut.dropFirst(written) }
                    let read = try Self.read(into: &buffer, from: stream)
                    if case .bytes(let count) = read {
                        if isServer { result.server += buffer[..<count] } else { result.client += buffer[..<count] }
                        moved = true
                    }
                    moved = moved || written > 0
                } catch {
                    if isServer { result.serverError = error } else { result.clientError = error }
                    moved = true
                }
            }
            idleSteps = moved ? 0 : idleSteps + 1
            if idleSteps > 20 { break }
        }
        return result
    }

    static func write(_ bytes: ArraySlice<UInt8>, to stream: any ByteStream) throws(StreamError) -> Int {
        try bytes.withUnsafeBytes { raw in Result { () throws(StreamError) in try stream.write(from: raw) } }.get()
    }

    static func read(into buffer: inout [UInt8], from stream: any ByteStream) throws(StreamError) -> StreamRead {
        try buffer.withUnsafeMutableBytes { raw in Result { () throws(StreamError) in try stream.read(into: raw) } }.get()
    }

    @Test func handshakeAndBytesBothWays() throws {
        let pair = try Pair(client: Self.files("client"))
        let hello: [UInt8] = [1, 0, 0, 8, 0, 0, 0, 1]
        let result = Self.exchange(pair, clientSends: hello, serverSends: hello + hello)
        #expect(result.serverError == nil && result.clientError == nil)
        #expect(pair.server.isEstablished && pair.client.isEstablished)
        #expect(result.server == hello)
        #expect(result.client == hello + hello)
        #expect(pair.server.session?.hasPrefix("TLSv1.3") == true)
        #expect(pair.server.session?.hasSuffix("CN=switch-1 id:1") == true)
    }

    @Test func manyRecordsArriveWholeAndInOrder() throws {
        // A small pipe forces partial writes and many reads.
        let pair = try Pair(client: Self.files("client"), capacity: 3000)
        let payload = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let result = Self.exchange(pair, clientSends: payload)
        #expect(result.serverError == nil && result.clientError == nil)
        #expect(result.server.count == payload.count)
        let same = result.server == payload
        #expect(same)
    }

    @Test func smallRecordsAreReadOneAfterAnotherWithASmallBuffer() throws {
        let pair = try Pair(client: Self.files("client"))
        _ = Self.exchange(pair)
        for index in 0..<20 {
            let record = [UInt8](repeating: UInt8(index), count: 50)
            #expect(try Self.write(record[...], to: pair.client) == 50)
        }
        var small = [UInt8](repeating: 0, count: 120)
        var received: [UInt8] = []
        for _ in 0..<100 {
            guard case .bytes(let count) = try Self.read(into: &small, from: pair.server) else { break }
            received += small[..<count]
        }
        let expected = (0..<20).flatMap { [UInt8](repeating: UInt8($0), count: 50) }
        #expect(received.count == 1000)
        let same = received == expected
        #expect(same)
        #expect(!pair.server.hasBufferedInput)
    }

    @Test func aClientWithoutACertificateIsRefused() throws {
        let soft = SoftReadiness()
        let (a, b) = MemoryStream.pair(soft: soft)
        let server = TLSStream(a, context: try TLSContext(side: .server, files: Self.files("server")))!
        // A client context with no certificate at all, which our files-based API cannot make.
        let bare = SSL_CTX_new(TLS_client_method())!
        SSL_CTX_set_verify(bare, SSL_VERIFY_NONE, nil)
        let client = TLSStream(b, context: TLSContext(side: .client, taking: bare))!
        let result = Self.exchange(Pair(server: server, client: client, soft: soft))
        let error = try #require(result.serverError)
        #expect(error.operation == .handshake)
        #expect(error.description.contains("peer did not return a certificate"))
        #expect(!server.isEstablished)
    }

    @Test func aCertificateFromAnotherCAIsRefused() throws {
        let pair = try Pair(client: Self.files("client-b"))
        let result = Self.exchange(pair)
        let error = try #require(result.serverError)
        #expect(error.operation == .handshake)
        #expect(error.description.contains("certificate verify failed"))
        #expect(!pair.server.isEstablished)
    }

    @Test func anExpiredCertificateIsRefused() throws {
        let pair = try Pair(client: Self.files("client-expired"))
        let result = Self.exchange(pair)
        let error = try #require(result.serverError)
        #expect(error.description.contains("certificate has expired"))
    }

    @Test func theSubjectAllowListIsApplied() throws {
        let refused = try Pair(client: Self.files("client"), serverSubjects: ["switch-2*"])
        let error = try #require(Self.exchange(refused).serverError)
        #expect(error.operation == .handshake)
        #expect(error.description.contains("CN=\"switch-1 id:1\" is not in the allow-list"))

        let allowed = try Pair(client: Self.files("client"), serverSubjects: ["switch-2*", "switch-1 id:*"])
        let result = Self.exchange(allowed, clientSends: [1, 2, 3])
        #expect(result.serverError == nil)
        #expect(result.server == [1, 2, 3])
    }

    @Test func plainOpenFlowOnATLSPortIsRefused() throws {
        let soft = SoftReadiness()
        let (a, b) = MemoryStream.pair(soft: soft)
        let server = TLSStream(a, context: try TLSContext(side: .server, files: Self.files("server")))!
        let hello: [UInt8] = [1, 0, 0, 8, 0, 0, 0, 1]
        #expect(try hello.withUnsafeBytes { try b.write(from: $0) } == 8)
        var buffer = [UInt8](repeating: 0, count: 1024)
        #expect(throws: StreamError.self) { _ = try buffer.withUnsafeMutableBytes { try server.read(into: $0) } }
        do throws(StreamError) {
            _ = try Self.read(into: &buffer, from: server)
        } catch {
            #expect(error.operation == .handshake)
            #expect(error.description.contains("does not speak TLS"))
        }
    }

    @Test func unusableFilesNameTheFile() {
        var files = Self.files("client")
        files.privateKey = Self.fixtures + "missing-key.pem"
        #expect(throws: TLSError.self) { try TLSContext(side: .client, files: files) }
        do throws(TLSError) {
            _ = try TLSContext(side: .client, files: files)
        } catch {
            #expect(error.description.contains("missing-key.pem"))
        }
        var mismatched = Self.files("client")
        mismatched.privateKey = Self.fixtures + "server-key.pem"
        #expect(throws: TLSError.self) { try TLSContext(side: .client, files: mismatched) }
    }
}

extension TLSStreamTests.Pair {
    init(server: TLSStream, client: TLSStream, soft: SoftReadiness) {
        self.server = server
        self.client = client
        self.soft = soft
    }
}
