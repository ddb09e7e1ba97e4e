/// What the breach-risk model is asked about an exception, for its priority score.
public struct BreachRiskQuestion: Sendable, Hashable {
    public var type: ExceptionType
    public var queue: String
    public var tier: CustomerTier
    public var site: String
    public var openedAt: Instant
    public var dueAt: Instant
    public var moneyAtRisk: Money
    /// Open exceptions in the queue as the decision stands.
    public var queueLoad: Int
    public var now: Instant
}

/// A case and its exceptions as a decision leaves them, before the roll-up.
public struct CaseInHand: Sendable {
    public var caseRecord: CaseRecord
    public var exceptions: [ExceptionRecord]
    /// Exceptions this decision opened.
    public var opened: [ExceptionRecord]
    /// The case was opened in this decision: its row is inserted at the roll-up.
    public var isNew: Bool
    /// Something changed: the case must be rolled up and written.
    public var changed: Bool

    /// A case as stored, with its exceptions; `changed` when it will be rolled up and
    /// written whatever the decision finds.
    public init(stored caseRecord: CaseRecord, exceptions: [ExceptionRecord], changed: Bool = false) {
        self.init(caseRecord: caseRecord, exceptions: exceptions, opened: [], isNew: false, changed: changed)
    }

    init(caseRecord: CaseRecord, exceptions: [ExceptionRecord], opened: [ExceptionRecord], isNew: Bool, changed: Bool) {
        self.caseRecord = caseRecord; self.exceptions = exceptions; self.opened = opened; self.isNew = isNew; self.changed = changed
    }
}

/// The decision about one case, as a value: given the order, what the detectors may look
/// at and the case as stored, it opens, refreshes, resolves and reopens exceptions and
/// rolls the case up, collecting every change in `writes`. It reads nothing and writes
/// nothing; the engine loads its inputs set-wise and writes its output once.
public struct CaseDecision: Sendable {
    public let policy: Policy
    public var stamp: DecisionStamp
    /// What caused this decision, for the audit rows (`clearway.order.created.v1 E1 from erp`).
    public var trigger: String
    /// The breach-risk model's probability; nil when no model is fitted or no site weighs it.
    public var breachRisk: (@Sendable (BreachRiskQuestion) -> Double)?
    /// Open exceptions per queue, kept up to date as this decision opens and closes them
    /// (only needed with `breachRisk`).
    public var queueLoads: [String: Int]
    public internal(set) var writes: [CaseWrite] = []

    public init(policy: Policy, stamp: DecisionStamp, trigger: String,
                breachRisk: (@Sendable (BreachRiskQuestion) -> Double)? = nil, queueLoads: [String: Int] = [:]) {
        self.policy = policy; self.stamp = stamp; self.trigger = trigger; self.breachRisk = breachRisk; self.queueLoads = queueLoads
    }

    /// Hands over the writes collected so far and starts a new list.
    public mutating func takeWrites() -> [CaseWrite] {
        defer { writes.removeAll(keepingCapacity: true) }
        return writes
    }

    /// Runs the detectors over an order and brings its case in line: `open` is the order's
    /// open case and its exceptions as stored (nil when it has none). Nil when the order is
    /// clean and has no case.
    public mutating func evaluate(order: Order, context: ReferenceContext,
                                  open: (CaseRecord, [ExceptionRecord])?) throws(ExceptionLifecycle.TransitionError) -> CaseInHand? {
        let site = policy.site(order.site)
        let findings = Detectors.detect(order: order, context: context, settings: site.detection)
        if let (caseRecord, exceptions) = open {
            return try reconcile(CaseInHand(stored: caseRecord, exceptions: exceptions),
                                 findings: findings, customer: context.customer, site: site)
        }
        guard !findings.isEmpty else { return nil }
        let opened = openCase(key: order.id, orderId: order.id, customerId: order.customerId, customer: context.customer,
                              site: order.site, channel: order.channel.rawValue)
        return try reconcile(CaseInHand(caseRecord: opened, exceptions: [], opened: [], isNew: true, changed: true),
                             findings: findings, customer: context.customer, site: site)
    }

    /// A customer message that names no known order: its request joins the customer's own
    /// case (`open`, or a new one).
    public mutating func customerMessage(_ message: CustomerMessage, referencedOrder: String?, customer: Customer?,
                                         open: (CaseRecord, [ExceptionRecord])?) throws(ExceptionLifecycle.TransitionError) -> CaseInHand {
        let key = "customer:\(message.customerId)"
        let hand = if let (caseRecord, exceptions) = open {
            CaseInHand(stored: caseRecord, exceptions: exceptions)
        } else {
            CaseInHand(caseRecord: openCase(key: key, orderId: nil, customerId: message.customerId, customer: customer, site: "-",
                                            channel: message.channel),
                       exceptions: [], opened: [], isNew: true, changed: true)
        }
        var findings = hand.exceptions.map(\.finding)
        var finding = CustomerRequestRule.finding(message: message, orderId: referencedOrder)
        finding.summary += referencedOrder.map { " (mentions order \($0), not yet received)" } ?? ""
        findings.append(finding)
        return try reconcile(hand, findings: findings, customer: customer, site: policy.global)
    }

    /// Cancels every open exception of a case.
    public mutating func cancel(_ hand: inout CaseInHand, reason: String) throws(ExceptionLifecycle.TransitionError) {
        for i in hand.exceptions.indices where !hand.exceptions[i].lifecycle.state.isClosed {
            try transition(&hand.exceptions[i], .cancel(reason: reason), caseRecord: hand.caseRecord, reason: reason)
        }
        hand.changed = true
    }

    /// Writes the case rolled up from its exceptions, when anything changed.
    public mutating func rollUp(_ hand: inout CaseInHand) {
        guard hand.changed else { return }
        writes += hand.caseRecord.rolledUp(hand.exceptions, insert: hand.isNew, stamp: stamp)
    }

    func openCase(key: String, orderId: String?, customerId: String, customer: Customer?, site: String, channel: String?) -> CaseRecord {
        let now = stamp.now
        return CaseRecord(id: stamp.ids.next("CASE"), orderKey: key, orderId: orderId, customerId: customerId,
                                customerTier: customer?.tier ?? .standard, segment: customer?.segment, site: site, channel: channel,
                                state: .open, priority: 0, moneyAtRisk: .zero, exceptionCount: 0, openedAt: now, updatedAt: now,
                                closedAt: nil, policyVersion: policy.version)
    }

    /// Compares the findings with the case's exceptions and applies what reconciliation asks.
    mutating func reconcile(_ start: CaseInHand, findings: [Finding], customer: Customer?,
                            site: SitePolicy) throws(ExceptionLifecycle.TransitionError) -> CaseInHand {
        var hand = start
        if hand.isNew {
            writes.append(.audit(AuditEntry(at: stamp.now, actor: stamp.actor, caseId: hand.caseRecord.id, exceptionId: nil, action: "case.opened",
                                            after: CaseState.open.rawValue, reason: "Detected after \(trigger)",
                                            detail: .object(["orderKey": .string(hand.caseRecord.orderKey)]), policyVersion: policy.version)))
        }
        let existing = hand.exceptions.map { ExistingException(id: $0.id, identity: $0.identity, type: $0.type, lifecycle: $0.lifecycle, finding: $0.finding) }
        let steps = Reconciliation.plan(existing: existing, findings: findings, trigger: trigger)
        guard !steps.isEmpty else { return hand }
        hand.changed = true
        let tier = customer?.tier ?? hand.caseRecord.customerTier
        for step in steps {
            switch step {
            case .open(let finding):
                let record = openException(finding, caseRecord: hand.caseRecord, tier: tier, site: site)
                hand.exceptions.append(record)
                hand.opened.append(record)
            case .refresh(let id, let finding):
                guard let i = hand.exceptions.firstIndex(where: { $0.id == id }) else { continue }
                let before = hand.exceptions[i].finding.summary
                hand.exceptions[i].finding = finding
                hand.exceptions[i].updatedAt = stamp.now
                writes.append(.updateException(hand.exceptions[i]))
                writes.append(.audit(AuditEntry(at: stamp.now, actor: stamp.actor, caseId: hand.caseRecord.id, exceptionId: id,
                                                action: "exception.evidence_updated", before: before, after: finding.summary,
                                                reason: "After \(trigger)", policyVersion: policy.version)))
            case .apply(let id, let event):
                guard let i = hand.exceptions.firstIndex(where: { $0.id == id }) else { continue }
                let reason: String = if case .causeRemoved(let note) = event { note } else { "Detected again after \(trigger)" }
                try transition(&hand.exceptions[i], event, caseRecord: hand.caseRecord, reason: reason, tier: tier, site: site)
            }
        }
        if let customer { hand.caseRecord.customerTier = customer.tier; hand.caseRecord.segment = customer.segment }
        return hand
    }

    mutating func openException(_ finding: Finding, caseRecord: CaseRecord, tier: CustomerTier, site: SitePolicy) -> ExceptionRecord {
        let now = stamp.now
        let rule = site.rule(for: finding.type)
        let queue = finding.queue ?? rule.queue
        let sla = SLAClock.start(at: now, rule: rule, tier: tier, calendar: site.calendar)
        let risk = breachRiskPart(BreachRiskQuestion(type: finding.type, queue: queue, tier: tier, site: caseRecord.site, openedAt: now,
                                                     dueAt: sla.dueAt, moneyAtRisk: finding.moneyAtRisk, queueLoad: 0, now: now),
                                  weights: site.priority)
        let priority = PriorityScore.compute(moneyAtRisk: finding.moneyAtRisk, slaConsumed: 0, tier: tier,
                                             fulfilmentDependency: rule.fulfilmentDependency, breachRisk: risk, weights: site.priority)
        let record = ExceptionRecord(id: stamp.ids.next("EXC"), caseId: caseRecord.id, identity: finding.identity, type: finding.type,
                                     queue: queue, lifecycle: ExceptionLifecycle(), finding: finding, sla: sla, priority: priority,
                                     openedAt: now, updatedAt: now, closedAt: nil)
        queueLoads[queue, default: 0] += 1
        writes.append(.insertException(record))
        writes.append(.scheduleTimers(TimerRecord.sla(for: record, settings: site.sla(for: record.type), ids: stamp.ids)))
        writes.append(.audit(AuditEntry(at: now, actor: stamp.actor, caseId: caseRecord.id, exceptionId: record.id, action: "exception.opened",
                                        after: ExceptionState.open.rawValue, reason: finding.summary,
                                        detail: .object([
                                            "type": .string(finding.type.rawValue), "queue": .string(queue),
                                            "decidedBy": .string(finding.decidedBy), "slaDueAt": .string(sla.dueAt.iso8601),
                                            "priority": .number(priority.score), "trigger": .string(trigger),
                                        ].merging(Self.triageDetail(finding.triage)) { a, _ in a }), policyVersion: policy.version)))
        return record
    }

    /// The breach-risk part of a priority score, with the queue's load as this decision has it.
    public func breachRiskPart(_ question: BreachRiskQuestion, weights: PriorityWeights) -> Double? {
        guard weights.breachRisk > 0, let breachRisk else { return nil }
        var asked = question
        asked.queueLoad = queueLoads[question.queue] ?? 0
        return breachRisk(asked)
    }

    /// How a customer message was read, for the audit row that opens its exception.
    static func triageDetail(_ triage: MessageTriage?) -> [String: JSONValue] {
        guard let triage else { return [:] }
        var detail: [String: JSONValue] = ["requestType": .string(triage.requestType)]
        if let c = triage.confidence { detail["confidence"] = .number(c) }
        if let v = triage.modelVersion { detail["modelVersion"] = .string(v) }
        return detail
    }

    /// Applies a lifecycle event to an exception of the case and collects its writes.
    public mutating func transition(_ record: inout ExceptionRecord, _ event: ExceptionLifecycle.Event, caseRecord: CaseRecord, reason: String?,
                                    tier: CustomerTier? = nil, site: SitePolicy? = nil) throws(ExceptionLifecycle.TransitionError) {
        let wasOpen = !record.lifecycle.state.isClosed, queue = record.queue
        let policy = self.policy, now = stamp.now
        let s = site ?? policy.site(caseRecord.site)
        writes += try record.handle(event, reason: reason, stamp: stamp, sla: s.sla(for: record.type), restart: { rec in
            SLAClock.start(at: now, rule: s.rule(for: rec.type), tier: tier ?? caseRecord.customerTier, calendar: s.calendar)
        })
        if wasOpen { queueLoads[queue, default: 0] -= 1 }
        if !record.lifecycle.state.isClosed { queueLoads[record.queue, default: 0] += 1 }
    }
}
