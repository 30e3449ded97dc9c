import Wire

extension OpenFlowMessage {
    /// The message on one line: the spec's type name, the xid, the version when it is
    /// not 1.0, then the body in ovs-ofctl's vocabulary, e.g.
    /// `OFPT_FLOW_MOD xid=0x5 ADD priority=100,in_port=1,dl_type=0x0800,nw_dst=10.0.0.0/24 actions=output:2`.
    /// Flows print in the flow syntax `FlowSyntax.parseFlow` reads; free text from the
    /// peer (port and table names, descriptions, error text) is escaped, so the line
    /// never breaks.
    public var textForm: String {
        var text = (type.specName ?? "type=" + String(type.rawValue)) + " xid=" + TextFormatting.hex(xid)
        if version != Header.version { text += " version=" + TextFormatting.hex(version) }
        let body = message.bodyText
        return body.isEmpty ? text : text + " " + body
    }
}

extension Message {
    /// Everything after the header fields; empty for bodiless messages.
    var bodyText: String {
        switch self {
        case .featuresRequest, .getConfigRequest, .barrierRequest, .barrierReply: ""
        case .hello(let hello): hello.body.isEmpty ? "" : "body_len=" + String(hello.body.count)
        case .error(let error): error.bodyText
        case .echoRequest(let echo), .echoReply(let echo): "payload_len=" + String(echo.payload.count)
        case .vendor(let vendor): vendor.bodyText
        case .featuresReply(let features): features.bodyText
        case .getConfigReply(let config), .setConfig(let config): config.bodyText
        case .packetIn(let packetIn): packetIn.bodyText
        case .flowRemoved(let removed): removed.bodyText
        case .portStatus(let status): status.bodyText
        case .packetOut(let packetOut): packetOut.bodyText
        case .flowMod(let flowMod): flowMod.bodyText
        case .portMod(let portMod): portMod.bodyText
        case .statsRequest(let request): request.bodyText
        case .statsReply(let reply): reply.bodyText
        case .queueGetConfigRequest(let request): "port=" + TextFormatting.port(request.port)
        case .queueGetConfigReply(let reply): reply.bodyText
        }
    }
}

extension ErrorMessage {
    /// The type and code names, then the data: for HELLO_FAILED, whose data is an ASCII
    /// explanation, the text; otherwise its length and, when it starts with an OpenFlow
    /// header, the type and xid of the request that failed.
    var bodyText: String {
        let text = code.specName
        if code.type == .helloFailed, let message = TextFormatting.asciiText(data) {
            return text + " data=" + message
        }
        let length = " data_len=" + String(data.count)
        guard code.type != .helloFailed, data.count >= Header.length else { return text + length }
        let request = Header(peeking: data)
        guard let name = request.type.specName else { return text + length }
        return text + length + " request=" + name + " request_xid=" + TextFormatting.hex(request.xid)
    }
}

extension SwitchFeatures {
    var bodyText: String {
        var actionNames: [(bit: UInt32, name: String)] = []
        for raw in ActionType.output.rawValue...ActionType.enqueue.rawValue {
            if let name = ActionType(rawValue: raw).specName {
                actionNames.append((1 << UInt32(raw), String(decoding: name.utf8.dropFirst(6), as: UTF8.self)))
            }
        }
        var text = "dpid=" + TextFormatting.hexDigits(datapathID, width: 16)
        text += " n_buffers=" + String(bufferCount) + " n_tables=" + String(tableCount)
        text += " capabilities=" + TextFormatting.bits(capabilities.rawValue, [
            (Capabilities.flowStats.rawValue, "FLOW_STATS"), (Capabilities.tableStats.rawValue, "TABLE_STATS"),
            (Capabilities.portStats.rawValue, "PORT_STATS"), (Capabilities.stp.rawValue, "STP"),
            (Capabilities.reserved.rawValue, "RESERVED"), (Capabilities.ipReassembly.rawValue, "IP_REASM"),
            (Capabilities.queueStats.rawValue, "QUEUE_STATS"), (Capabilities.arpMatchIP.rawValue, "ARP_MATCH_IP"),
        ])
        text += " action_types=" + TextFormatting.bits(actions, actionNames)
        text += " n_ports=" + String(ports.count)
        for port in ports { text += " " + PortText.summary(port) }
        return text
    }
}

extension SwitchConfig {
    /// `frags=normal miss_send_len=128`, and any flag bits past the fragment field.
    var bodyText: String {
        let frags = switch flags.fragmentHandling {
        case .fragNormal: "normal"
        case .fragDrop: "drop"
        case .fragReassemble: "reassemble"
        default: String(flags.fragmentHandling.rawValue)
        }
        var text = "frags=" + frags + " miss_send_len=" + String(missSendLength)
        let otherFlags = flags.rawValue & ~ConfigFlags.fragMask
        if otherFlags != 0 { text += " flags=" + TextFormatting.hex(otherFlags) }
        return text
    }
}

extension PacketIn {
    var bodyText: String {
        let reasonText = switch reason {
        case .noMatch: "no_match"
        case .action: "action"
        default: String(reason.rawValue)
        }
        return "buffer_id=" + TextFormatting.buffer(bufferID) + " total_len=" + String(totalLength)
            + " in_port=" + TextFormatting.port(inPort) + " reason=" + reasonText
            + " " + FrameText.dataText(data)
    }
}

extension FlowRemoved {
    var bodyText: String {
        let reasonText = switch reason {
        case .idleTimeout: "idle"
        case .hardTimeout: "hard"
        case .delete: "delete"
        default: String(reason.rawValue)
        }
        let flow = FlowSpec(
            match: match, priority: priority, idleTimeout: TextFormatting.nonzero(idleTimeout),
            cookie: TextFormatting.nonzero(cookie))
        return "reason=" + reasonText + " " + flow.fieldsText
            + " duration=" + TextFormatting.duration(seconds: durationSeconds, nanoseconds: durationNanoseconds)
            + " n_packets=" + TextFormatting.counter(packetCount) + " n_bytes=" + TextFormatting.counter(byteCount)
    }
}

extension PortStatus {
    var bodyText: String {
        let reasonText = switch reason {
        case .add: "ADD"
        case .delete: "DELETE"
        case .modify: "MODIFY"
        default: "reason=" + String(reason.rawValue)
        }
        var text = reasonText + " " + PortText.summary(port)
        if !port.current.isEmpty { text += " current=" + PortText.features(port.current) }
        return text
    }
}

extension PacketOut {
    /// The packet's data is described when the packet is not buffered (or, oddly, is
    /// both).
    var bodyText: String {
        var text = "buffer_id=" + TextFormatting.buffer(bufferID) + " in_port=" + TextFormatting.port(inPort)
            + " actions=" + actions.textForm
        if bufferID == BufferID.none || !data.isEmpty { text += " " + FrameText.dataText(data) }
        return text
    }
}

extension FlowMod {
    /// The command, the flow in flow syntax (cookie and timeouts when nonzero, the
    /// priority always, then the match), buffer_id, out_port and flags when set, and
    /// the actions.
    var bodyText: String {
        let flow = FlowSpec(
            match: match, priority: priority, idleTimeout: TextFormatting.nonzero(idleTimeout),
            hardTimeout: TextFormatting.nonzero(hardTimeout), cookie: TextFormatting.nonzero(cookie))
        var text = (command.name ?? "command=" + String(command.rawValue)) + " " + flow.fieldsText
        if bufferID != BufferID.none { text += " buffer_id=" + TextFormatting.hex(bufferID) }
        if outPort != .none { text += " out_port=" + TextFormatting.port(outPort) }
        if !flags.isEmpty {
            text += " flags=" + TextFormatting.bits(UInt32(flags.rawValue), [
                (UInt32(FlowModFlags.sendFlowRemoved.rawValue), "send_flow_rem"),
                (UInt32(FlowModFlags.checkOverlap.rawValue), "check_overlap"),
                (UInt32(FlowModFlags.emergency.rawValue), "emerg"),
            ])
        }
        return text + " actions=" + actions.textForm
    }
}

extension PortMod {
    var bodyText: String {
        var text = "port=" + TextFormatting.port(portNumber) + " addr=" + hardwareAddress.description
            + " config=" + PortText.config(config) + " mask=" + PortText.config(mask)
        if !advertise.isEmpty { text += " advertise=" + PortText.features(advertise) }
        return text
    }
}

extension QueueGetConfigReply {
    /// `port=1 queues=2 {queue=1 min_rate=50.0%} {queue=2}`.
    var bodyText: String {
        var text = "port=" + TextFormatting.port(port) + " queues=" + String(queues.count)
        for queue in queues {
            text += " {queue=" + String(queue.queueID)
            for property in queue.properties {
                switch property {
                case .none: break
                case .minRate(let rate):
                    text += " min_rate=" + (rate > 1000 ? "disabled" : String(rate / 10) + "." + String(rate % 10) + "%")
                case .unknown(let type, let body):
                    text += " property=" + String(type) + ",len=" + String(8 + body.count)
                }
            }
            text += "}"
        }
        return text
    }
}

/// The data of PACKET_IN and PACKET_OUT: its length and the frame's fields.
enum FrameText {
    /// `data_len=60`, then the fields of the frame's headers as match syntax: VLAN only
    /// when tagged, network fields for IPv4 and ARP, transport fields only when the
    /// transport header is there (not for a fragment).
    static func dataText(_ data: ArraySlice<UInt8>) -> String {
        let text = "data_len=" + String(data.count)
        guard data.count >= EthernetHeader.length else { return text }
        let layout = FrameLayout(frame: data)
        var match = Match(layout: layout, inPort: PortNumber(0))
        var hidden: Wildcards = [.inPort]
        if layout.vlanTCI == nil { hidden.formUnion([.dlVLAN, .dlVLANPCP]) }
        let isIP = layout.ipProtocol != nil
        if !isIP { hidden.insert(.nwTOS) }
        if !isIP, layout.arpOperation == nil {
            hidden.insert(.nwProto)
            hidden.nwSrcWildcardBits = 63
            hidden.nwDstWildcardBits = 63
        }
        if layout.transportOffset == nil { hidden.formUnion([.tpSrc, .tpDst]) }
        match.wildcards = hidden
        return text + " " + match.textForm
    }
}

extension VendorMessage {
    /// Nicira role messages by name (`NXT_ROLE_REQUEST role=master`), others by vendor
    /// id and length.
    var bodyText: String {
        if let role = try? NiciraRole(self) { return "NXT_ROLE_REQUEST role=" + role.role.name }
        if let role = try? NiciraRole(self, reply: true) { return "NXT_ROLE_REPLY role=" + role.role.name }
        return "vendor=" + TextFormatting.hex(vendor) + " body_len=" + String(body.count)
    }
}
