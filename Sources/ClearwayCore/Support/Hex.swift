import Crypto
import Foundation

/// Lower-case hexadecimal text of bytes (digests, tokens), two digits per byte.
public enum Hex {
    /// The SHA-256 of `data`, in lower-case hex.
    public static func sha256(_ data: Data) -> String { string(SHA256.hash(data: data)) }

    private static let digits = Array("0123456789abcdef".utf8)

    public static func string<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var text: [UInt8] = []
        text.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
