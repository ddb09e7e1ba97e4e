import ClearwayCore
import SQLKit

/// Cases, their exceptions and SLA timers.
extension StoreTransaction {
    public func openCase(orderKey: String) async throws -> CaseRecord? {
        try await sql.raw("SELECT * FROM cases WHERE order_key = \(bind: orderKey) AND closed_at IS NULL\(unsafeRaw: dialect.forUpdate)").first()
            .map(CaseRow.decode)
    }

    public func caseRecord(_ id: String) async throws -> CaseRecord? {
        try await sql.raw("SELECT * FROM cases WHERE id = \(bind: id)\(unsafeRaw: dialect.forUpdate)").first().map(CaseRow.decode)
    }

    public func insertCase(_ c: CaseRecord) async throws { try await insertCases([c]) }

    /// Inserts cases with a few multi-row statements.
    public func insertCases(_ cases: [CaseRecord]) async throws {
        for chunk in cases.chunked(Self.caseRowsPerStatement) {
            let rows: [SQLQueryString] = chunk.map { c in
                """
                (\(bind: c.id), \(bind: c.orderKey), \(bind: c.orderId), \(bind: c.customerId), \(bind: c.customerTier.rawValue),
                 \(bind: c.segment), \(bind: c.site), \(bind: c.channel), \(bind: c.state.rawValue), \(bind: c.priority),
                 \(bind: c.moneyAtRisk.tenThousandths), \(bind: c.exceptionCount), \(bind: c.openedAt.millis), \(bind: c.updatedAt.millis),
                 \(bind: c.closedAt?.millis), \(bind: c.policyVersion), \(bind: c.trace?.traceparent), \(bind: c.trace?.tracestate))
                """
            }
            try await sql.raw("""
                INSERT INTO cases (id, order_key, order_id, customer_id, customer_tier, segment, site, channel, state, priority,
                                   money_at_risk, exception_count, opened_at, updated_at, closed_at, policy_version,
                                   traceparent, tracestate)
                VALUES
                """ + rows.joined(separator: ", ")).run()
        }
    }

    /// Rows per multi-row case or exception INSERT: at most 24 binds a row, 1,200 a statement.
    static let caseRowsPerStatement = 50

    public func updateCase(_ c: CaseRecord) async throws {
        try await sql.raw("""
            UPDATE cases SET state = \(bind: c.state.rawValue), priority = \(bind: c.priority), money_at_risk = \(bind: c.moneyAtRisk.tenThousandths),
                exception_count = \(bind: c.exceptionCount), updated_at = \(bind: c.updatedAt.millis), closed_at = \(bind: c.closedAt?.millis),
                customer_tier = \(bind: c.customerTier.rawValue), segment = \(bind: c.segment), policy_version = \(bind: c.policyVersion)
            WHERE id = \(bind: c.id)
            """).run()
    }

    public func exceptions(caseId: String) async throws -> [ExceptionRecord] {
        try await sql.raw("SELECT * FROM exceptions WHERE case_id = \(bind: caseId) ORDER BY opened_at, id").all().map(ExceptionRow.decode)
    }

    public func exception(_ id: String) async throws -> ExceptionRecord? {
        try await sql.raw("SELECT * FROM exceptions WHERE id = \(bind: id)").first().map(ExceptionRow.decode)
    }

    public func insertException(_ e: ExceptionRecord) async throws { try await insertExceptions([e]) }

    /// Inserts exceptions with a few multi-row statements.
    public func insertExceptions(_ exceptions: [ExceptionRecord]) async throws {
        for chunk in exceptions.chunked(Self.caseRowsPerStatement) {
            let rows: [SQLQueryString] = try chunk.map { e in
                """
                (\(bind: e.id), \(bind: e.caseId), \(bind: e.identity), \(bind: e.type.rawValue), \(bind: e.queue),
                 \(bind: e.lifecycle.state.rawValue), \(bind: e.lifecycle.assignee), \(bind: e.lifecycle.escalation.rawValue),
                 \(bind: e.priority.score), \(bind: try StoredDocument.priority(e.priority)), \(bind: try StoredDocument.finding(e.finding)),
                 \(bind: try StoredDocument.lifecycle(e.lifecycle)), \(bind: try StoredDocument.sla(e.sla)), \(bind: e.sla.scheduledDueAt.millis),
                 \(bind: e.sla.scheduledAtRiskAt.millis), \(bind: e.openedAt.millis), \(bind: e.updatedAt.millis), \(bind: e.closedAt?.millis),
                 \(bind: e.lifecycle.resolution?.code), \(bind: e.finding.decidedBy), \(bind: e.touchlessFlag),
                 \(bind: e.finding.sku), \(bind: e.finding.productFamily), \(bind: e.finding.moneyAtRisk.tenThousandths))
                """
            }
            try await sql.raw("""
                INSERT INTO exceptions (id, case_id, identity, type, queue, state, assignee, escalation, priority, priority_parts,
                                        finding, lifecycle, sla, due_at, at_risk_at, opened_at, updated_at, closed_at, resolution_code,
                                        decided_by, touchless, sku, product_family, money_at_risk)
                VALUES
                """ + rows.joined(separator: ", ")).run()
        }
    }

    public func updateException(_ e: ExceptionRecord) async throws {
        try await sql.raw("""
            UPDATE exceptions SET queue = \(bind: e.queue), state = \(bind: e.lifecycle.state.rawValue), assignee = \(bind: e.lifecycle.assignee),
                escalation = \(bind: e.lifecycle.escalation.rawValue), priority = \(bind: e.priority.score),
                priority_parts = \(bind: try StoredDocument.priority(e.priority)), finding = \(bind: try StoredDocument.finding(e.finding)),
                lifecycle = \(bind: try StoredDocument.lifecycle(e.lifecycle)), sla = \(bind: try StoredDocument.sla(e.sla)),
                due_at = \(bind: e.sla.scheduledDueAt.millis), at_risk_at = \(bind: e.sla.scheduledAtRiskAt.millis), updated_at = \(bind: e.updatedAt.millis),
                closed_at = \(bind: e.closedAt?.millis), resolution_code = \(bind: e.lifecycle.resolution?.code), decided_by = \(bind: e.finding.decidedBy),
                touchless = \(bind: e.touchlessFlag), sku = \(bind: e.finding.sku), product_family = \(bind: e.finding.productFamily),
                money_at_risk = \(bind: e.finding.moneyAtRisk.tenThousandths)
            WHERE id = \(bind: e.id)
            """).run()
    }

    // MARK: Timers

    /// Claims up to `limit` due timers. On PostgreSQL other nodes skip the locked rows, so
    /// each timer fires on exactly one node.
    public func claimDueTimers(now: Instant, limit: Int) async throws -> [TimerRecord] {
        try await flushDeferred()
        let skip = dialect == .postgres ? " FOR UPDATE SKIP LOCKED" : ""
        return try await sql.raw("""
            SELECT id, exception_id, case_id, kind, due_at FROM timers
            WHERE fired_at IS NULL AND due_at <= \(bind: now.millis) ORDER BY due_at, id LIMIT \(bind: limit)\(unsafeRaw: skip)
            """).all().map { row in
            TimerRecord(id: try row.decode(column: "id", as: String.self),
                        exceptionId: try row.decode(column: "exception_id", as: String.self),
                        caseId: try row.decode(column: "case_id", as: String.self),
                        kind: TimerKind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .breach,
                        dueAt: Instant(millis: try row.decode(column: "due_at", as: Int64.self)))
        }
    }

    public func markTimerFired(_ id: String, at: Instant) async throws {
        try await sql.raw("UPDATE timers SET fired_at = \(bind: at.millis) WHERE id = \(bind: id)").run()
    }
}

enum CaseRow {
    static func decode(_ row: any SQLRow) throws -> CaseRecord {
        var record = CaseRecord(
            id: try row.decode(column: "id", as: String.self),
            orderKey: try row.decode(column: "order_key", as: String.self),
            orderId: try row.decode(column: "order_id", as: String?.self),
            customerId: try row.decode(column: "customer_id", as: String.self),
            customerTier: CustomerTier(rawValue: try row.decode(column: "customer_tier", as: String.self)) ?? .standard,
            segment: try row.decode(column: "segment", as: String?.self),
            site: try row.decode(column: "site", as: String.self),
            channel: try row.decode(column: "channel", as: String?.self),
            state: CaseState(rawValue: try row.decode(column: "state", as: String.self)) ?? .open,
            priority: try row.decode(column: "priority", as: Double.self),
            moneyAtRisk: Money(tenThousandths: try row.decode(column: "money_at_risk", as: Int64.self)),
            exceptionCount: Int(try row.decode(column: "exception_count", as: Int64.self)),
            openedAt: Instant(millis: try row.decode(column: "opened_at", as: Int64.self)),
            updatedAt: Instant(millis: try row.decode(column: "updated_at", as: Int64.self)),
            closedAt: try row.decode(column: "closed_at", as: Int64?.self).map(Instant.init(millis:)),
            policyVersion: try row.decode(column: "policy_version", as: String.self))
        record.trace = try TraceRow.decode(row)
        return record
    }
}

enum ExceptionRow {
    static func decode(_ row: any SQLRow) throws -> ExceptionRecord {
        ExceptionRecord(
            id: try row.decode(column: "id", as: String.self),
            caseId: try row.decode(column: "case_id", as: String.self),
            identity: try row.decode(column: "identity", as: String.self),
            type: try ExceptionType(rawValue: row.decode(column: "type", as: String.self)).orThrow("exception type"),
            queue: try row.decode(column: "queue", as: String.self),
            lifecycle: try JSONText.decode(ExceptionLifecycle.self, row.decode(column: "lifecycle", as: String.self)),
            finding: try JSONText.decode(Finding.self, row.decode(column: "finding", as: String.self)),
            sla: try JSONText.decode(SLAClock.self, row.decode(column: "sla", as: String.self)),
            priority: try JSONText.decode(PriorityScore.self, row.decode(column: "priority_parts", as: String.self)),
            openedAt: Instant(millis: try row.decode(column: "opened_at", as: Int64.self)),
            updatedAt: Instant(millis: try row.decode(column: "updated_at", as: Int64.self)),
            closedAt: try row.decode(column: "closed_at", as: Int64?.self).map(Instant.init(millis:)))
    }
}

extension ExceptionRecord {
    var touchlessFlag: Int { lifecycle.state == .resolved && lifecycle.resolution?.touchless == true ? 1 : 0 }
}

extension Optional {
    func orThrow(_ what: String) throws -> Wrapped {
        guard let value = self else { throw StoreError.corrupt("unreadable \(what)") }
        return value
    }
}

extension StoreTransaction {
    /// Open exceptions in each of `queues` now (the queues' loads, for breach risk), in one
    /// statement; a queue with none is 0.
    public func openExceptionCounts(queues: [String]) async throws -> [String: Int] {
        guard !queues.isEmpty else { return [:] }
        let rows = try await sql.raw("""
            SELECT queue, COUNT(*) AS n FROM exceptions WHERE queue IN (\(binds: queues)) AND state IN ('open', 'assigned', 'waiting') GROUP BY queue
            """).all()
        var counts = Dictionary(uniqueKeysWithValues: queues.map { ($0, 0) })
        for row in rows { counts[try row.decode(column: "queue", as: String.self)] = try row.decode(column: "n", as: Int.self) }
        return counts
    }
}
