/// Who is acting: an API key (system or script) or a signed-in person, with one role.
public struct Principal: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var role: Role
    /// For an integration key bound to source systems: the `source` names it may send as
    /// (nil: not bound).
    public var systems: Set<String>?
    /// For a key bound to EDI trading partners: the partner keys whose documents it may
    /// read (nil: not bound).
    public var partners: Set<String>?

    public init(id: String, name: String, role: Role, systems: Set<String>? = nil, partners: Set<String>? = nil) {
        self.id = id; self.name = name; self.role = role; self.systems = systems; self.partners = partners
    }

    /// Whether this principal may send events as `source`.
    public func speaks(for source: String) -> Bool { systems?.contains(source) ?? true }

    /// Whoever runs Clearway's command line on the host: an administrator, named in the
    /// audit log by the command or the person given.
    public static func localOperator(_ name: String) -> Principal {
        Principal(id: "cli:\(name)", name: name, role: .admin)
    }

    /// How the audit log names this actor.
    public var auditName: String { "\(name) (\(id))" }
}

extension Principal {
    /// Why this principal may not use `permission`, or nil when it may.
    public func refusal(_ permission: Permission) -> String? {
        role.allows(permission) ? nil : "role \(role.rawValue) may not \(permission.phrase)"
    }
}
