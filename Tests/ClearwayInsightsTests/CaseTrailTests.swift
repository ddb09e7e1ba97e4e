@testable import ClearwayInsights
import Testing

@Suite("Clearway's record as an event log")
struct CaseTrailTests {
    static let h: Int64 = 3_600_000

    static var steps: [CaseTrail.Step] {
        [
            .init(seq: 1, at: 0, actor: "system:ingest", caseId: "C1", exceptionId: nil, orderId: "SO-1", action: "case.opened"),
            .init(seq: 2, at: 0, actor: "system:ingest", caseId: "C1", exceptionId: "E1", orderId: "SO-1", action: "exception.opened", queue: "pricing"),
            .init(seq: 3, at: 2 * h, actor: "user:ann", caseId: "C1", exceptionId: "E1", orderId: "SO-1", action: "exception.assignee_changed"),
            .init(seq: 4, at: 2 * h, actor: "user:ann", caseId: "C1", exceptionId: "E1", orderId: "SO-1", action: "exception.assigned"),
            .init(seq: 5, at: 6 * h, actor: "system:sla", caseId: "C1", exceptionId: "E1", orderId: "SO-1", action: "exception.rerouted",
                  before: "pricing", after: "pricing_escalations"),
            .init(seq: 9, at: 6 * h, actor: "system:sla", caseId: "C1", exceptionId: "E1", orderId: "SO-1", action: "escalation.rung_fired",
                  after: "rung 2"),
            .init(seq: 10, at: 6 * h, actor: "system:notifications", caseId: "C1", exceptionId: "E1", orderId: "SO-1", action: "notification.created"),
            .init(seq: 6, at: 8 * h, actor: "user:bo", caseId: "C1", exceptionId: "E1", orderId: "SO-1", action: "exception.resolved"),
            .init(seq: 7, at: 1 * h, actor: "system:ingest", caseId: "C2", exceptionId: "E2", orderId: "SO-2", action: "exception.opened", queue: "pricing"),
            .init(seq: 8, at: 5 * h, actor: "system:sla", caseId: "C2", exceptionId: "E2", orderId: "SO-2", action: "exception.rerouted",
                  before: "pricing", after: "pricing_escalations"),
        ]
    }

    @Test("each audit entry becomes an event on its exception, case and order, named as people say it; bookkeeping entries are left out")
    func log() throws {
        let log = CaseTrail.log(Self.steps)
        #expect(log.events.count == 8)
        #expect(log.objects.filter { log.objectTypes[Int($0.type)] == "order" }.map(\.id).sorted() == ["SO-1", "SO-2"])
        let exceptions = try log.flattened(on: "exception")
        let trace = exceptions.events(ofCase: 0).map { exceptions.activities[Int(exceptions.activity[$0])] }
        #expect(trace == ["opened in pricing", "assigned", "moved to pricing_escalations", "escalated (rung 2)", "resolved by a person"])
        #expect(log.attribute("actor", of: 0) == "system:ingest")
        #expect(ProcessMap(try log.flattened(on: "case")).cases == 2)
    }

    @Test("a handoff's wait is the time in the first queue, per pair of queues")
    func handoffs() {
        let moves = CaseTrail.handoffs(Self.steps)
        #expect(moves.count == 1)
        #expect(moves[0].from == "pricing" && moves[0].to == "pricing_escalations")
        #expect(moves[0].count == 2)
        #expect(moves[0].medianHours == 4)
    }
}

extension CaseTrailTests {
    @Test("the step that resumes a paused SLA clock carries the business minutes it stood still")
    func pausedMinutes() throws {
        var resumed = CaseTrail.Step(seq: 2, at: 3 * Self.h, actor: "user:ann", caseId: "C1", exceptionId: "E1", orderId: "SO-1", action: "sla.resumed")
        resumed.pausedMinutes = 95
        let log = CaseTrail.log([
            .init(seq: 1, at: 0, actor: "user:ann", caseId: "C1", exceptionId: "E1", orderId: "SO-1", action: "sla.paused"), resumed,
        ])
        #expect(log.events.count == 2)
        #expect(log.attribute("pausedMinutes", of: 1) == "95" && log.attribute("pausedMinutes", of: 0) == nil)
    }
}
