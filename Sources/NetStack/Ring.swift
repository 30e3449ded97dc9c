/// A FIFO of at most `capacity` elements in storage allocated once.
struct Ring<Element> {
    private var storage: [Element?]
    private var head = 0
    private(set) var count = 0

    init(capacity: Int) {
        storage = [Element?](repeating: nil, count: Swift.max(capacity, 1))
    }

    var isEmpty: Bool { count == 0 }
    var isFull: Bool { count == storage.count }

    /// False (and nothing stored) when full.
    @discardableResult
    mutating func push(_ element: Element) -> Bool {
        guard !isFull else { return false }
        storage[(head &+ count) % storage.count] = element
        count &+= 1
        return true
    }

    var first: Element? { count == 0 ? nil : storage[head] }

    mutating func pop() -> Element? {
        guard count > 0 else { return nil }
        let element = storage[head]
        storage[head] = nil
        head = (head &+ 1) % storage.count
        count &-= 1
        return element
    }

    mutating func removeAll() {
        while pop() != nil {}
        head = 0
    }
}
