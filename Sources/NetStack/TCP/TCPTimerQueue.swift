import Scheduler

/// The earliest deadline of each connection slot, in an indexed binary min-heap: a slot's
/// deadline moves (on nearly every ACK) in O(log n) with no allocation, and the layer's
/// next deadline is the top. Arrays are sized once for the slot count.
struct TCPTimerQueue {
    private var heap: [Int32] = []
    /// Where each slot sits in `heap`, or -1.
    private var position: [Int32]
    private var deadline: [Instant]

    init(slots: Int) {
        heap.reserveCapacity(slots)
        position = [Int32](repeating: -1, count: slots)
        deadline = [Instant](repeating: .zero, count: slots)
    }

    var earliest: Instant? { heap.first.map { deadline[Int($0)] } }

    /// The slot whose deadline is earliest, if it is due at `now`.
    func due(now: Instant) -> Int? {
        guard let top = heap.first, deadline[Int(top)] <= now else { return nil }
        return Int(top)
    }

    /// Sets or clears a slot's deadline.
    mutating func set(_ slot: Int, _ when: Instant?) {
        let at = Int(position[slot])
        guard let when else {
            if at >= 0 { remove(at: at) }
            return
        }
        deadline[slot] = when
        if at < 0 {
            position[slot] = Int32(heap.count)
            heap.append(Int32(slot))
            siftUp(heap.count &- 1)
        } else {
            siftUp(at)
            siftDown(Int(position[slot]))
        }
    }

    private mutating func remove(at index: Int) {
        let slot = Int(heap[index])
        position[slot] = -1
        let last = heap.removeLast()
        guard index < heap.count else { return }
        heap[index] = last
        position[Int(last)] = Int32(index)
        siftUp(index)
        siftDown(Int(position[Int(last)]))
    }

    private func before(_ a: Int, _ b: Int) -> Bool {
        deadline[Int(heap[a])] < deadline[Int(heap[b])]
    }

    private mutating func swapEntries(_ a: Int, _ b: Int) {
        heap.swapAt(a, b)
        position[Int(heap[a])] = Int32(a)
        position[Int(heap[b])] = Int32(b)
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child &- 1) / 2
            guard before(child, parent) else { return }
            swapEntries(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 &* parent &+ 1
            guard left < heap.count else { return }
            var smallest = left
            if left &+ 1 < heap.count, before(left &+ 1, left) { smallest = left &+ 1 }
            guard before(smallest, parent) else { return }
            swapEntries(parent, smallest)
            parent = smallest
        }
    }
}
