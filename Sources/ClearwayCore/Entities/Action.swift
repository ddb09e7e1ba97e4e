/// One action on one exception: what was asked, by whom, what the guardrails said, who
/// approved it, and what the source system answered.
public struct ActionRecord: Sendable, Codable, Hashable {
    public var id: String
    public var caseId: String
    public var exceptionId: String
    public var parameters: ActionParameters
    public var state: ActionState
    public var system: String
    /// The requester as the audit log names them; `requesterId` is what four-eyes compares.
    public var requestedBy: String
    public var requesterId: String
    public var requestedAt: Instant
    /// The touchless rule that proposed it, if any.
    public var ruleId: String?
    /// Set when a supervisor forced it against policy.
    public var overrideReason: String?
    public var approval: ApprovalRequirement?
    public var decidedBy: String?
    public var decidedAt: Instant?
    public var decisionReason: String?
    public var checks: [GuardrailCheck]
    public var impact: ActionImpact
    public var attempts: Int
    public var lastError: String?
    public var result: JSONValue?
    public var completedAt: Instant?
    public var updatedAt: Instant

    public init(id: String, caseId: String, exceptionId: String, parameters: ActionParameters, state: ActionState, system: String,
                requestedBy: String, requesterId: String, requestedAt: Instant, ruleId: String?, overrideReason: String?,
                approval: ApprovalRequirement?, checks: [GuardrailCheck], impact: ActionImpact) {
        self.id = id; self.caseId = caseId; self.exceptionId = exceptionId; self.parameters = parameters; self.state = state
        self.system = system; self.requestedBy = requestedBy; self.requesterId = requesterId; self.requestedAt = requestedAt
        self.ruleId = ruleId; self.overrideReason = overrideReason; self.approval = approval; self.checks = checks
        self.impact = impact; self.attempts = 0; self.updatedAt = requestedAt
    }

    public var kind: ActionKind { parameters.kind }
    public var isTouchless: Bool { ruleId != nil && requesterId.hasPrefix("system:") }
}
