/// A table from 64-bit keys to values of any type: the values packed in an array, found
/// through an `IntegerIndex`. Generic over the value only, so each use adds little more
/// than an array of its values to an image, where a `Dictionary` added a hash table's
/// whole code (see `IntegerIndex`).
///
/// Values stay at a position until a removal moves the last one into the hole, so a
/// caller may keep a position across lookups until it removes something. Iteration
/// (`keys`, `values`) is in no particular order.
public struct IntegerDictionary<Value> {
    @usableFromInline var index: IntegerIndex
    public private(set) var keys: [UInt64] = []
    @usableFromInline var storage: [Value]
    public var values: [Value] { storage }

    public init(seed: UInt64 = 0) {
        index = IntegerIndex(seed: seed)
        storage = []
    }

    public var count: Int { storage.count }
    public var isEmpty: Bool { storage.isEmpty }

    /// Where `key`'s value is in `values`, if it is there.
    @inlinable
    public func position(of key: UInt64) -> Int? { index[key] }

    /// The value at a position from `position(of:)` or `insert`, read or changed in place.
    @inlinable
    public subscript(at position: Int) -> Value {
        get { storage[position] }
        _modify { yield &storage[position] }
    }

    /// The value for `key`; assigning nil removes it.
    public subscript(key: UInt64) -> Value? {
        get { index[key].map { storage[$0] } }
        set {
            if let newValue { insert(key, newValue) } else { removeValue(forKey: key) }
        }
    }

    /// Stores `value` for `key` (replacing one there); returns its position.
    @discardableResult
    public mutating func insert(_ key: UInt64, _ value: Value) -> Int {
        if let position = index[key] {
            storage[position] = value
            return position
        }
        index[key] = storage.count
        keys.append(key)
        storage.append(value)
        return storage.count - 1
    }

    /// Removes `key`; returns its value. The last value moves into its position.
    @discardableResult
    public mutating func removeValue(forKey key: UInt64) -> Value? {
        guard let position = index.removeValue(forKey: key) else { return nil }
        let last = storage.count - 1
        if position != last {
            keys.swapAt(position, last)
            storage.swapAt(position, last)
            index[keys[position]] = position
        }
        keys.removeLast()
        return storage.removeLast()
    }

    public mutating func removeAll() {
        index.removeAll()
        keys.removeAll()
        storage.removeAll()
    }
}
