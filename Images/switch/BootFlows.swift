import OpenFlow
import Scheduler
import Switch
import UnikernelHost

/// Flows installed at boot from the domain's first module (xl's `ramdisk=`): OpenFlow 1.0
/// FLOW_MOD messages one after another, as a controller would send them.
/// `ofswitch --flows FILE --write-flow-mods OUT` writes them from ovs-ofctl syntax, so the
/// text parser (about 29 KB of code) stays out of the image. With them the switch works
/// as a firewall or a static middlebox with no controller at all.
enum BootFlows {
    /// The flows of module 0 (none when no module was given). A message that does not
    /// decode, or is not a FLOW_MOD, crashes the domain with its number and the reason.
    static func load() -> [FlowMod] {
        let bytes = BootModules.bytes(0)
        guard !bytes.isEmpty else { return [] }
        var framer = Framer(capacity: bytes.count)
        framer.append(bytes)
        var flows: [FlowMod] = []
        while true {
            let number = flows.count + 1
            let frame: ArraySlice<UInt8>
            do throws(OpenFlowError) {
                guard let next = try framer.next() else { break }
                frame = next
            } catch {
                fail(number, error.detail)
            }
            do throws(OpenFlowError) {
                guard case .flowMod(let flow) = try OpenFlowMessage.decode(frame).message else {
                    fail(number, "not a FLOW_MOD")
                }
                flows.append(flow)
            } catch {
                fail(number, error.detail)
            }
        }
        if framer.bufferedCount > 0 { fail(flows.count + 1, "cut short") }
        return flows
    }

    /// Installs `flows`; one the datapath refuses crashes the domain with the reason.
    static func install(_ flows: [FlowMod], into datapath: inout Datapath, now: Instant) {
        for (index, flow) in flows.enumerated() {
            do throws(DatapathError) { try datapath.flowMod(flow, now: now) } catch {
                fail(index + 1, "the datapath refused it (table full?)")
            }
        }
    }

    private static func fail(_ number: Int, _ reason: String) -> Never {
        Console.write("switch: flows (the ramdisk): message ")
        Console.write(number)
        Console.write(": ")
        Console.write(reason)
        Console.write("\n")
        Shutdown.panic("bad flows")
    }
}
