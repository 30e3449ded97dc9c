import OpenFlow
import Wire

extension Datapath {
    /// Adds a port (PORT_STATUS ADD). False when its number is not a physical port or
    /// LOCAL, or is taken.
    @discardableResult
    public mutating func addPort(_ description: PhyPort, queues: [PortQueue] = []) -> Bool {
        let number = description.portNumber
        guard number.isPhysical || number == .local, portIndex(number) == nil else { return false }
        records.append(SwitchPort(description: description, queues: queues))
        portStats.append(PortStats(portNumber: number))
        reindexPorts()
        reportPort(.add, description)
        return true
    }

    /// Removes a port (PORT_STATUS DELETE). Flows that output to it stay, as in Open
    /// vSwitch; the NORMAL table forgets the addresses learned on it.
    @discardableResult
    public mutating func removePort(_ number: PortNumber) -> Bool {
        guard let index = portIndex(number) else { return false }
        let removed = records.remove(at: index)
        portStats.remove(at: index)
        reindexPorts()
        macTable.forget(port: number)
        reportPort(.delete, removed.description)
        return true
    }

    /// The link came up or went down (OFPPS_LINK_DOWN; PORT_STATUS MODIFY on a change).
    public mutating func setLinkDown(_ number: PortNumber, _ down: Bool) {
        guard let index = portIndex(number), records[index].description.state.contains(.linkDown) != down else { return }
        if down {
            records[index].description.state.insert(.linkDown)
            macTable.forget(port: number)
        } else {
            records[index].description.state.remove(.linkDown)
        }
        refreshFlags(index)
        reportPort(.modify, records[index].description)
    }

    /// What only the port backend sees: errors (failed sends, bad frames) and frames
    /// dropped because a queue was full (the kernel's before we read, ours on send).
    public mutating func notePortErrors(
        _ number: PortNumber, rx: UInt64 = 0, tx: UInt64 = 0, rxDropped: UInt64 = 0, txDropped: UInt64 = 0
    ) {
        guard let index = portIndex(number) else { return }
        portStats[index].rxErrors &+= rx
        portStats[index].txErrors &+= tx
        portStats[index].rxDropped &+= rxDropped
        portStats[index].txDropped &+= txDropped
    }

    /// OFPT_PORT_MOD: the config bits under `mask` (of PORT_DOWN, NO_STP, NO_RECV,
    /// NO_RECV_STP, NO_FLOOD, NO_FWD, NO_PACKET_IN) take the message's values, and a
    /// non-zero `advertise` replaces the advertised features. An unknown port is
    /// OFPPMFC_BAD_PORT, a hardware address that is not the port's OFPPMFC_BAD_HW_ADDR.
    /// A change is reported with PORT_STATUS MODIFY, as Open vSwitch does.
    public mutating func portMod(_ mod: PortMod) throws(DatapathError) {
        guard mod.portNumber.isPhysical || mod.portNumber == .local, let index = portIndex(mod.portNumber) else {
            throw DatapathError(.badPort)
        }
        guard records[index].description.hardwareAddress == mod.hardwareAddress else {
            throw DatapathError(.badHardwareAddress)
        }
        let defined: UInt32 = 0x7F
        let mask = mod.mask.rawValue & defined
        var description = records[index].description
        description.config = PortConfig(rawValue: description.config.rawValue & ~mask | mod.config.rawValue & mask)
        if !mod.advertise.isEmpty { description.advertised = mod.advertise }
        // Only the two fields a PORT_MOD touches are compared: comparing whole
        // descriptions compares names as Strings, which pulls Unicode tables into images.
        let old = records[index].description
        guard description.config != old.config || description.advertised != old.advertised else { return }
        records[index].description = description
        refreshFlags(index)
        if !portFlags[index].canTransmit { macTable.forget(port: mod.portNumber) }
        reportPort(.modify, description)
    }

    private mutating func reportPort(_ reason: PortReason, _ description: PhyPort) {
        if sendAsync(.portStatus(PortStatus(reason: reason, port: description))) { counters.portStatuses &+= 1 }
    }

    private mutating func reindexPorts() {
        var highest = 0
        for port in records where port.number.isPhysical { highest = max(highest, Int(port.number.rawValue)) }
        portIndexByNumber = [Int32](repeating: -1, count: highest + 1)
        localPortIndex = -1
        portFlags = records.map { PortFlags($0) }
        for (index, port) in records.enumerated() {
            if port.number == .local {
                localPortIndex = index
            } else {
                portIndexByNumber[Int(port.number.rawValue)] = Int32(index)
            }
        }
    }
}
