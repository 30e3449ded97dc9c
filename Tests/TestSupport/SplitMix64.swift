/// SplitMix64: a tiny, fast, deterministic generator. Every property test prints its
/// seed on failure, so a failing case can be replayed exactly.
public struct SplitMix64: RandomNumberGenerator {
    private(set) var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    public mutating func bool() -> Bool { next() & 1 == 1 }
    public mutating func u8() -> UInt8 { UInt8(truncatingIfNeeded: next()) }
    public mutating func u16() -> UInt16 { UInt16(truncatingIfNeeded: next()) }
    public mutating func u32() -> UInt32 { UInt32(truncatingIfNeeded: next()) }
    public mutating func u64() -> UInt64 { next() }
    public mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &self) }
    public mutating func int(_ range: Range<Int>) -> Int { Int.random(in: range, using: &self) }

    /// `count` random bytes.
    public mutating func bytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in u8() } }
    public mutating func bytes(upTo limit: Int) -> [UInt8] { bytes(int(0...limit)) }

    /// One of `choices`.
    public mutating func pick<T>(_ choices: [T]) -> T { choices[int(0..<choices.count)] }
}

/// The seed every property test starts from unless it says otherwise.
public let propertySeed: UInt64 = 0x0F10_2024_C0DE_5EED
