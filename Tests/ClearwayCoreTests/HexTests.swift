import ClearwayCore
import Testing

@Suite struct HexTests {
    @Test("bytes become two lower-case digits each, leading zeros kept")
    func digits() {
        #expect(Hex.string([UInt8]()) == "")
        #expect(Hex.string([0x00, 0x0f, 0xa0, 0xff]) == "000fa0ff")
        #expect(Hex.string((0...255).map(UInt8.init)).count == 512)
        #expect(Hex.string((0...255).map(UInt8.init)).hasSuffix("fdfeff"))
    }
}
