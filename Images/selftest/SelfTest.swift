import UnikernelHost

/// Counts checks and prints one line per failure; the last line, `selftest: N passed,
/// M failed`, is what the lab reads.
struct SelfTest {
    private(set) var passed = 0
    private(set) var failed = 0

    mutating func check(_ condition: Bool, _ name: StaticString) {
        if condition {
            passed += 1
            Console.write("  ok   ")
        } else {
            failed += 1
            Console.write("  FAIL ")
        }
        Console.write(name)
        Console.write("\n")
    }

    func summary() {
        Console.write("selftest: ")
        Console.write(passed)
        Console.write(" passed, ")
        Console.write(failed)
        Console.write(" failed\n")
    }
}
