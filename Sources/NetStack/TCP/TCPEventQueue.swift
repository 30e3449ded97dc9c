/// Events waiting for the application. The array keeps its capacity when drained, so
/// steady traffic queues events without allocating.
struct TCPEventQueue {
    private var events: [TCPEvent] = []
    private var head = 0

    mutating func append(_ event: TCPEvent) { events.append(event) }

    mutating func popFirst() -> TCPEvent? {
        guard head < events.count else { return nil }
        let event = events[head]
        head &+= 1
        if head == events.count {
            events.removeAll(keepingCapacity: true)
            head = 0
        }
        return event
    }
}
