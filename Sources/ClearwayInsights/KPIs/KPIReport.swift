import ClearwayCore

/// The process KPIs of one period, each with an exact definition (also in docs/KPIS.md).
/// "Opened", "resolved" and "closed" mean in the period [from, to); the backlog is read at `to`.
public struct KPIReport: Sendable, Hashable, Codable {
    public struct AgeBucket: Sendable, Hashable, Codable {
        public var label: String
        public var count: Int
    }

    /// Exceptions open at the end of the period.
    public var backlogOpen = 0
    /// The open backlog by age at the end of the period: under 4 h, 4–24 h, 1–3 d, over 3 d.
    public var backlogAging: [AgeBucket] = []
    public var opened = 0
    public var resolved = 0
    public var cancelled = 0
    /// Hours from opening to resolution of the exceptions resolved, median and 90th percentile.
    public var cycleTimeP50Hours = 0.0
    public var cycleTimeP90Hours = 0.0
    /// Resolved with at most one human touch ÷ resolved.
    public var firstTouchResolutionRate = 0.0
    /// Resolved with no person involved (the cause went away, or a touchless rule's action
    /// cleared it) ÷ resolved.
    public var touchlessRate = 0.0
    /// Human audit entries on the resolved exceptions ÷ the cases they belong to.
    public var manualTouchesPerCase = 0.0
    /// Moves to another queue on the resolved exceptions ÷ their cases.
    public var handoffsPerCase = 0.0
    /// Hours from asking to deciding, for approvals asked in the period and decided.
    public var approvalLatencyP50Hours = 0.0
    public var approvalsRequested = 0
    /// Hours from the first exception on an order to its release (the case closing), for
    /// cases closed in the period.
    public var orderReleaseLatencyP50Hours = 0.0
    /// Resolved by their SLA due time ÷ resolved.
    public var slaAttainment = 0.0
    /// Exceptions whose SLA ran out in the period before they were closed.
    public var slaBreaches = 0
    /// Opened exceptions whose customer had the same type (same SKU where there is one)
    /// within `recurrenceDays` before ÷ opened.
    public var recurrenceRate = 0.0
    /// Resolved exceptions whose cause came back at least once ÷ resolved.
    public var reworkRate = 0.0
    /// Money at risk on the backlog at the end of the period, in currency units.
    public var revenueAtRisk = 0.0
    /// Money at risk on the exceptions resolved in the period.
    public var revenueProtected = 0.0
    /// Human touches in the period's resolved exceptions × minutes per touch, in hours.
    public var labourHours = 0.0

    public init() {}

    public static func compute(_ facts: [ExceptionFact], approvals: [ApprovalFact] = [], filter: FactFilter, settings: KPISettings = .init()) -> KPIReport {
        // Recurrence looks back in time, so the facts are walked in opening order.
        var isOrdered = true
        for i in facts.indices.dropFirst() where facts[i - 1].openedAt > facts[i].openedAt { isOrdered = false; break }
        let facts = isOrdered ? facts : facts.sorted { $0.openedAt < $1.openedAt }
        var r = KPIReport()
        let end = filter.to
        var cycle: [Int64] = [], release: [Int64] = []
        var aging = [0, 0, 0, 0]
        var firstTouch = 0, touchless = 0, onTime = 0, reworked = 0, touches = 0, handoffs = 0
        // Per case: 1 = counted as released, 2 = counted among resolved cases (one hash per fact).
        var caseFlags: [String: UInt8] = [:]
        var resolvedCaseCount = 0
        var atRisk: Int64 = 0, protected: Int64 = 0
        var lastSeen: [RecurrenceKey: Int64] = [:]
        var recurring = 0
        let window = Int64(settings.recurrenceDays) * 86_400_000
        var matching = Set<String>()
        let needMatching = !approvals.isEmpty
        // Sized up front: growing a million-entry table costs more than filling it.
        caseFlags.reserveCapacity(facts.count)
        lastSeen.reserveCapacity(facts.count)
        cycle.reserveCapacity(facts.count)
        facts.withUnsafeBufferPointer { all in
            for i in all.indices where filter.matches(all[i]) {
                let opened = all[i].openedAt, closedAt = all[i].closedAt
                if needMatching { matching.insert(all[i].exceptionId) }
                if opened < end {
                    let key = RecurrenceKey(customer: all[i].customerId, type: all[i].type, sku: all[i].sku)
                    let previous = lastSeen.updateValue(opened, forKey: key)
                    if opened >= filter.from {
                        r.opened += 1
                        if let previous, opened - previous <= window { recurring += 1 }
                    }
                    if closedAt.map({ $0 >= end }) ?? true {
                        r.backlogOpen += 1
                        atRisk += all[i].moneyAtRisk
                        let age = end - opened
                        aging[age < 4 * 3_600_000 ? 0 : age < 86_400_000 ? 1 : age < 3 * 86_400_000 ? 2 : 3] += 1
                    }
                }
                let due = all[i].dueAt
                if due >= filter.from, due < end, closedAt.map({ $0 > due }) ?? true { r.slaBreaches += 1 }
                let caseClosed = all[i].caseClosedAt.flatMap { filter.inPeriod($0) ? $0 : nil }
                let resolvedHere = closedAt.map { filter.inPeriod($0) } == true && all[i].state == "resolved"
                if caseClosed != nil || resolvedHere {
                    let caseOpened = all[i].caseOpenedAt
                    func mark(_ flags: inout UInt8) {
                        if let caseClosed, flags & 1 == 0 { flags |= 1; release.append(caseClosed - caseOpened) }
                        if resolvedHere, flags & 2 == 0 { flags |= 2; resolvedCaseCount += 1 }
                    }
                    mark(&caseFlags[all[i].caseId, default: 0])
                }
                guard let closed = closedAt, filter.inPeriod(closed) else { continue }
                let state = all[i].state
                if state == "cancelled" { r.cancelled += 1; continue }
                guard resolvedHere else { continue }
                r.resolved += 1
                cycle.append(closed - opened)
                if all[i].humanTouches <= 1 { firstTouch += 1 }
                if all[i].touchless { touchless += 1 }
                if closed <= due { onTime += 1 }
                if all[i].reopened > 0 { reworked += 1 }
                touches += all[i].humanTouches
                handoffs += all[i].handoffs
                protected += all[i].moneyAtRisk
            }
        }
        r.backlogAging = zip(["under 4 h", "4–24 h", "1–3 days", "over 3 days"], aging).map { AgeBucket(label: $0, count: $1) }
        r.cycleTimeP50Hours = hours(quantile(cycle, 0.5))
        r.cycleTimeP90Hours = hours(quantile(cycle, 0.9))
        r.firstTouchResolutionRate = rate(firstTouch, r.resolved)
        r.touchlessRate = rate(touchless, r.resolved)
        r.slaAttainment = rate(onTime, r.resolved)
        r.reworkRate = rate(reworked, r.resolved)
        r.recurrenceRate = rate(recurring, r.opened)
        r.manualTouchesPerCase = ratio(touches, resolvedCaseCount)
        r.handoffsPerCase = ratio(handoffs, resolvedCaseCount)
        r.orderReleaseLatencyP50Hours = hours(quantile(release, 0.5))
        let decided = approvals.filter { matching.contains($0.exceptionId) && filter.inPeriod($0.requestedAt) }
        r.approvalsRequested = decided.count
        r.approvalLatencyP50Hours = hours(quantile(decided.compactMap { a in a.decidedAt.map { $0 - a.requestedAt } }, 0.5))
        r.revenueAtRisk = (Double(atRisk) / 100).rounded() / 100
        r.revenueProtected = (Double(protected) / 100).rounded() / 100
        r.labourHours = (Double(touches) * settings.minutesPerTouch / 60 * 10).rounded() / 10
        return r
    }

    /// Same customer, same type, same SKU (or none): what recurrence compares.
    struct RecurrenceKey: Hashable {
        var customer: String
        var type: String
        var sku: String?
    }

    /// The value at quantile q by the nearest-rank method (0 for no values).
    static func quantile(_ values: [Int64], _ q: Double) -> Int64 {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let rank = Int((q * Double(sorted.count)).rounded(.up))
        return sorted[min(sorted.count - 1, max(0, rank - 1))]
    }

    static func hours(_ ms: Int64) -> Double { (Double(ms) / 3_600_000 * 100).rounded() / 100 }
    public static func rate(_ a: Int, _ b: Int) -> Double { b == 0 ? 0 : (Double(a) / Double(b) * 10_000).rounded() / 10_000 }
    static func ratio(_ a: Int, _ b: Int) -> Double { b == 0 ? 0 : (Double(a) / Double(b) * 100).rounded() / 100 }
}
