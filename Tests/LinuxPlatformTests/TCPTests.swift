import Glibc
import LinuxPlatform
import Scheduler
import Testing

@Suite struct TCPTests {
    @Test func echoThroughTheRunLoop() throws {
        let harness = try Harness()
        let server = try EchoServer(harness)
        let client = try TestClient(port: server.port, harness)
        client.send(Array("hello, switch".utf8))
        #expect(harness.turn(until: { client.received.count == 13 || client.failure != nil }))
        #expect(client.failure == nil)
        #expect(client.received == Array("hello, switch".utf8))
        #expect(server.accepted == 1)
    }

    @Test func refusedConnectionIsATypedError() throws {
        let port = try {
            let probe = try TCPListener(host: "127.0.0.1", port: 0)
            defer { probe.close() }
            return try probe.port
        }()
        let harness = try Harness()
        let client = try TestClient(port: port, harness)
        #expect(harness.turn(until: { client.failure != nil }))
        #expect(client.failure == SocketError(.connect, code: ECONNREFUSED))
        #expect(client.failure?.description == "connect: Connection refused (\(ECONNREFUSED))")
    }

    @Test func peerCloseIsSeenOnBothSides() throws {
        let harness = try Harness()
        let server = try EchoServer(harness)
        let first = try TestClient(port: server.port, harness)
        first.send([1, 2, 3])
        #expect(harness.turn(until: { first.received.count == 3 }))
        first.connection.close()
        #expect(harness.turn(until: { server.peersClosed == 1 }))
        #expect(server.connections.isEmpty)

        // And the other way: the server side goes away while a client is connected.
        let second = try TestClient(port: server.port, harness)
        second.send([4])
        #expect(harness.turn(until: { second.received.count == 1 }))
        for connection in server.connections.values { connection.close() }
        #expect(harness.turn(until: { second.peerClosed || second.failure != nil }))
        #expect(second.peerClosed)
    }

    @Test func largeTransferSurvivesPartialWritesAndBackpressure() throws {
        let harness = try Harness()
        let highWaterMark = 256 << 10
        let server = try EchoServer(harness, highWaterMark: highWaterMark)
        // A slow reader (4 KB per readiness) so the echo backs up in the server.
        let client = try TestClient(port: server.port, harness, scratchSize: 4 << 10)
        client.readBudget = 4 << 10
        let size = 8 << 20
        let sent = patternBytes(count: size)
        client.send(sent)
        #expect(harness.turn(until: { client.received.count == size || client.failure != nil }, timeout: .seconds(30)))
        #expect(client.failure == nil)
        #expect(client.received.count == size)
        #expect(client.received == sent)
        #expect(client.sawPartialWrite)
        // Reading stops at the mark; one 64 KB read can land on top of it.
        #expect(server.largestBacklog > 0)
        #expect(server.largestBacklog <= highWaterMark + (64 << 10))
    }

    @Test func aThousandConnectionsOnOneLoop() throws {
        try raiseFileLimit()
        let harness = try Harness()
        let server = try EchoServer(harness)
        let count = 1_000
        var clients: [TestClient] = []
        for index in 0..<count {
            let client = try TestClient(port: server.port, harness, scratchSize: 64)
            client.send(withUnsafeBytes(of: UInt32(index).bigEndian, Array.init))
            clients.append(client)
        }
        let start = harness.loop.now
        let served = harness.turn(until: {
            clients.allSatisfy { $0.received.count == 4 || $0.failure != nil }
        }, timeout: .seconds(20))
        #expect(served)
        #expect(clients.allSatisfy { $0.failure == nil })
        #expect(server.accepted == count)
        for (index, client) in clients.enumerated() {
            #expect(client.received == withUnsafeBytes(of: UInt32(index).bigEndian, Array.init))
        }
        #expect(harness.loop.now - start < .seconds(20))
    }
}
