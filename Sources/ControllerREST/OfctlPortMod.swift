import Controller
import OpenFlow

/// The body of `POST /stats/portdesc/modify`, read as ofctl_rest's
/// `mod_port_behavior` reads it: `dpid` and `port_no` required, `config` and `mask`
/// default 0, `advertise` and the hardware address default to the port's own (from
/// the registry, at the loop).
public struct OfctlPortMod: Sendable {
    public var datapath: DatapathID
    public var port: PortNumber
    public var config: PortConfig
    public var mask: PortConfig
    /// nil: keep what the port advertises now.
    public var advertise: PortFeatures?

    public static func parse(_ body: Any?) throws(RESTError) -> OfctlPortMod {
        let object = try JSONFields.object(body, field: "body")
        guard let rawDatapath = object["dpid"] else { throw .badRequest("dpid: missing") }
        guard let rawPort = object["port_no"] else { throw .badRequest("port_no: missing") }
        func integer(_ key: String) throws(RESTError) -> UInt32 {
            guard let raw = object[key] else { return 0 }
            return try JSONFields.integer(raw, field: key)
        }
        return OfctlPortMod(
            datapath: DatapathID(try JSONFields.integer(rawDatapath, field: "dpid", as: UInt64.self)),
            port: try OfctlPort.parse(rawPort, field: "port_no"),
            config: PortConfig(rawValue: try integer("config")),
            mask: PortConfig(rawValue: try integer("mask")),
            advertise: object["advertise"] == nil ? nil : PortFeatures(rawValue: try integer("advertise")))
    }

    /// The PORT_MOD for `port` as the registry knows it.
    public func message(for port: PhyPort) -> PortMod {
        PortMod(
            portNumber: self.port, hardwareAddress: port.hardwareAddress, config: config, mask: mask,
            advertise: advertise ?? port.advertised)
    }
}
