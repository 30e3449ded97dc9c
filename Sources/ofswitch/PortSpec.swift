import ArgumentParser
import Glibc
import LinuxPlatform
import SwitchHost

/// One `--port` value: a live interface, or a pcap file to replay into the switch or to
/// record what the switch sends.
enum PortSpec: Hashable, Sendable, CustomStringConvertible {
    case interface(String)
    case replay(path: String)
    case record(path: String)

    init?(parsing text: String) {
        if text.hasPrefix("replay:") {
            let path = String(text.dropFirst("replay:".count))
            guard !path.isEmpty else { return nil }
            self = .replay(path: path)
        } else if text.hasPrefix("record:") {
            let path = String(text.dropFirst("record:".count))
            guard !path.isEmpty else { return nil }
            self = .record(path: path)
        } else {
            // Linux interface names: 1 to 15 bytes, no '/', ':' or whitespace.
            guard (1...15).contains(text.utf8.count), !text.contains(where: { $0 == "/" || $0 == ":" || $0.isWhitespace }) else {
                return nil
            }
            self = .interface(text)
        }
    }

    var description: String {
        switch self {
        case .interface(let name): name
        case .replay(let path): "replay:" + path
        case .record(let path): "record:" + path
        }
    }

    /// Opens the port as OpenFlow port `number`, an interface's packet socket moving
    /// frames by `io`. Pcap ports get a locally administered address ending in their
    /// number and a name such as `replay3`.
    func open(number: Int, io: PacketIO, replaySpeed: Double) throws -> any FramePort {
        let address: [UInt8] = [0x02, 0x00, 0x00, 0x00, UInt8(truncatingIfNeeded: number >> 8), UInt8(truncatingIfNeeded: number)]
        switch self {
        case .interface(let name):
            do throws(SocketError) { return try LivePort(interface: name, io: io) } catch {
                throw PortOpenError(description: "--port \(name): \(error.description)"
                    + (error.code == EPERM ? " (packet sockets need root or CAP_NET_RAW)" : "")
                    + (error.code == ENODEV ? " (no such interface)" : ""))
            }
        case .replay(let path):
            return try ReplayPort(path: path, name: "replay" + String(number), hardwareAddress: address, speed: replaySpeed)
        case .record(let path):
            return try RecordPort(path: path, name: "record" + String(number), hardwareAddress: address)
        }
    }
}

struct PortOpenError: Error, CustomStringConvertible {
    var description: String
}

extension PacketIO: ExpressibleByArgument {}
