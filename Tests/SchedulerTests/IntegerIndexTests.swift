import Scheduler
import Testing

/// The hash tables held against a `Dictionary` doing the same operations.
@Suite struct IntegerIndexTests {
    /// A deterministic key stream (xorshift), dense enough in few bits to collide often.
    struct Keys {
        var state: UInt64
        mutating func next(bits: Int) -> UInt64 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return state & ((1 << UInt64(bits)) - 1)
        }
    }

    @Test(arguments: [0 as UInt64, 0x9e37_79b9_7f4a_7c15])
    func matchesADictionaryThroughInsertsReplacementsAndRemovals(seed: UInt64) {
        var index = IntegerIndex(seed: seed)
        var reference: [UInt64: Int] = [:]
        var keys = Keys(state: 0x1234_5678 ^ seed | 1)
        for step in 0..<20_000 {
            let key = keys.next(bits: 9)
            if step % 3 == 0 {
                let removed = index.removeValue(forKey: key)
                #expect(removed == reference.removeValue(forKey: key))
            } else {
                index[key] = step
                reference[key] = step
            }
            #expect(index.count == reference.count)
        }
        for key in 0..<UInt64(512) { #expect(index[key] == reference[key]) }
        var seen: [UInt64: Int] = [:]
        index.forEach { key, value in seen[key] = value }
        #expect(seen == reference)
        #expect(Set(index.keys) == Set(reference.keys))
    }

    @Test func emptiesAndRefills() {
        var index = IntegerIndex()
        #expect(index[7] == nil)
        #expect(index.removeValue(forKey: 7) == nil)
        for key in 0..<UInt64(100) { index[key &* 0x1_0000_0001] = Int(key) }
        index.removeAll()
        #expect(index.isEmpty)
        #expect(index[5 &* 0x1_0000_0001] == nil)
        index[UInt64.max] = -1
        #expect(index[UInt64.max] == -1)
        #expect(index.count == 1)
    }

    @Test func dictionaryKeepsValuesPackedAndPositionsStable() {
        var table = IntegerDictionary<String>()
        var reference: [UInt64: String] = [:]
        var keys = Keys(state: 99)
        for step in 0..<5_000 {
            let key = keys.next(bits: 7)
            if step % 4 == 0 {
                #expect(table.removeValue(forKey: key) == reference.removeValue(forKey: key))
            } else {
                table[key] = "v\(step)"
                reference[key] = "v\(step)"
            }
        }
        #expect(table.count == reference.count)
        #expect(table.keys.count == table.values.count)
        for (key, value) in zip(table.keys, table.values) {
            #expect(reference[key] == value)
            #expect(table.position(of: key).map { table[at: $0] } == value)
        }
        for key in 0..<UInt64(128) { #expect(table[key] == reference[key]) }
    }

    @Test func dictionaryChangesAValueInPlace() {
        var table = IntegerDictionary<[Int]>()
        let position = table.insert(3, [1])
        table[at: position].append(2)
        #expect(table[3] == [1, 2])
        table[3] = nil
        #expect(table.isEmpty)
    }
}
