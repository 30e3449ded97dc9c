import OpenFlow
import Scheduler

/// Controller roles (the Nicira extension, with Open vSwitch's semantics, which the
/// interop test checks message for message): every connection starts as OTHER; a
/// new MASTER demotes every other master to SLAVE; a slave's FLOW_MOD, PACKET_OUT and
/// PORT_MOD get OFPBRC_EPERM, its SET_CONFIG is ignored, and it is sent PORT_STATUS
/// but no PACKET_IN or FLOW_REMOVED. Service connections (the passive listener) may
/// take roles too, as in Open vSwitch.
extension SwitchAgent {
    /// OFPT_VENDOR: NXT_ROLE_REQUEST is answered with NXT_ROLE_REPLY; any other vendor
    /// or Nicira subtype gets the spec's error.
    mutating func vendorRequest(_ vendor: VendorMessage, _ frame: ArraySlice<UInt8>, _ index: Int) {
        let request: NiciraRole
        do throws(NiciraRole.DecodingError) {
            request = try NiciraRole(vendor)
        } catch {
            switch error {
            case .otherVendor: reject(frame, .badVendor, index, reason: "no vendor extension but Nicira roles")
            case .otherSubtype: reject(frame, .badSubtype, index, reason: "a Nicira subtype other than NXT_ROLE_REQUEST")
            case .badLength: reject(frame, .badLength, index, reason: "NXT_ROLE_REQUEST is 20 bytes")
            case .badRole(let number):
                log(.warning, sessions[index].name + ": rejected NXT_ROLE_REQUEST: unknown role " + String(number))
                let error = NiciraRole.badRoleError(answering: frame)
                if write(OpenFlowMessage(xid: Header(peeking: frame).xid, .error(error)), to: index) { totals.errorsSent &+= 1 }
            }
            return
        }
        setRole(request.role, of: index)
        let reply = NiciraRole(isReply: true, role: request.role)
        write(OpenFlowMessage(xid: Header(peeking: frame).xid, .vendor(reply.vendorMessage)), to: index)
    }

    /// Gives connection `index` its role; a master demotes the others.
    mutating func setRole(_ role: ControllerRole, of index: Int) {
        if role == .master {
            for other in sessions.indices where other != index && sessions[other].controllerRole == .master {
                sessions[other].controllerRole = .slave
                log(.info, sessions[other].name + " demoted to slave: " + sessions[index].name + " is master")
            }
        }
        if sessions[index].controllerRole != role { log(.info, sessions[index].name + " role " + role.name) }
        sessions[index].controllerRole = role
    }

    /// A slave may look but not touch: true, after OFPBRC_EPERM, when connection
    /// `index` is a slave.
    mutating func refusedAsSlave(_ frame: ArraySlice<UInt8>, _ index: Int) -> Bool {
        guard sessions[index].controllerRole == .slave else { return false }
        reject(frame, .requestPermissions, index, reason: "the connection is a slave")
        return true
    }

    /// Copies the PORT_STATUS messages among `messages` (whole encoded messages) to
    /// slave connection `index`; false when one did not fit.
    mutating func writePortStatus(from messages: ArraySlice<UInt8>, to index: Int) -> Bool {
        var start = messages.startIndex
        var complete = true
        while messages.endIndex - start >= 8 {
            let length = Int(messages[start + 2]) << 8 | Int(messages[start + 3])
            guard length >= 8, start + length <= messages.endIndex else { break }
            if messages[start + 1] == MessageType.portStatus.rawValue {
                complete = sessions[index].write(encoded: messages[start..<start + length], limit: settings.outputLimit) && complete
            }
            start += length
        }
        return complete
    }
}
