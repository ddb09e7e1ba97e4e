import ClearwayCore
import ClearwayStore

extension ClearwayEngine {
    /// Issues a new API key as the operator of this node (the command line, the demo): its
    /// secret is returned once and only its hash is stored; audited with `actor`.
    public func issueAPIKey(name: String, role: Role, actor: String, systems: [String]? = nil,
                            partners: [String]? = nil) async throws -> (key: APIKey, secret: String) {
        let secret = APIKeySecret.generate()
        let key = try await database.createAPIKey(name: name, role: role, secret: secret, at: clock.now(), by: actor,
                                                  systems: systems, partners: partners)
        return (key, secret)
    }
}
