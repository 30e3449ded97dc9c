import SwitchHost
import Testing

@Suite struct EndpointTests {
    @Test func parsesActiveAndPassive() {
        #expect(Endpoint(parsing: "tcp:127.0.0.1:6653") == Endpoint(kind: .active, host: "127.0.0.1", port: 6653))
        #expect(Endpoint(parsing: "tcp:controller") == Endpoint(kind: .active, host: "controller", port: 6653))
        #expect(Endpoint(parsing: "ptcp:6634") == Endpoint(kind: .passive, host: "127.0.0.1", port: 6634))
        #expect(Endpoint(parsing: "ptcp:6634:0.0.0.0") == Endpoint(kind: .passive, host: "0.0.0.0", port: 6634))
        #expect(Endpoint(parsing: "ptcp:0")?.port == 0)
    }

    @Test(arguments: ["", "tcp:", "tcp::6653", "tcp:h:0", "tcp:h:70000", "tcp:h:1:2", "ptcp:", "ptcp:x", "udp:h:1", "6653"])
    func refusesMalformed(_ text: String) {
        #expect(Endpoint(parsing: text) == nil)
    }

    @Test func descriptionRoundTrips() {
        for text in ["tcp:10.0.0.1:6633", "ptcp:6634:127.0.0.1"] {
            #expect(Endpoint(parsing: text)?.description == text)
        }
    }
}
