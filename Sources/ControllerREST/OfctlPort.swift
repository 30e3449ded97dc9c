import OpenFlow

/// Port numbers as ofctl_rest spells them: a number, or the reserved port's name
/// without its OFPP_ prefix ("LOCAL", "CONTROLLER"), both ways.
enum OfctlPort {
    private static let reserved: [PortNumber] = [.inPort, .table, .normal, .flood, .all, .controller, .local, .none]

    static func parse(_ value: Any?, field: String) throws(RESTError) -> PortNumber {
        if let name = value as? String, let port = reserved.first(where: { $0.reservedName == name.uppercased() }) {
            return port
        }
        return PortNumber(try JSONFields.integer(value, field: field, as: UInt16.self))
    }

    static func json(_ port: PortNumber) -> Any {
        port.reservedName ?? Int(port.rawValue)
    }
}
