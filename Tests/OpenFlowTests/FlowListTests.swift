import OpenFlow
import Testing

/// Flow lists (`ofswitch --flows`, the switch image's ramdisk, static flows): comments,
/// blank lines and the line an error names.
struct FlowListTests {
    @Test func commentsAndBlankLinesAreSkipped() throws {
        let text = "# header\n\n  priority=5,in_port=1,actions=output:2   # trailing\r\n\t\npriority=6,actions=drop"
        let flows = try FlowSyntax.parseFlowList(text)
        #expect(flows.map(\.priority) == [5, 6])
        #expect(flows.allSatisfy { $0.command == .add })
    }

    @Test func emptyTextIsNoFlows() throws {
        #expect(try FlowSyntax.parseFlowList("").isEmpty)
        #expect(try FlowSyntax.parseFlowList("# nothing\n").isEmpty)
    }

    @Test func errorNamesTheLine() {
        #expect {
            try FlowSyntax.parseFlowList("priority=1,actions=drop\n\nnw_dest=10.0.0.1,actions=drop\n")
        } throws: { error in
            (error as? FlowListError)?.description == "line 3: unknown field 'nw_dest'"
        }
    }
}
