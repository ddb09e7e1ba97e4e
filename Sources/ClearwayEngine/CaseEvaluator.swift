import ClearwayCore
import ClearwayStore

/// Runs the detectors over one order and brings its case in line with what they find:
/// opens the case and exceptions, refreshes evidence, resolves exceptions whose cause is
/// gone and reopens those whose cause came back. Every change is audited.
struct CaseEvaluator {
    let engine: ClearwayEngine
    let tx: StoreTransaction
    let policy: Policy
    let now: Instant
    let trigger: String
    var actor = "system:ingest"

    /// Returns the id of the case touched, or nil when the order is clean and has no case.
    func evaluate(orderId: String) async throws -> String? {
        guard let order = try await tx.order(orderId) else { return nil }
        return try await evaluate(order: order, isNew: false)
    }

    /// Evaluates an order already in hand. A new order cannot have milestones, picks or
    /// messages yet (events for unknown orders are dead-lettered), so those are not read.
    /// `otherOpenValue`, when the caller already knows it, is the value of the customer's
    /// other open orders (saves a query per order in set-wise processing).
    func evaluate(order: Order, isNew: Bool, otherOpenValue: Money? = nil) async throws -> String? {
        if order.status == .cancelled { return try await cancel(orderKey: order.id, reason: "order cancelled").first }
        let context = try await loadContext(for: order, isNew: isNew, otherOpenValue: otherOpenValue)
        let site = policy.site(order.site)
        let findings = Detectors.detect(order: order, context: context, settings: site.detection)
        var caseRecord = isNew ? nil : try await tx.openCase(orderKey: order.id)
        // A case opened here has no exceptions yet: there is nothing to read.
        var known: [ExceptionRecord]? = nil
        if caseRecord == nil {
            guard !findings.isEmpty else { return nil }
            // Its row is written once, rolled up, when the evaluation ends.
            caseRecord = try await openCase(key: order.id, orderId: order.id, customerId: order.customerId, customer: context.customer,
                                            site: order.site, channel: order.channel.rawValue, insert: false)
            known = []
        }
        guard var current = caseRecord else { return nil }
        try await reconcile(&current, findings: findings, customer: context.customer, site: site, exceptions: known, order: order,
                            unsaved: known != nil)
        return current.id
    }

    /// A customer message that names no known order gets a case of its own per customer.
    func customerMessage(_ message: CustomerMessage, referencedOrder: String?) async throws -> String? {
        let customer = try await tx.customer(message.customerId)
        let key = "customer:\(message.customerId)"
        let site = policy.global
        var current: CaseRecord
        if let open = try await tx.openCase(orderKey: key) { current = open } else {
            current = try await openCase(key: key, orderId: nil, customerId: message.customerId, customer: customer, site: "-", channel: message.channel)
        }
        let existing = try await tx.exceptions(caseId: current.id)
        var findings = existing.map(\.finding)
        var finding = CustomerRequestRule.finding(message: message, orderId: referencedOrder)
        finding.summary += referencedOrder.map { " (mentions order \($0), not yet received)" } ?? ""
        findings.append(finding)
        try await reconcile(&current, findings: findings, customer: customer, site: site, exceptions: existing)
        return current.id
    }

    /// Cancels every open exception of the order's open case.
    func cancel(orderKey: String, reason: String) async throws -> [String] {
        guard var current = try await tx.openCase(orderKey: orderKey) else { return [] }
        var exceptions = try await tx.exceptions(caseId: current.id)
        for i in exceptions.indices where !exceptions[i].lifecycle.state.isClosed {
            try await transition(&exceptions[i], .cancel(reason: reason), caseRecord: current, reason: reason)
        }
        try await CaseRollup.save(&current, exceptions: exceptions, tx: tx, now: now, actor: actor, policy: policy)
        return [current.id]
    }

    /// Opens a case; with `insert` false the caller writes its row (`reconcile(unsaved:)`).
    func openCase(key: String, orderId: String?, customerId: String, customer: Customer?, site: String, channel: String?,
                  insert: Bool = true) async throws -> CaseRecord {
        let record = CaseRecord(id: engine.ids.next("CASE"), orderKey: key, orderId: orderId, customerId: customerId,
                                customerTier: customer?.tier ?? .standard, segment: customer?.segment, site: site, channel: channel,
                                state: .open, priority: 0, moneyAtRisk: .zero, exceptionCount: 0, openedAt: now, updatedAt: now,
                                closedAt: nil, policyVersion: policy.version)
        if insert { try await tx.insertCase(record) }
        tx.audit(AuditEntry(at: now, actor: actor, caseId: record.id, exceptionId: nil, action: "case.opened", after: CaseState.open.rawValue,
                            reason: "Detected after \(trigger)", detail: .object(["orderKey": .string(key)]), policyVersion: policy.version))
        return record
    }

    /// `known`: the case's exceptions when the caller already holds them (read when nil);
    /// `order`: the case's order as stored, when the caller holds it; `unsaved`: the case
    /// was opened in this evaluation and its row is written here, once.
    func reconcile(_ current: inout CaseRecord, findings: [Finding], customer: Customer?, site: SitePolicy,
                   exceptions known: [ExceptionRecord]? = nil, order: Order? = nil, unsaved: Bool = false) async throws {
        var exceptions = if let known { known } else { try await tx.exceptions(caseId: current.id) }
        let existing = exceptions.map { ExistingException(id: $0.id, identity: $0.identity, type: $0.type, lifecycle: $0.lifecycle, finding: $0.finding) }
        let steps = Reconciliation.plan(existing: existing, findings: findings, trigger: trigger)
        guard !steps.isEmpty else {
            if unsaved { try await tx.insertCase(current) }
            return
        }
        let tier = customer?.tier ?? current.customerTier
        var opened: [ExceptionRecord] = []
        for step in steps {
            switch step {
            case .open(let finding):
                let record = try await openException(finding, caseRecord: current, tier: tier, site: site)
                exceptions.append(record)
                opened.append(record)
            case .refresh(let id, let finding):
                guard let i = exceptions.firstIndex(where: { $0.id == id }) else { continue }
                let before = exceptions[i].finding.summary
                exceptions[i].finding = finding
                exceptions[i].updatedAt = now
                try await tx.updateException(exceptions[i])
                tx.audit(AuditEntry(at: now, actor: actor, caseId: current.id, exceptionId: id, action: "exception.evidence_updated",
                                    before: before, after: finding.summary, reason: "After \(trigger)", policyVersion: policy.version))
            case .apply(let id, let event):
                guard let i = exceptions.firstIndex(where: { $0.id == id }) else { continue }
                let reason: String = if case .causeRemoved(let note) = event { note } else { "Detected again after \(trigger)" }
                try await transition(&exceptions[i], event, caseRecord: current, reason: reason, tier: tier, site: site)
            }
        }
        if let customer { current.customerTier = customer.tier; current.segment = customer.segment }
        if !opened.isEmpty, !policy.actions.autoResolution.rules.isEmpty {
            // Touchless actions change the exceptions in hand; the case is rolled up once, after.
            let work = CaseWork(caseRecord: current, exceptions: exceptions, order: order)
            try await considerTouchless(opened, work: work, tier: tier)
            current = work.caseRecord
            exceptions = work.exceptions
        }
        try await CaseRollup.save(&current, exceptions: exceptions, tx: tx, now: now, actor: actor, policy: policy, insert: unsaved)
    }

    func openException(_ finding: Finding, caseRecord: CaseRecord, tier: CustomerTier, site: SitePolicy) async throws -> ExceptionRecord {
        let rule = site.rule(for: finding.type)
        let queue = finding.queue ?? rule.queue
        let sla = SLAClock.start(at: now, rule: rule, tier: tier, calendar: site.calendar)
        let risk = try await engine.breachRiskPart(type: finding.type, queue: queue, tier: tier, site: caseRecord.site, openedAt: now, dueAt: sla.dueAt,
                                                   money: finding.moneyAtRisk, now: now, weights: site.priority, tx: tx)
        let priority = PriorityScore.compute(moneyAtRisk: finding.moneyAtRisk, slaConsumed: 0, tier: tier,
                                             fulfilmentDependency: rule.fulfilmentDependency, breachRisk: risk, weights: site.priority)
        let record = ExceptionRecord(id: engine.ids.next("EXC"), caseId: caseRecord.id, identity: finding.identity, type: finding.type,
                                     queue: queue, lifecycle: ExceptionLifecycle(), finding: finding, sla: sla, priority: priority,
                                     openedAt: now, updatedAt: now, closedAt: nil)
        try await tx.insertException(record)
        try await tx.scheduleTimers(SLATimers.timers(for: record, ids: engine.ids))
        tx.audit(AuditEntry(at: now, actor: actor, caseId: caseRecord.id, exceptionId: record.id, action: "exception.opened",
                            after: ExceptionState.open.rawValue, reason: finding.summary,
                            detail: .object([
                                "type": .string(finding.type.rawValue), "queue": .string(queue),
                                "decidedBy": .string(finding.decidedBy), "slaDueAt": .string(sla.dueAt.iso8601),
                                "priority": .number(priority.score), "trigger": .string(trigger),
                            ].merging(Self.triageDetail(finding.triage)) { a, _ in a }), policyVersion: policy.version))
        return record
    }

    /// How a customer message was read, for the audit row that opens its exception.
    static func triageDetail(_ triage: MessageTriage?) -> [String: JSONValue] {
        guard let triage else { return [:] }
        var detail: [String: JSONValue] = ["requestType": .string(triage.requestType)]
        if let c = triage.confidence { detail["confidence"] = .number(c) }
        if let v = triage.modelVersion { detail["modelVersion"] = .string(v) }
        return detail
    }

    /// Applies a lifecycle event and turns its effects into rows, timers and audit entries.
    func transition(_ record: inout ExceptionRecord, _ event: ExceptionLifecycle.Event, caseRecord: CaseRecord, reason: String?,
                    tier: CustomerTier? = nil, site: SitePolicy? = nil) async throws {
        let effects = try record.lifecycle.handle(event)
        try await ExceptionEffects.apply(effects, to: &record, event: event, caseId: caseRecord.id, reason: reason, tx: tx,
                                         now: now, actor: actor, policy: policy, ids: engine.ids,
                                         restart: { rec in
                                             let s = site ?? policy.site(caseRecord.site)
                                             return SLAClock.start(at: now, rule: s.rule(for: rec.type), tier: tier ?? caseRecord.customerTier, calendar: s.calendar)
                                         })
    }

    func loadContext(for order: Order, isNew: Bool, otherOpenValue: Money? = nil) async throws -> ReferenceContext {
        // After this transaction changed reference data, a throwaway cache reads it fresh.
        let cache = try await engine.referenceCache.validate(tx) ? engine.referenceCache : ReferenceCache()
        var context = try await cache.context(for: order, tx: tx)
        if !isNew {
            context.milestones = try await tx.milestones(orderId: order.id)
            context.pick = try await tx.pick(orderId: order.id)
            context.messages = try await tx.messages(orderId: order.id)
        }
        if context.customer != nil {
            if let otherOpenValue { context.otherOpenOrderValue = otherOpenValue } else {
                context.otherOpenOrderValue = try await tx.activeOrderValue(customerId: order.customerId, excluding: order.id)
            }
        }
        return context
    }
}
