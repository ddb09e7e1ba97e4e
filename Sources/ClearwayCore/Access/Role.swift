/// Who a caller is allowed to be. Roles are not a ladder: an integration key can post
/// events but cannot read cases, and a viewer can read but not touch anything.
public enum Role: String, Sendable, Codable, CaseIterable, Hashable {
    case viewer, agent, approver, supervisor, admin, integration
    /// Approves price overrides only; a credit approver approves credit releases only.
    case pricingApprover = "pricing_approver", creditApprover = "credit_approver"

    public var permissions: Set<Permission> {
        switch self {
        case .viewer: [.readCases, .readMetrics]
        case .agent: [.readCases, .readMetrics, .workExceptions]
        case .approver, .pricingApprover, .creditApprover: [.readCases, .readMetrics, .workExceptions, .approveActions]
        case .supervisor: [.readCases, .readMetrics, .workExceptions, .approveActions, .assignOthers, .readDeadLetters, .replayDeadLetters, .overridePolicy]
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
    /// Force or skip an action against policy, with a reason (flagged in the audit log).
    case overridePolicy
    /// Put a model version in service or roll it back.
    case manageModels
}

extension Role {
    /// Approval strength: a supervisor's approval covers everything an approver's does.
    public var approvalRank: Int {
        switch self {
        case .admin: 4
        case .supervisor: 3
        case .approver: 2
        case .pricingApprover, .creditApprover: 1
        default: 0
        }
    }

    /// Where an approval waiting too long for this role goes next: a pricing or credit
    /// approver's to an approver, then a supervisor, then an admin.
    public var nextApprover: Role? {
        switch self {
        case .pricingApprover, .creditApprover: .approver
        case .approver: .supervisor
        case .supervisor: .admin
        default: nil
        }
    }

    /// Whether this role may decide an approval that policy assigns to `required`.
    public func canApprove(_ required: Role) -> Bool {
        guard allows(.approveActions) else { return false }
        if self == required { return true }
        switch self {
        case .admin, .supervisor: return true
        case .approver: return required == .pricingApprover || required == .creditApprover
        default: return false
        }
    }
}

extension Permission {
    /// What the permission allows, as a sentence ends: "Role viewer may not …".
    public var phrase: String {
        switch self {
        case .readCases: "read cases and queues"
        case .readMetrics: "read metrics"
        case .workExceptions: "work on exceptions"
        case .assignOthers: "assign exceptions to others"
        case .approveActions: "approve actions"
        case .ingestEvents: "send events"
        case .readDeadLetters: "read dead letters"
        case .replayDeadLetters: "replay dead letters"
        case .manageKeys: "manage API keys"
        case .overridePolicy: "override policy"
        case .manageModels: "change which model serves"
        }
    }
}
