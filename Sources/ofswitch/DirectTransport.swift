import DirectNetwork
import Devices
import LinuxPlatform
import NetStackHost
import SwitchHost
import Wire

extension SwitchLoop.Transport {
    /// Controllers reached over our own TCP/IP stack (`--net`): the loop runs on the
    /// direct network's platform, and each controller connection is a connection of
    /// our TCP. Controller addresses must be IPv4 literals (there is no resolver).
    static func direct(_ network: DirectNetwork) -> SwitchLoop.Transport {
        let interface = network.interface
        return SwitchLoop.Transport(platform: network.platform, loop: network.loop) {
            (endpoint) throws(StreamError) -> any ByteStream in
            guard let address = IPv4Address(endpoint.host[...]) else {
                throw StreamError(.connect, code: 22, description: "connect: with --net the controller must be an IPv4 address")
            }
            guard interface.stack.address != .any else {
                throw StreamError(.connect, code: 101, description: "connect: no address yet (waiting for DHCP)")
            }
            return try interface.connect(to: address, port: endpoint.port)
        }
    }
}
