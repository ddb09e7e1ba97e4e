import ClearwayCore
import Foundation

/// The policy that ships with Clearway (`policy/default.yaml` in the repository).
public enum DefaultPolicy {
    public static var url: URL? { Bundle.module.url(forResource: "default-policy", withExtension: "yaml") }

    public static func load() throws -> Policy {
        guard let url else { throw EngineError.notFound(what: "bundled policy", id: "default-policy.yaml") }
        return try PolicyParser.load(contentsOf: url)
    }
}
