import Crypto
import Foundation

/// The key that seals secrets Clearway must be able to read back (webhook signing
/// secrets), so a copy of the database alone does not reveal them. Give every node the
/// same key: `CLEARWAY_DATA_KEY` (base64 of 32 bytes) or a key file.
public struct DataKey: Sendable {
    /// Raw key bytes (SymmetricKey itself is not Sendable; one is made per use).
    let bytes: [UInt8]
    var key: SymmetricKey { SymmetricKey(data: bytes) }

    public struct Invalid: Error, CustomStringConvertible, Sendable { public var description: String }

    public static func random() -> DataKey { DataKey(bytes: SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }) }

    public init(base64: String) throws {
        guard let data = Data(base64Encoded: base64.trimmingCharacters(in: .whitespacesAndNewlines)), data.count == 32 else {
            throw Invalid(description: "the data key must be the base64 of exactly 32 bytes (e.g. openssl rand -base64 32)")
        }
        bytes = Array(data)
    }

    init(bytes: [UInt8]) { self.bytes = bytes }

    /// Reads the key file, or creates it (readable by its owner only) when it does not exist.
    public static func file(_ path: String) throws -> DataKey {
        if let text = try? String(contentsOfFile: path, encoding: .utf8) { return try DataKey(base64: text) }
        let fresh = DataKey.random()
        let text = Data(fresh.bytes).base64EncodedString() + "\n"
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw Invalid(description: "cannot create the data key file \(path)")
        }
        return fresh
    }

    /// AES-GCM; the result holds nonce, ciphertext and tag as base64.
    public func seal(_ plaintext: String) throws -> String {
        try AES.GCM.seal(Data(plaintext.utf8), using: key).combined.map { $0.base64EncodedString() } ?? ""
    }

    /// Nil when the text was sealed under another key or altered.
    public func open(_ sealed: String) -> String? {
        guard let data = Data(base64Encoded: sealed), let box = try? AES.GCM.SealedBox(combined: data),
              let plain = try? AES.GCM.open(box, using: key) else { return nil }
        return String(data: plain, encoding: .utf8)
    }
}
