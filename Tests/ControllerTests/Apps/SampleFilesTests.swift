import Controller
import Foundation
import OpenFlow
import Testing

/// The sample files the README names parse, so its examples run as written.
@Suite struct SampleFilesTests {
    private func sample(_ name: String, folder: String = "samples") throws -> String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return try String(contentsOf: root.appendingPathComponent(folder).appendingPathComponent(name), encoding: .utf8)
    }

    @Test func firewallRulesParse() throws {
        let policy = try FirewallPolicy(parsing: try sample("firewall.rules"))
        #expect(policy.rules.count == 3)
    }

    @Test func staticFlowsParse() throws {
        let flows = try StaticFlows(parsing: try sample("static.flows"))
        #expect(flows.flows.count == 2)
    }

    /// The switch image's sample ramdisk (switch.cfg names it).
    @Test func switchImageFlowsParse() throws {
        let flows = try FlowSyntax.parseFlowList(try sample("firewall.flows", folder: "Images/switch"))
        #expect(flows.count == 2)
        #expect(flows.allSatisfy { $0.actions.isEmpty && $0.priority == 1000 })
    }
}
