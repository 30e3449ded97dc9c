import ControllerREST
import Foundation
import OpenFlow
import Testing
import Wire

/// Matches read and written as ofctl_rest's JSON, parsed from real JSON text.
struct OfctlMatchTests {
    static func json(_ text: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
    }

    @Test func fieldsAreMatchedAndTheRestWildcarded() throws {
        let match = try OfctlMatch.parse(try Self.json("""
            {"in_port": 1, "dl_dst": "00:00:00:00:00:02", "dl_type": "0x800", "nw_src": "10.0.8.0/24",
             "nw_dst": "10.0.8.3", "nw_proto": 6, "tp_dst": "80"}
            """))
        #expect(match.inPort == PortNumber(1))
        #expect(match.dlDst == MACAddress(0, 0, 0, 0, 0, 2))
        #expect(match.dlType == 0x0800)
        #expect(match.nwSrc == IPv4Address(10, 0, 8, 0))
        #expect(match.wildcards.nwSrcPrefix == 24)
        #expect(match.wildcards.nwDstPrefix == 32)
        #expect(match.tpDst == 80)
        #expect(!match.wildcards.contains(.inPort))
        #expect(match.wildcards.contains(.dlSrc))
        #expect(match.wildcards.contains(.tpSrc))
    }

    @Test func noMatchIsEverything() throws {
        #expect(try OfctlMatch.parse(nil) == Match())
        #expect(try OfctlMatch.parse(try Self.json("{}")) == Match())
    }

    @Test func reservedPortsGoByName() throws {
        let match = try OfctlMatch.parse(try Self.json(#"{"in_port": "LOCAL"}"#))
        #expect(match.inPort == .local)
        #expect(OfctlMatch.json(match)["in_port"] as? String == "LOCAL")
    }

    @Test func writesOnlyMatchedFieldsAsRyuDoes() throws {
        let text = """
            {"in_port": 2, "dl_src": "00:00:00:00:00:01", "dl_vlan": 10, "nw_src": "10.0.8.0/24", "nw_dst": "10.0.8.3", "tp_src": 1234}
            """
        let object = OfctlMatch.json(try OfctlMatch.parse(try Self.json(text)))
        #expect(Set(object.keys) == ["in_port", "dl_src", "dl_vlan", "nw_src", "nw_dst", "tp_src"])
        #expect(object["in_port"] as? Int == 2)
        #expect(object["dl_src"] as? String == "00:00:00:00:00:01")
        #expect(object["nw_src"] as? String == "10.0.8.0/24")
        #expect(object["nw_dst"] as? String == "10.0.8.3")
        #expect(object["tp_src"] as? Int == 1234)
    }

    @Test(arguments: [
        (#"{"dl_dst": "zz"}"#, "match.dl_dst"),
        (#"{"in_port": 70000}"#, "match.in_port"),
        (#"{"in_port": 1.5}"#, "match.in_port"),
        (#"{"in_port": true}"#, "match.in_port"),
        (#"{"nw_src": "10.0.0.0/33"}"#, "match.nw_src"),
        (#"{"nw_dst": "10.0.0"}"#, "match.nw_dst"),
        (#"{"dl_type": "0xgg"}"#, "match.dl_type"),
        (#"{"colour": 1}"#, "match.colour"),
        (#"[1]"#, "match"),
    ])
    func badInputNamesTheField(text: String, field: String) throws {
        #expect {
            try OfctlMatch.parse(try Self.json(text))
        } throws: { error in
            guard case .badRequest(let message) = error as? RESTError else { return false }
            return message.hasPrefix(field + ":")
        }
    }
}
