import Controller
import Hummingbird
import OpenFlow

/// Ryu's ofctl_rest paths (OpenFlow 1.0): stats read from the switches through the
/// controller loop, and flow entries written to them. Dpids in paths and bodies are
/// decimal, answers are keyed by the dpid in decimal, as Ryu does.
struct OfctlRoutes: Sendable {
    let mailbox: LoopMailbox

    func register(on router: Router<BasicRequestContext>) {
        router.get("/stats/switches") { _, _ in
            await respond(.switches) { answer in
                guard case .switches(let datapaths) = answer else { return nil }
                return datapaths.map(\.rawValue)
            }
        }
        router.get("/stats/desc/:dpid") { _, context in
            await stats(context, .desc) { body, _ in
                guard case .desc(let desc) = body else { return nil }
                return OfctlStats.desc(desc)
            }
        }
        router.get("/stats/flow/:dpid") { _, context in await flows(context, body: nil) }
        router.post("/stats/flow/:dpid") { request, context in
            do throws(RESTError) {
                return await flows(context, body: try await JSONResponse.body(of: request))
            } catch {
                return JSONResponse.failure(error)
            }
        }
        router.get("/stats/aggregateflow/:dpid") { _, context in
            await stats(context, .aggregate(FlowStatsRequest())) { body, _ in
                guard case .aggregate(let stats) = body else { return nil }
                return OfctlStats.aggregate(stats)
            }
        }
        router.get("/stats/table/:dpid") { _, context in
            await stats(context, .table) { body, _ in
                guard case .table(let tables) = body else { return nil }
                return OfctlStats.tables(tables)
            }
        }
        router.get("/stats/port/:dpid") { _, context in
            await stats(context, .port(.none)) { body, _ in
                guard case .port(let ports) = body else { return nil }
                return OfctlStats.ports(ports)
            }
        }
        router.get("/stats/port/:dpid/:port") { _, context in
            guard let text = context.parameters.get("port"), let number = UInt16(text) else {
                return JSONResponse.failure(.badRequest("port: expected a decimal port number"))
            }
            return await stats(context, .port(PortNumber(number))) { body, _ in
                guard case .port(let ports) = body else { return nil }
                return OfctlStats.ports(ports)
            }
        }
        router.post("/stats/portdesc/modify") { request, _ in
            do throws(RESTError) {
                return await sent(.portMod(try OfctlPortMod.parse(try await JSONResponse.body(of: request))))
            } catch {
                return JSONResponse.failure(error)
            }
        }
        router.get("/stats/portdesc/:dpid") { _, context in
            do throws(RESTError) {
                let datapath = try Self.datapath(context)
                return await respond(.portDescriptions(datapath)) { answer in
                    guard case .ports(let ports) = answer else { return nil }
                    return [String(datapath.rawValue): OfctlStats.portDescriptions(ports)]
                }
            } catch {
                return JSONResponse.failure(error)
            }
        }
        let commands: [(String, FlowModCommand)] = [
            ("add", .add), ("modify", .modify), ("modify_strict", .modifyStrict),
            ("delete", .delete), ("delete_strict", .deleteStrict),
        ]
        for (name, command) in commands {
            router.post(RouterPath("/stats/flowentry/" + name)) { request, _ in
                do throws(RESTError) {
                    let (datapath, flowMod) = try OfctlFlowEntry.flowMod(try await JSONResponse.body(of: request), command: command)
                    return await sent(.flowMod(datapath, flowMod))
                } catch {
                    return JSONResponse.failure(error)
                }
            }
        }
        registerTopology(on: router)
        router.delete("/stats/flowentry/clear/:dpid") { _, context in
            do throws(RESTError) {
                return await sent(.flowMod(try Self.datapath(context), OfctlFlowEntry.clear))
            } catch {
                return JSONResponse.failure(error)
            }
        }
    }

    /// Ryu's rest_topology: `/v1.0/topology/{switches,links,hosts}[/<dpid>]`, the dpid
    /// in hex as there; 404 without `--app topology`.
    private func registerTopology(on router: Router<BasicRequestContext>) {
        let lists: [(String, @Sendable (Topology, DatapathID?) -> [[String: Any]])] = [
            ("switches", TopologyJSON.switches), ("links", TopologyJSON.links), ("hosts", TopologyJSON.hosts),
        ]
        for (name, list) in lists {
            router.get(RouterPath("/v1.0/topology/" + name)) { _, _ in
                await respond(.topology) { answer in
                    guard case .topology(let topology) = answer else { return nil }
                    return list(topology, nil)
                }
            }
            router.get(RouterPath("/v1.0/topology/" + name + "/:dpid")) { _, context in
                guard let text = context.parameters.get("dpid"), let datapath = TopologyJSON.datapath(parsing: text) else {
                    return JSONResponse.failure(.badRequest("dpid: expected a datapath id in hex (0000000000000001)"))
                }
                return await respond(.topology) { answer in
                    guard case .topology(let topology) = answer else { return nil }
                    return list(topology, datapath)
                }
            }
        }
    }

    // MARK: Answering

    /// Asks the loop and encodes its answer; `encode` returns nil for an answer of the
    /// wrong kind, which the loop never gives.
    private func respond(_ command: LoopCommand, encode: (LoopAnswer) -> Any?) async -> Response {
        let answer = await mailbox.ask(command)
        if case .failed(let error) = answer { return JSONResponse.failure(error) }
        guard let value = encode(answer) else { return JSONResponse.failure(.switchFailed("unexpected answer")) }
        return JSONResponse.ok(value)
    }

    /// A stats request to the path's datapath, its reply as `{"<dpid>": encode(reply)}`.
    private func stats(
        _ context: BasicRequestContext, _ body: StatsRequest.Body, encode: @escaping (StatsReply.Body, DatapathID) -> Any?
    ) async -> Response {
        do throws(RESTError) {
            let datapath = try Self.datapath(context)
            return await respond(.stats(datapath, body)) { answer in
                guard case .stats(let reply) = answer, let value = encode(reply, datapath) else { return nil }
                return [String(datapath.rawValue): value]
            }
        } catch {
            return JSONResponse.failure(error)
        }
    }

    private func flows(_ context: BasicRequestContext, body: Any?) async -> Response {
        do throws(RESTError) {
            let (request, priority) = try OfctlFlowEntry.flowQuery(body)
            return await stats(context, .flow(request)) { reply, _ in
                guard case .flow(let flows) = reply else { return nil }
                return OfctlStats.flows(flows, priority: priority)
            }
        } catch {
            return JSONResponse.failure(error)
        }
    }

    /// A FLOW_MOD: 200 with an empty body once queued, as Ryu answers.
    private func sent(_ command: LoopCommand) async -> Response {
        let answer = await mailbox.ask(command)
        if case .failed(let error) = answer { return JSONResponse.failure(error) }
        return Response(status: .ok)
    }

    /// The path's `:dpid`, in decimal.
    private static func datapath(_ context: BasicRequestContext) throws(RESTError) -> DatapathID {
        guard let text = context.parameters.get("dpid"), let value = UInt64(text) else {
            throw .badRequest("dpid: expected a decimal datapath id")
        }
        return DatapathID(value)
    }
}
