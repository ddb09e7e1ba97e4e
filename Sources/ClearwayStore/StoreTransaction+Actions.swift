import ClearwayCore
import Foundation
import SQLKit

/// Actions and the outbox.
extension StoreTransaction {
    /// Queues a new action; it is inserted with the transaction's other new actions, in one
    /// statement, before the transaction reads actions again or commits. An update made to
    /// it in the meantime changes what will be inserted.
    public func insertAction(_ a: ActionRecord) async throws {
        deferred.withLock { $0.actions.queue(a, for: a.id) }
    }

    public func updateAction(_ a: ActionRecord) async throws {
        // An action still waiting to be inserted is inserted as it now stands.
        guard !deferred.withLock({ $0.actions.replace(a, for: a.id) }) else { return }
        try await sql.raw("""
            UPDATE actions SET state = \(bind: a.state.rawValue), approval = \(bind: try a.approval.map(JSONText.encode)),
                decided_by = \(bind: a.decidedBy), decided_at = \(bind: a.decidedAt?.millis), decision_reason = \(bind: a.decisionReason),
                assessment = \(bind: try ActionRow.assessment(a)), attempts = \(bind: a.attempts), last_error = \(bind: a.lastError),
                result = \(bind: a.result?.canonicalString()), completed_at = \(bind: a.completedAt?.millis), updated_at = \(bind: a.updatedAt.millis),
                override_reason = \(bind: a.overrideReason)
            WHERE id = \(bind: a.id)
            """).run()
    }

    static let actionColumns = """
        INSERT INTO actions (id, case_id, exception_id, kind, parameters, state, system, requested_by, requester_id, requested_at,
            rule_id, override_reason, approval, decided_by, decided_at, decision_reason, assessment, attempts, last_error, result,
            completed_at, updated_at) VALUES
        """

    /// One action's row for `actionColumns`.
    static func actionRow(_ a: ActionRecord) throws -> SQLQueryString {
        """
        (\(bind: a.id), \(bind: a.caseId), \(bind: a.exceptionId), \(bind: a.kind.rawValue), \(bind: try JSONText.encode(a.parameters)),
            \(bind: a.state.rawValue), \(bind: a.system), \(bind: a.requestedBy), \(bind: a.requesterId), \(bind: a.requestedAt.millis),
            \(bind: a.ruleId), \(bind: a.overrideReason), \(bind: try a.approval.map(JSONText.encode)), \(bind: a.decidedBy),
            \(bind: a.decidedAt?.millis), \(bind: a.decisionReason), \(bind: try ActionRow.assessment(a)), \(bind: a.attempts),
            \(bind: a.lastError), \(bind: a.result?.canonicalString()), \(bind: a.completedAt?.millis), \(bind: a.updatedAt.millis))
        """
    }

    /// The action, locked for update on PostgreSQL.
    public func action(_ id: String) async throws -> ActionRecord? {
        if let pending = deferred.withLock({ $0.actions[id] }) { return pending }
        return try await sql.raw("SELECT * FROM actions WHERE id = \(bind: id)\(unsafeRaw: dialect.forUpdate)").first().map(ActionRow.decode)
    }

    public func actions(exceptionId: String) async throws -> [ActionRecord] {
        try await flushDeferredRows()
        return try await sql.raw("SELECT * FROM actions WHERE exception_id = \(bind: exceptionId) ORDER BY requested_at, id").all().map(ActionRow.decode)
    }

    /// Queues a delivery; like an action, it is inserted with the others before the
    /// transaction reads the outbox again or commits.
    public func insertOutbox(_ o: Delivery) async throws {
        deferred.withLock { $0.outbox.queue(o, for: o.id) }
    }

    public func updateOutbox(_ o: Delivery) async throws {
        guard !deferred.withLock({ $0.outbox.replace(o, for: o.id) }) else { return }
        try await sql.raw("""
            UPDATE outbox SET state = \(bind: o.state.rawValue), attempts = \(bind: o.attempts), next_attempt_at = \(bind: o.nextAttemptAt.millis),
                lease_until = NULL, last_error = \(bind: o.lastError), delivered_at = \(bind: o.deliveredAt?.millis)
            WHERE id = \(bind: o.id)
            """).run()
    }

    static let outboxColumns = """
        INSERT INTO outbox (id, action_id, kind, target, payload, idempotency_key, state, attempts, next_attempt_at, lease_until,
            last_error, created_at, delivered_at, traceparent, tracestate) VALUES
        """

    /// One delivery's row for `outboxColumns`.
    static func outboxRow(_ o: Delivery) -> SQLQueryString {
        """
        (\(bind: o.id), \(bind: o.actionId), \(bind: o.kind.rawValue), \(bind: o.target), \(bind: o.payload.canonicalString()),
            \(bind: o.idempotencyKey), \(bind: o.state.rawValue), \(bind: o.attempts), \(bind: o.nextAttemptAt.millis), NULL,
            \(bind: o.lastError), \(bind: o.createdAt.millis), \(bind: o.deliveredAt?.millis), \(bind: o.trace?.traceparent),
            \(bind: o.trace?.tracestate))
        """
    }

    public func outbox(_ id: String) async throws -> Delivery? {
        try await flushDeferredRows()
        return try await sql.raw("SELECT * FROM outbox WHERE id = \(bind: id)\(unsafeRaw: dialect.forUpdate)").first().map(OutboxRow.decode)
    }

    public func outbox(actionId: String) async throws -> Delivery? {
        try await flushDeferredRows()
        return try await sql.raw("SELECT * FROM outbox WHERE action_id = \(bind: actionId) ORDER BY created_at DESC\(unsafeRaw: dialect.forUpdate)").first().map(OutboxRow.decode)
    }

    /// Leases up to `limit` due deliveries for `leaseSeconds`. A node that dies mid-delivery
    /// leaves its lease to expire and another node delivers again with the same
    /// idempotency key. On PostgreSQL other nodes skip the locked rows.
    public func leaseDueOutbox(now: Instant, limit: Int, leaseSeconds: Double, skipping targets: Set<String>) async throws -> [Delivery] {
        try await flushDeferredRows()
        let skip = dialect == .postgres ? " FOR UPDATE SKIP LOCKED" : ""
        let waiting = targets.isEmpty ? SQLQueryString("") : " AND target NOT IN (\(binds: targets.sorted()))"
        let rows = try await sql.raw("""
            SELECT * FROM outbox WHERE state = 'pending' AND next_attempt_at <= \(bind: now.millis)
                AND (lease_until IS NULL OR lease_until <= \(bind: now.millis))\(waiting)
            ORDER BY next_attempt_at, id LIMIT \(bind: limit)\(unsafeRaw: skip)
            """).all().map(OutboxRow.decode)
        let until = now.adding(seconds: leaseSeconds).millis
        for row in rows {
            try await sql.raw("UPDATE outbox SET lease_until = \(bind: until) WHERE id = \(bind: row.id)").run()
        }
        return rows
    }
}

enum ActionRow {
    struct Assessment: Codable { var checks: [GuardrailCheck]; var impact: ActionImpact }

    static func assessment(_ a: ActionRecord) throws -> String { try JSONText.encode(Assessment(checks: a.checks, impact: a.impact)) }

    static func decode(_ row: any SQLRow) throws -> ActionRecord {
        let assessment = try JSONText.decode(Assessment.self, row.decode(column: "assessment", as: String.self))
        var a = ActionRecord(
            id: try row.decode(column: "id", as: String.self), caseId: try row.decode(column: "case_id", as: String.self),
            exceptionId: try row.decode(column: "exception_id", as: String.self),
            parameters: try JSONText.decode(ActionParameters.self, row.decode(column: "parameters", as: String.self)),
            state: try ActionState(rawValue: row.decode(column: "state", as: String.self)).orThrow("action state"),
            system: try row.decode(column: "system", as: String.self), requestedBy: try row.decode(column: "requested_by", as: String.self),
            requesterId: try row.decode(column: "requester_id", as: String.self),
            requestedAt: Instant(millis: try row.decode(column: "requested_at", as: Int64.self)),
            ruleId: try row.decode(column: "rule_id", as: String?.self), overrideReason: try row.decode(column: "override_reason", as: String?.self),
            approval: try row.decode(column: "approval", as: String?.self).map { try JSONText.decode(ApprovalRequirement.self, $0) },
            checks: assessment.checks, impact: assessment.impact)
        a.decidedBy = try row.decode(column: "decided_by", as: String?.self)
        a.decidedAt = try row.decode(column: "decided_at", as: Int64?.self).map(Instant.init(millis:))
        a.decisionReason = try row.decode(column: "decision_reason", as: String?.self)
        a.attempts = Int(try row.decode(column: "attempts", as: Int64.self))
        a.lastError = try row.decode(column: "last_error", as: String?.self)
        a.result = try row.decode(column: "result", as: String?.self).flatMap { JSONValue.parse(Data($0.utf8)) }
        a.completedAt = try row.decode(column: "completed_at", as: Int64?.self).map(Instant.init(millis:))
        a.updatedAt = Instant(millis: try row.decode(column: "updated_at", as: Int64.self))
        return a
    }
}

enum OutboxRow {
    static func decode(_ row: any SQLRow) throws -> Delivery {
        var o = Delivery(
            id: try row.decode(column: "id", as: String.self), actionId: try row.decode(column: "action_id", as: String?.self),
            kind: try Delivery.Kind(rawValue: row.decode(column: "kind", as: String.self)).orThrow("outbox kind"),
            target: try row.decode(column: "target", as: String.self),
            payload: try JSONValue.parse(Data(row.decode(column: "payload", as: String.self).utf8)).orThrow("outbox payload"),
            idempotencyKey: try row.decode(column: "idempotency_key", as: String.self),
            createdAt: Instant(millis: try row.decode(column: "created_at", as: Int64.self)))
        o.state = try Delivery.State(rawValue: row.decode(column: "state", as: String.self)).orThrow("outbox state")
        o.attempts = Int(try row.decode(column: "attempts", as: Int64.self))
        o.nextAttemptAt = Instant(millis: try row.decode(column: "next_attempt_at", as: Int64.self))
        o.lastError = try row.decode(column: "last_error", as: String?.self)
        o.deliveredAt = try row.decode(column: "delivered_at", as: Int64?.self).map(Instant.init(millis:))
        o.leaseUntil = try row.decode(column: "lease_until", as: Int64?.self).map(Instant.init(millis:))
        o.trace = try TraceRow.decode(row)
        return o
    }
}

/// The trace context columns a row keeps (`traceparent`, `tracestate`).
enum TraceRow {
    static func decode(_ row: any SQLRow) throws -> TraceContext? {
        guard row.contains(column: "traceparent"), let parent = try row.decode(column: "traceparent", as: String?.self) else { return nil }
        return TraceContext(traceparent: parent, tracestate: try row.decode(column: "tracestate", as: String?.self))
    }
}

/// Reference reads that guardrails need beyond what detection reads.
extension StoreTransaction {
    /// Stock of `skus` at every site: site → SKU → position.
    public func inventoryAtAllSites(skus: Set<String>) async throws -> [String: [String: InventoryPosition]] {
        guard !skus.isEmpty else { return [:] }
        let rows = try await sql.raw("SELECT doc FROM inventory WHERE sku IN (\(binds: skus.sorted()))").all()
        var result: [String: [String: InventoryPosition]] = [:]
        for row in rows {
            let p = try JSONText.decode(InventoryPosition.self, row.decode(column: "doc", as: String.self))
            result[p.site, default: [:]][p.sku] = p
        }
        return result
    }

    /// Capacity reported on a lane for ship dates from `from` on.
    public func capacity(lane: String, from: LocalDate) async throws -> [CarrierCapacity] {
        try await sql.raw("SELECT doc FROM carrier_capacity WHERE lane = \(bind: lane) AND ship_date >= \(bind: from.description) ORDER BY ship_date LIMIT 200")
            .all().map { try JSONText.decode(CarrierCapacity.self, $0.decode(column: "doc", as: String.self)) }
    }

    /// Whether the action's delivery has been tried at least once (or is being tried now).
    public func deliveryStarted(actionId: String) async throws -> Bool {
        try await flushDeferredRows()
        return try await sql.raw("""
            SELECT 1 AS n FROM outbox WHERE action_id = \(bind: actionId)
            AND (attempts > 0 OR lease_until IS NOT NULL OR state = 'delivered')
            """).first() != nil
    }
}
