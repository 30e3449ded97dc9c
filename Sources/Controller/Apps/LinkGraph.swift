import OpenFlow

/// The switches and the links between them as an undirected graph, built once per
/// topology change: a link known in one direction only still carries frames both ways.
/// Neighbours are kept in (datapath, port) order, so the trees built from it are the
/// same on every run.
struct LinkGraph {
    struct Neighbour {
        var localPort: PortNumber
        var datapath: DatapathID
        var remotePort: PortNumber
    }

    /// One step toward a destination switch: out of `port`, arriving at `next`.
    struct Hop {
        var port: PortNumber
        var next: DatapathID
    }

    private(set) var neighbours: [DatapathID: [Neighbour]] = [:]

    init() {}

    init(_ topology: Topology) {
        for id in topology.switches.keys { neighbours[id] = [] }
        for link in topology.links {
            add(link.source, link.destination)
            add(link.destination, link.source)
        }
        for id in neighbours.keys {
            neighbours[id]!.sort { ($0.datapath, $0.localPort) < ($1.datapath, $1.localPort) }
        }
    }

    private mutating func add(_ local: PortLocation, _ remote: PortLocation) {
        guard neighbours[local.datapath] != nil, neighbours[remote.datapath] != nil else { return }
        let known = neighbours[local.datapath]!.contains { $0.localPort == local.port }
        if !known { neighbours[local.datapath]!.append(Neighbour(localPort: local.port, datapath: remote.datapath, remotePort: remote.port)) }
    }

    /// The ports of a breadth-first spanning forest, each tree rooted at its lowest
    /// datapath id: both ends of every tree link. Floods use these and no other links.
    func spanningTreePorts() -> Set<PortLocation> {
        var ports: Set<PortLocation> = []
        var visited: Set<DatapathID> = []
        for root in neighbours.keys.sorted() where !visited.contains(root) {
            breadthFirst(from: root, visited: &visited) { here, neighbour in
                ports.insert(PortLocation(here, neighbour.localPort))
                ports.insert(PortLocation(neighbour.datapath, neighbour.remotePort))
            }
        }
        return ports
    }

    /// For every switch that can reach `destination`, its first hop on a shortest path
    /// there (breadth first from the destination). The destination itself has none.
    func hops(toward destination: DatapathID) -> [DatapathID: Hop] {
        var hops: [DatapathID: Hop] = [:]
        guard neighbours[destination] != nil else { return hops }
        var visited: Set<DatapathID> = []
        breadthFirst(from: destination, visited: &visited) { here, neighbour in
            hops[neighbour.datapath] = Hop(port: neighbour.remotePort, next: here)
        }
        return hops
    }

    /// Visits breadth first from `root` every switch not yet in `visited`, calling
    /// `reached` with the switch it was reached from and the neighbour entry that led on.
    private func breadthFirst(
        from root: DatapathID, visited: inout Set<DatapathID>, _ reached: (DatapathID, Neighbour) -> Void
    ) {
        visited.insert(root)
        var queue = [root]
        var head = 0
        while head < queue.count {
            let here = queue[head]
            head += 1
            for neighbour in neighbours[here]! where !visited.contains(neighbour.datapath) {
                visited.insert(neighbour.datapath)
                queue.append(neighbour.datapath)
                reached(here, neighbour)
            }
        }
    }
}
