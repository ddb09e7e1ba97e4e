/// Who a caller is allowed to be. Roles are not a ladder: an integration key can post
/// events but cannot read cases, and a viewer can read but not touch anything.
public enum Role: String, Sendable, Codable, CaseIterable, Hashable {
    case viewer, agent, approver, supervisor, admin, integration

    public var permissions: Set<Permission> {
        switch self {
        case .viewer: [.readCases, .readMetrics]
        case .agent: [.readCases, .readMetrics, .workExceptions]
        case .approver: [.readCases, .readMetrics, .workExceptions, .approveActions]
        case .supervisor: [.readCases, .readMetrics, .workExceptions, .approveActions, .assignOthers, .readDeadLetters, .replayDeadLetters]
        case .admin: Set(Permission.allCases)
        case .integration: [.ingestEvents, .readDeadLetters, .replayDeadLetters, .readMetrics]
        }
    }

    public func allows(_ permission: Permission) -> Bool { permissions.contains(permission) }
}

/// One thing an API call may need to be allowed to do.
public enum Permission: String, Sendable, Codable, CaseIterable, Hashable {
    case readCases, readMetrics, workExceptions, assignOthers, approveActions
    case ingestEvents, readDeadLetters, replayDeadLetters, manageKeys
}
