import CUnikernel

/// The domain's command line (`extra=` in the xl config) as words an image takes one by
/// one, so a word nobody took is a mistake it can report. Words are compared as bytes:
/// String comparison would pull Unicode normalization tables into the image.
public struct BootArguments {
    public private(set) var words: [ArraySlice<UInt8>]

    public init(_ line: [UInt8]) {
        words = line.split(separator: UInt8(ascii: " "))
    }

    /// The command line the loader passed.
    public static var current: BootArguments {
        let line = uk_cmdline()!
        return BootArguments(Array(UnsafeBufferPointer(
            start: UnsafeRawPointer(line).assumingMemoryBound(to: UInt8.self), count: strlen(line))))
    }

    /// Removes the word `flag` and says whether it was there.
    public mutating func take(flag: StaticString) -> Bool {
        guard let index = words.firstIndex(where: { Self.equal($0, flag) }) else { return false }
        words.remove(at: index)
        return true
    }

    /// Removes the first word `KEY=VALUE` (`key` includes the `=`) and returns VALUE.
    public mutating func take(_ key: StaticString) -> ArraySlice<UInt8>? {
        let prefix = UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount)
        guard let index = words.firstIndex(where: { $0.count > prefix.count && $0.prefix(prefix.count).elementsEqual(prefix) })
        else { return nil }
        return words.remove(at: index).dropFirst(prefix.count)
    }

    /// Fails on the first word nobody took.
    public func checkAllTaken() throws(BootArgumentError) {
        if let word = words.first { throw BootArgumentError(word: word, reason: "unknown argument") }
    }

    public static func equal(_ word: ArraySlice<UInt8>, _ text: StaticString) -> Bool {
        word.elementsEqual(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// A decimal number no larger than `limit`, digits only.
    public static func decimal(_ word: ArraySlice<UInt8>, limit: UInt64) -> UInt64? {
        guard !word.isEmpty, word.count <= 20 else { return nil }
        var value: UInt64 = 0
        for unit in word {
            guard unit &- UInt8(ascii: "0") < 10 else { return nil }
            let (times10, overflow) = value.multipliedReportingOverflow(by: 10)
            guard !overflow else { return nil }
            value = times10 &+ UInt64(unit &- UInt8(ascii: "0"))
            guard value <= limit else { return nil }
        }
        return value
    }
}

/// A word of the command line an image cannot use, and why.
public struct BootArgumentError: Error {
    public let word: ArraySlice<UInt8>
    public let reason: StaticString

    public init(word: ArraySlice<UInt8>, reason: StaticString) {
        self.word = word
        self.reason = reason
    }

    /// Prints `IMAGE: bad command line: REASON[: WORD]` and crashes the domain, so the
    /// toolstack sees a failure rather than a guest that idles unconfigured.
    public func fail(_ image: StaticString) -> Never {
        Console.write(image)
        Console.write(": bad command line: ")
        Console.write(reason)
        if !word.isEmpty {
            Console.write(": ")
            word.withUnsafeBytes { Console.write($0) }
        }
        Console.write("\n")
        Shutdown.panic("bad command line")
    }
}
