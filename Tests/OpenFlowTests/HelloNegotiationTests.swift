import OpenFlow
import Testing

@Suite struct HelloNegotiationTests {
    /// A HELLO body with one version bitmap element whose first word is `word`.
    private func bitmap(_ word: UInt32) -> ArraySlice<UInt8> {
        [0, 1, 0, 8, UInt8(word >> 24), UInt8(word >> 16 & 0xff), UInt8(word >> 8 & 0xff), UInt8(word & 0xff)]
    }

    @Test func headerVersionAloneAgreesFromOneUp() {
        #expect(Hello().refusalOfVersion10(headerVersion: 1) == nil)
        #expect(Hello().refusalOfVersion10(headerVersion: 6) == nil)  // Open vSwitch offering 1.0-1.5
        #expect(Hello().refusalOfVersion10(headerVersion: 0)?.contains("version 0") == true)
    }

    @Test func aVersionBitmapDecides() {
        #expect(Hello(body: bitmap(0b1_0010)).refusalOfVersion10(headerVersion: 4) == nil)
        #expect(Hello(body: bitmap(0b1_0000)).refusalOfVersion10(headerVersion: 4)?.contains("bitmap") == true)
    }

    @Test func anUnknownElementIsSkippedAndAMalformedOneIgnored() {
        let unknown: ArraySlice<UInt8> = [0, 9, 0, 4, 0, 0, 0, 0]  // padded to 8
        #expect(Hello(body: unknown + bitmap(0b1_0000)).refusalOfVersion10(headerVersion: 4) != nil)
        let malformed: ArraySlice<UInt8> = [0, 1, 0, 40, 0, 0, 0, 0b10]  // longer than the body
        #expect(Hello(body: malformed).refusalOfVersion10(headerVersion: 4) == nil)
    }
}
