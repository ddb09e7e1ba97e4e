import ClearwayCore
@testable import ClearwayInsights
import Testing

@Suite("KPIs from the record")
struct KPIReportTests {
    static let hour: Int64 = 3_600_000
    static let day: Int64 = 86_400_000

    static func fact(_ id: String, case caseId: String? = nil, type: String = "pricing.contract_mismatch", site: String = "DC-1",
                     customer: String = "C-1", opened: Int64, closed: Int64? = nil, due: Int64, state: String? = nil,
                     touchless: Bool = false, money: Double = 0, touches: Int = 0, handoffs: Int = 0, reopened: Int = 0, sku: String? = nil) -> ExceptionFact {
        ExceptionFact(exceptionId: id, caseId: caseId ?? "case-\(id)", type: type, queue: "pricing", site: site, customerId: customer, tier: "standard",
                      segment: "industrial", channel: "api", sku: sku, openedAt: opened, closedAt: closed, dueAt: due,
                      state: state ?? (closed == nil ? "open" : "resolved"), touchless: touchless, moneyAtRisk: Money(money).tenThousandths,
                      humanTouches: touches, handoffs: handoffs, reopened: reopened, caseClosedAt: closed)
    }

    @Test("each KPI follows its definition on a small hand-checked period")
    func definitions() {
        let d = Self.day, h = Self.hour
        let period = FactFilter(from: 10 * d, to: 20 * d)
        let facts = [
            // Resolved touchless in 2 h, on time.
            Self.fact("a", opened: 11 * d, closed: 11 * d + 2 * h, due: 11 * d + 8 * h, touchless: true, money: 100, sku: "S1"),
            // Resolved by a person in 10 h with three touches and a handoff, late, after a reopen.
            Self.fact("b", opened: 12 * d, closed: 12 * d + 10 * h, due: 12 * d + 8 * h, money: 50, touches: 3, handoffs: 1, reopened: 1),
            // Same customer, type and SKU as "a" five days later: a recurrence. One touch, 4 h.
            Self.fact("c", opened: 16 * d, closed: 16 * d + 4 * h, due: 16 * d + 8 * h, money: 25, touches: 1, sku: "S1"),
            // Still open at the end, 2 days old, past due: backlog and a breach.
            Self.fact("d", opened: 18 * d, due: 18 * d + 8 * h, money: 1_000),
            // Opened 2 h before the end: young backlog, not yet due.
            Self.fact("e", opened: 20 * d - 2 * h, due: 21 * d, money: 10),
            // Before the period entirely; ignored except as history.
            Self.fact("f", opened: 2 * d, closed: 2 * d + h, due: 3 * d),
            // Another site: filtered out below.
            Self.fact("g", site: "DC-2", opened: 13 * d, closed: 13 * d + h, due: 14 * d, touches: 1),
        ]
        let r = KPIReport.compute(facts, filter: { var f = period; f.site = "DC-1"; return f }(), settings: KPISettings(minutesPerTouch: 15, recurrenceDays: 30))
        #expect(r.opened == 5)
        #expect(r.resolved == 3)
        #expect(r.backlogOpen == 2)
        #expect(r.backlogAging.map(\.count) == [1, 0, 1, 0])
        #expect(r.cycleTimeP50Hours == 4)
        #expect(r.cycleTimeP90Hours == 10)
        #expect(r.touchlessRate == 0.3333)
        #expect(r.firstTouchResolutionRate == 0.6667)
        #expect(r.slaAttainment == 0.6667)
        #expect(r.slaBreaches == 2)
        #expect(r.reworkRate == 0.3333)
        // c repeats a (same SKU); b repeats f, d repeats b, e repeats d (no SKU: customer and type).
        #expect(r.recurrenceRate == 0.8)
        #expect(r.manualTouchesPerCase == 1.33)
        #expect(r.handoffsPerCase == 0.33)
        #expect(r.revenueAtRisk == 1_010)
        #expect(r.revenueProtected == 175)
        #expect(r.labourHours == 1)
        let everywhere = KPIReport.compute(facts, filter: period)
        #expect(everywhere.opened == 6)
        #expect(everywhere.resolved == 4)
    }

    @Test("approval latency is the median from asking to deciding, for approvals of the filtered exceptions")
    func approvalLatency() {
        let d = Self.day, h = Self.hour
        let facts = [Self.fact("a", opened: 11 * d, due: 12 * d), Self.fact("b", site: "DC-2", opened: 11 * d, due: 12 * d)]
        let approvals = [
            ApprovalFact(exceptionId: "a", kind: "override_price", requestedAt: 11 * d, decidedAt: 11 * d + 2 * h, approved: true),
            ApprovalFact(exceptionId: "a", kind: "override_price", requestedAt: 12 * d, decidedAt: 12 * d + 6 * h, approved: false),
            ApprovalFact(exceptionId: "a", kind: "release_credit", requestedAt: 13 * d, decidedAt: nil, approved: false),
            ApprovalFact(exceptionId: "b", kind: "override_price", requestedAt: 11 * d, decidedAt: 11 * d + 40 * h, approved: true),
        ]
        let r = KPIReport.compute(facts, approvals: approvals, filter: FactFilter(from: 10 * d, to: 20 * d, site: "DC-1"))
        #expect(r.approvalsRequested == 3)
        #expect(r.approvalLatencyP50Hours == 2)
    }
}
