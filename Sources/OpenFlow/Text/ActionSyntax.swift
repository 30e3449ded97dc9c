import Wire

extension FlowSyntax {
    /// An action list as after `actions=`: actions separated by commas or whitespace;
    /// empty text or `drop` alone is no actions. Each action is `name`, `name:arg`,
    /// `name=arg` or `name(args)`, the name case-insensitive:
    /// `output:PORT`, a bare port number, a reserved port keyword (`FLOOD`, `ALL`,
    /// `NORMAL`, `LOCAL`, `IN_PORT`, `TABLE`, `CONTROLLER`), `controller:MAX_LEN`,
    /// `mod_vlan_vid:`, `mod_vlan_pcp:`, `strip_vlan`, `mod_dl_src:`, `mod_dl_dst:`,
    /// `mod_nw_src:`, `mod_nw_dst:`, `mod_nw_tos:`, `mod_tp_src:`, `mod_tp_dst:`,
    /// `enqueue:PORT:QUEUE` or `enqueue(PORT,QUEUE)`, and `vendor:ID[:HEX]`.
    /// Output to the controller without a max_len sends the whole packet (65535), as in
    /// ovs-ofctl.
    public static func parseActions(_ text: String) throws(FlowSyntaxError) -> [Action] {
        let items = try actionItems(Array(text.utf8))
        if items.count == 1, ASCII.same(ASCII.lowercased(items[0]), "drop") { return [] }
        var actions: [Action] = []
        for item in items { actions.append(try parseAction(item)) }
        return actions
    }

    /// The items between top-level separators; separators inside parentheses belong to
    /// the item (`enqueue(1, 2)`).
    private static func actionItems(_ bytes: [UInt8]) throws(FlowSyntaxError) -> [String] {
        var items: [String] = []
        var start = 0
        var depth = 0
        for i in 0...bytes.count {
            if i < bytes.count {
                if bytes[i] == UInt8(ascii: "(") { depth += 1 }
                if bytes[i] == UInt8(ascii: ")") { depth -= 1 }
                if depth > 0 || !FieldScanner.isSeparator(bytes[i]) { continue }
            }
            if i > start { items.append(String(decoding: bytes[start..<i], as: UTF8.self)) }
            start = i + 1
        }
        return items
    }

    private static func parseAction(_ item: String) throws(FlowSyntaxError) -> Action {
        let (rawName, argument) = try split(item)
        let name = ASCII.lowercased(rawName)
        if ASCII.same(name, "drop") { throw .dropWithOtherActions }
        if let first = name.utf8.first, first >= UInt8(ascii: "0"), first <= UInt8(ascii: "9") {
            if let argument { throw .unexpectedValue(field: rawName, text: argument) }
            return .output(port: try SyntaxValue.port(rawName, field: "output"), maxLength: 0)
        }
        switch Keyword(name) {
        case "output":
            let port = try SyntaxValue.port(try required(name, argument), field: name)
            return .output(port: port, maxLength: port == .controller ? UInt16.max : 0)
        case "controller":
            guard let argument else { return .output(port: .controller, maxLength: UInt16.max) }
            return .output(port: .controller, maxLength: UInt16(try SyntaxValue.number(argument, field: name, max: 0xFFFF)))
        case "in_port", "table", "normal", "flood", "all", "local":
            if let argument { throw .unexpectedValue(field: name, text: argument) }
            return .output(port: try SyntaxValue.port(name, field: name), maxLength: 0)
        case "mod_vlan_vid":
            return .setVLANVID(UInt16(try number(name, argument, max: 0x0FFF)))
        case "mod_vlan_pcp":
            return .setVLANPCP(UInt8(try number(name, argument, max: 7)))
        case "strip_vlan":
            if let argument { throw .unexpectedValue(field: name, text: argument) }
            return .stripVLAN
        case "mod_dl_src":
            return .setDLSrc(try SyntaxValue.mac(try required(name, argument), field: name))
        case "mod_dl_dst":
            return .setDLDst(try SyntaxValue.mac(try required(name, argument), field: name))
        case "mod_nw_src":
            return .setNWSrc(try SyntaxValue.ipv4(try required(name, argument), field: name))
        case "mod_nw_dst":
            return .setNWDst(try SyntaxValue.ipv4(try required(name, argument), field: name))
        case "mod_nw_tos":
            let tos = try number(name, argument, max: 0xFF)
            guard tos & 0x03 == 0 else {
                throw .outOfRange(field: name, text: argument ?? "", allowed: "a multiple of 4 up to 252: the DSCP bits")
            }
            return .setNWTOS(UInt8(tos))
        case "mod_tp_src":
            return .setTPSrc(UInt16(try number(name, argument, max: 0xFFFF)))
        case "mod_tp_dst":
            return .setTPDst(UInt16(try number(name, argument, max: 0xFFFF)))
        case "enqueue":
            let (port, queue) = try pair(name, try required(name, argument))
            return .enqueue(
                port: try SyntaxValue.port(port, field: name),
                queueID: UInt32(try SyntaxValue.number(queue, field: name, max: 0xFFFF_FFFF)))
        case "vendor":
            return try vendor(try required(name, argument))
        default:
            throw .unknownAction(rawName)
        }
    }

    /// The name and the argument after the first `:` or `=`, or inside `( )`.
    private static func split(_ item: String) throws(FlowSyntaxError) -> (name: String, argument: String?) {
        let bytes = Array(item.utf8)
        guard let cut = bytes.firstIndex(where: { $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: "=") || $0 == UInt8(ascii: "(") }) else {
            return (item, nil)
        }
        let name = String(decoding: bytes[..<cut], as: UTF8.self)
        var argument = bytes[(cut + 1)...]
        if bytes[cut] == UInt8(ascii: "(") {
            guard argument.last == UInt8(ascii: ")") else { throw .badArgument(field: name, text: item) }
            argument = argument.dropLast()
        }
        return (name, String(decoding: argument, as: UTF8.self))
    }

    private static func required(_ name: String, _ argument: String?) throws(FlowSyntaxError) -> String {
        guard let argument, !argument.isEmpty else { throw .missingValue(field: name) }
        return argument
    }

    private static func number(_ name: String, _ argument: String?, max: UInt64) throws(FlowSyntaxError) -> UInt64 {
        try SyntaxValue.number(try required(name, argument), field: name, max: max)
    }

    /// `A:B` or `A,B` (spaces allowed around the comma, as in `enqueue(1, 2)`).
    private static func pair(_ name: String, _ argument: String) throws(FlowSyntaxError) -> (String, String) {
        var parts: [String] = []
        var current: [UInt8] = []
        for byte in argument.utf8 {
            if byte == UInt8(ascii: ":") || byte == UInt8(ascii: ",") {
                parts.append(String(decoding: current, as: UTF8.self))
                current = []
            } else if byte != UInt8(ascii: " ") {
                current.append(byte)
            }
        }
        parts.append(String(decoding: current, as: UTF8.self))
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw .badArgument(field: name, text: argument)
        }
        return (parts[0], parts[1])
    }

    /// `0xID` or `0xID:HEXBYTES`, as `Action.textForm` writes a vendor action.
    private static func vendor(_ argument: String) throws(FlowSyntaxError) -> Action {
        let bytes = Array(argument.utf8)
        let cut = bytes.firstIndex(of: UInt8(ascii: ":")) ?? bytes.count
        let id = UInt32(try SyntaxValue.number(String(decoding: bytes[..<cut], as: UTF8.self), field: "vendor", max: 0xFFFF_FFFF))
        guard cut < bytes.count else { return .vendor(vendor: id, body: []) }
        let digits = bytes[(cut + 1)...]
        var body: [UInt8] = []
        var index = digits.startIndex
        while index < digits.endIndex {
            guard index + 1 < digits.endIndex, let high = SyntaxValue.hexDigit(digits[index]), let low = SyntaxValue.hexDigit(digits[index + 1]) else {
                throw .badArgument(field: "vendor", text: argument)
            }
            body.append(high << 4 | low)
            index += 2
        }
        return .vendor(vendor: id, body: body[...])
    }
}
