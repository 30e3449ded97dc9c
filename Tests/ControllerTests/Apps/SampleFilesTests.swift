import Controller
import Foundation
import Testing

/// The sample files the README names parse, so its examples run as written.
@Suite struct SampleFilesTests {
    private func sample(_ name: String) throws -> String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return try String(contentsOf: root.appendingPathComponent("samples").appendingPathComponent(name), encoding: .utf8)
    }

    @Test func firewallRulesParse() throws {
        let policy = try FirewallPolicy(parsing: try sample("firewall.rules"))
        #expect(policy.rules.count == 3)
    }

    @Test func staticFlowsParse() throws {
        let flows = try StaticFlows(parsing: try sample("static.flows"))
        #expect(flows.flows.count == 2)
    }
}
