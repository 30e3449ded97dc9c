import NetStack
import Scheduler
import Wire

extension NetInterface {
    /// Gets the address from DHCP: binds UDP port 68 and runs the client; each lease
    /// configures the stack (a lost one unconfigures it) and is passed to `onLease`.
    public func startDHCP(seed: UInt64, hostname: [UInt8]? = nil) throws(NetError) {
        dhcpSocket = try stack.udpBind(port: DHCPClient.clientPort)
        var client = DHCPClient(mac: stack.mac, seed: seed, hostname: hostname)
        client.start(now: loop.now)
        dhcp = client
        dhcpBuffer = [UInt8](repeating: 0, count: 1500)
        afterInput(now: loop.now)
    }

    func receiveDHCP(now: Instant) {
        guard let socket = dhcpSocket else { return }
        var buffer = dhcpBuffer
        dhcpBuffer = []
        defer { dhcpBuffer = buffer }
        while let datagram = buffer.withUnsafeMutableBytes({ stack.udpReceive(socket, into: $0) }) {
            guard datagram.sourcePort == DHCPClient.serverPort else { continue }
            dhcp?.receive(payload: buffer[..<datagram.length], now: now)
        }
    }

    /// Sends what the client has to say, acts on its events, and ticks it.
    func runDHCP(now: Instant) {
        // Moved out and back, not copied: this runs after every input.
        guard let socket = dhcpSocket, var client = dhcp.take() else { return }
        client.tick(now: now)
        var buffer = dhcpBuffer
        dhcpBuffer = []
        defer { dhcpBuffer = buffer }
        while let message = buffer.withUnsafeMutableBytes({ client.nextMessage(now: now, into: $0) }) {
            // A full output queue loses the message; the client retransmits it.
            buffer.withUnsafeBytes { bytes in
                let payload = UnsafeRawBufferPointer(rebasing: bytes[..<message.length])
                do throws(NetError) {
                    try stack.udpSend(socket, to: message.destination, port: DHCPClient.serverPort, payload: payload, now: now)
                } catch {
                    dhcpSendFailures &+= 1
                }
            }
        }
        while let event = client.nextEvent() {
            switch event {
            case .bound(let lease), .renewed(let lease):
                stack.configure(address: lease.address, prefixLength: lease.prefixLength, gateway: lease.router, now: now)
            case .lost:
                stack.configure(address: .any, prefixLength: 0, gateway: nil, now: now)
            }
            onLease?(event)
        }
        dhcp = client
    }
}
