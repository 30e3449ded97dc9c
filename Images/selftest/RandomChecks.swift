import CUnikernel
import UnikernelHost

/// arc4random_buf comes from the CPU's generator, and looks like it.
func checkRandomness(_ test: inout SelfTest) {
    let source = uk_random_source()
    Console.write(source == 2 ? "  random source: RDSEED\n" : source == 1 ? "  random source: RDRAND\n" : "  random source: none (TSC fallback)\n")
    test.check(source > 0, "random: a hardware source (RDSEED or RDRAND)")
    var a: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    var b = a
    withUnsafeMutableBytes(of: &a) { arc4random_buf($0.baseAddress, $0.count) }
    withUnsafeMutableBytes(of: &b) { arc4random_buf($0.baseAddress, $0.count) }
    test.check(a != b, "random: two draws differ")
    var ones = 0
    for _ in 0..<512 {
        var word: UInt64 = 0
        withUnsafeMutableBytes(of: &word) { arc4random_buf($0.baseAddress, $0.count) }
        ones += word.nonzeroBitCount
    }
    test.check(ones > 14_745 && ones < 18_022, "random: 32768 bits are 45-55% ones")
}
