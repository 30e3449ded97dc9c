import OpenFlow
import Scheduler
import Switch
import UnikernelHost

/// Flows installed at boot from the domain's first module (xl's `ramdisk=`), in the
/// format `ofswitch --flows FILE` reads (`FlowSyntax.parseFlowList`). With them the
/// switch works as a firewall or a static middlebox with no controller at all.
enum BootFlows {
    /// The flows of module 0 (none when no module was given). A line that does not
    /// parse crashes the domain with its number and the reason, never a silent skip.
    static func load() -> [FlowMod] {
        let bytes = BootModules.bytes(0)
        guard !bytes.isEmpty else { return [] }
        do throws(FlowListError) {
            return try FlowSyntax.parseFlowList(String(decoding: bytes, as: UTF8.self))
        } catch {
            fail(error.description)
        }
    }

    /// Installs `flows`; one the datapath refuses crashes the domain with the reason.
    static func install(_ flows: [FlowMod], into datapath: inout Datapath, now: Instant) {
        for flow in flows {
            do throws(DatapathError) { try datapath.flowMod(flow, now: now) } catch {
                fail("a flow the datapath refused (table full?)")
            }
        }
    }

    private static func fail(_ reason: String) -> Never {
        Console.write("switch: flows (the ramdisk): ")
        Console.write(reason)
        Console.write("\n")
        Shutdown.panic("bad flows")
    }
}
