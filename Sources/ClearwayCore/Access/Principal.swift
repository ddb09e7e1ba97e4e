/// Who is acting: an API key (system or script) or a signed-in person, with one role.
public struct Principal: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var role: Role

    public init(id: String, name: String, role: Role) {
        self.id = id; self.name = name; self.role = role
    }

    /// How the audit log names this actor.
    public var auditName: String { "\(name) (\(id))" }
}
