import Foundation

/// One append-only audit row. `seq`, `prevHash` and `hash` are assigned when it is written.
public struct AuditEntry: Sendable, Codable, Hashable {
    public var seq: Int64
    public var at: Instant
    /// `user:ID`, `key:ID`, `system:ingest`, `system:timers` …
    public var actor: String
    public var caseId: String?
    public var exceptionId: String?
    public var action: String
    public var before: String?
    public var after: String?
    public var reason: String?
    public var detail: JSONValue?
    public var policyVersion: String
    public var prevHash: String
    public var hash: String
    /// The trace of the work that made this change, for the webhooks it queues; not part of
    /// the hashed record.
    public var trace: TraceContext?

    public init(at: Instant, actor: String, caseId: String?, exceptionId: String?, action: String, before: String? = nil,
                after: String? = nil, reason: String? = nil, detail: JSONValue? = nil, policyVersion: String) {
        self.seq = 0; self.at = at; self.actor = actor; self.caseId = caseId; self.exceptionId = exceptionId
        self.action = action; self.before = before; self.after = after; self.reason = reason; self.detail = detail
        self.policyVersion = policyVersion; self.prevHash = ""; self.hash = ""
    }
}
