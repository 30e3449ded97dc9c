import OpenFlow

/// Floods every packet_in out of every port but the one it came in on, and installs
/// no flows: the simplest controller (ovs-testcontroller `-H`).
public struct Hub: ControllerApp {
    private var packetOut = PacketOutTemplate()

    public init() {}

    public mutating func handle(_ event: ControllerEvent, _ context: inout AppContext) -> AppVerdict {
        guard case .packetIn(let datapath, let packetIn) = event else { return .continue }
        packetOut.send(packetIn, to: .flood, on: datapath, &context)
        return .consumed
    }
}
