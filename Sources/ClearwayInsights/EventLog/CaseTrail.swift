/// Clearway's own record as an object-centric log: every audit entry on a case becomes an
/// event touching its exception, its case and its order, so the same mining that reads an
/// external OCEL log reads Clearway's handling of exceptions, and pm4py or Celonis can read
/// the export.
public enum CaseTrail {
    /// One audit entry, reduced to what the log needs.
    public struct Step: Sendable, Hashable {
        public var seq: Int64
        /// Milliseconds since 1970 UTC.
        public var at: Int64
        public var actor: String
        public var caseId: String
        public var exceptionId: String?
        public var orderId: String?
        public var action: String
        public var before: String?
        public var after: String?
        /// The queue an exception opened in (from the entry's detail).
        public var queue: String?
        /// Business minutes the SLA clock stood still, on the step that resumed it.
        public var pausedMinutes: Double?

        public init(seq: Int64, at: Int64, actor: String, caseId: String, exceptionId: String?, orderId: String?, action: String,
                    before: String? = nil, after: String? = nil, queue: String? = nil) {
            self.seq = seq; self.at = at; self.actor = actor; self.caseId = caseId; self.exceptionId = exceptionId; self.orderId = orderId
            self.action = action; self.before = before; self.after = after; self.queue = queue
        }
    }

    /// Activity names as people read them; a handoff names the queue it went to.
    public static func activity(_ s: Step) -> String {
        switch s.action {
        case "exception.opened": "opened in \(s.queue ?? "a queue")"
        case "exception.rerouted": "moved to \(s.after ?? "another queue")"
        case "exception.assigned": "assigned"
        case "exception.unassigned": "unassigned"
        case "exception.waiting": "waiting"
        case "exception.resumed": "back from waiting"
        case "sla.paused": "SLA clock paused"
        case "sla.resumed": "SLA clock running again"
        case "sla.pause_refused": "SLA pause allowance used up"
        case "escalation.rung_fired": "escalated (\(s.after ?? "a rung"))"
        case "escalation.acknowledged": "escalation acknowledged"
        case "approval.escalated": "approval sent to \(s.after?.replacingOccurrences(of: "_", with: " ") ?? "the next role")"
        case "exception.resolved": "resolved by a person"
        case "exception.auto_resolved": "cleared (cause gone)"
        case "exception.resolved_by_action": "resolved by an action"
        case "exception.reopened": "reopened (cause back)"
        case "exception.cancelled": "cancelled"
        case "exception.evidence_updated": "evidence updated"
        case "touchless.declined": "touchless rule declined"
        case "sla.at_risk": "SLA at risk"
        case "sla.breached": "SLA breached"
        case "action.requested": "action asked"
        case "action.pending_approval": "approval asked"
        case "action.queued": "action queued for delivery"
        case "action.delivered": "action taken by the system"
        case "action.cancelled": "action cancelled"
        case "action.overridden": "action forced by a supervisor"
        case "action.completed": "action carried out"
        case "action.rejected": "action rejected"
        case "action.failed": "action refused by the system"
        case "action.dead_lettered": "action undeliverable"
        case "case.opened": "case opened"
        case "case.state_changed": "case \(s.after?.replacingOccurrences(of: "_", with: " ") ?? "changed")"
        default: s.action
        }
    }

    /// Entries that only restate another (assignee bookkeeping, case comments, who a
    /// notification reached) are left out.
    static let skipped: Set<String> = ["exception.assignee_changed", "case.commented", "notification.created", "notification.unaddressed"]

    public static func log(_ steps: [Step]) -> ObjectCentricLog {
        var log = ObjectCentricLog()
        for type in ["exception", "case", "order"] { log.declare(type: type) }
        for s in steps where !skipped.contains(s.action) {
            var attributes = ["actor": s.actor]
            if let paused = s.pausedMinutes { attributes["pausedMinutes"] = paused == paused.rounded() ? String(Int(paused)) : String(paused) }
            guard let event = try? log.addEvent(id: "audit-\(s.seq)", activity: activity(s), time: s.at, attributes: attributes) else { continue }
            if let e = s.exceptionId { log.relate(event: event, object: log.object(id: e, type: "exception")) }
            log.relate(event: event, object: log.object(id: s.caseId, type: "case"))
            if let o = s.orderId { log.relate(event: event, object: log.object(id: o, type: "order")) }
        }
        return log
    }

    /// Median hours an exception waited in one queue before it moved to another, per pair.
    public static func handoffs(_ steps: [Step]) -> [(from: String, to: String, count: Int, medianHours: Double)] {
        struct Move: Hashable { var from: String; var to: String }
        var since: [String: (queue: String, at: Int64)] = [:]
        var waits: [Move: [Int64]] = [:]
        for s in steps {
            guard let e = s.exceptionId else { continue }
            if s.action == "exception.opened", let q = s.queue { since[e] = (q, s.at) }
            if s.action == "exception.rerouted", let to = s.after {
                let from = since[e]?.queue ?? s.before ?? "?"
                if let start = since[e]?.at { waits[Move(from: from, to: to), default: []].append(s.at - start) }
                since[e] = (to, s.at)
            }
        }
        return waits.map { move, values in (move.from, move.to, values.count, KPIReport.hours(KPIReport.quantile(values, 0.5))) }.sorted { $0.count != $1.count ? $0.count > $1.count : ($0.from, $0.to) < ($1.from, $1.to) }
    }
}
