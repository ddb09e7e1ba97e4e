import Crypto
import Foundation

/// A caller known to Clearway. The secret itself is never stored: only its SHA-256, which
/// is enough for random 256-bit keys (no dictionary to guess from).
public struct APIKey: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var prefix: String
    public var role: Role
    public var createdAt: Instant
    public var revokedAt: Instant?
    /// The source systems this key speaks for (the `source` of its events); nil: any.
    public var systems: [String]? = nil
    /// The EDI partners (`ISA05:ISA06` keys) whose documents this key may read; nil: any.
    public var partners: [String]? = nil

    public init(id: String, name: String, prefix: String, role: Role, createdAt: Instant, revokedAt: Instant?,
                systems: [String]? = nil, partners: [String]? = nil) {
        self.id = id; self.name = name; self.prefix = prefix; self.role = role
        self.createdAt = createdAt; self.revokedAt = revokedAt; self.systems = systems; self.partners = partners
    }

    /// Who the key acts as, with its bindings.
    public var principal: Principal {
        Principal(id: id, name: name, role: role, systems: systems.map(Set.init), partners: partners.map(Set.init))
    }
}

public enum APIKeySecret {
    /// `cw_` + 43 characters of base64url randomness.
    public static func generate() -> String {
        var bytes = [UInt8](repeating: 0, count: 32)
        var rng = SystemRandomNumberGenerator()
        for i in bytes.indices { bytes[i] = UInt8.random(in: 0...255, using: &rng) }
        return "cw_" + URLText.base64URL(Data(bytes))
    }

    public static func hash(_ secret: String) -> String {
        Hex.string(SHA256.hash(data: Data(secret.utf8)))
    }
}
