import ClearwayCore
import ClearwayStore
import ClearwayTestSupport
import Foundation
import Testing

/// The acceptance scenario of the core loop, through HTTP, on every available database.
@Suite("Seed scenario end to end")
struct SeedScenarioTests {
    @Test("one multi-line order with three causes → one case, three exceptions routed with SLA, priority and timeline; repeats change nothing",
          arguments: TestDatabaseKind.available)
    func seedScenario(_ kind: TestDatabaseKind) async throws {
        try await Harness.run(kind) { h in
            // Given the reference data
            let reference = try await h.post(events: Events.reference)
            #expect(reference["accepted"] as? Int == 6)

            // When the order arrives
            let answer = try await h.post(events: [Events.seedOrder])
            let caseIds = try #require(answer.list("results").first?["caseIds"] as? [String])
            #expect(caseIds.count == 1)
            let caseId = caseIds[0]

            // Then there is exactly one case with three exceptions in three queues
            let list = try await h.get("/v1/cases?orderId=SO-1")
            #expect(list["total"] as? Int == 1)
            let detail = try await h.get("/v1/cases/\(caseId)")
            let exceptions = detail.list("exceptions")
            #expect(Set(exceptions.compactMap { $0.str("type") }) == ["pricing.contract_mismatch", "inventory.shortage", "logistics.carrier_capacity"])
            let queueOf = Dictionary(uniqueKeysWithValues: exceptions.map { ($0.str("type")!, $0.str("queue")!) })
            #expect(queueOf == ["pricing.contract_mismatch": "pricing", "inventory.shortage": "inventory", "logistics.carrier_capacity": "logistics"])

            // …each with its SLA due time on the Chicago calendar (key customer, opened Monday 09:00 CST)
            let dueOf = Dictionary(uniqueKeysWithValues: exceptions.map { ($0.str("type")!, $0.obj("sla").str("dueAt")!) })
            #expect(dueOf["pricing.contract_mismatch"] == "2026-11-23T23:00:00Z")   // 8 h → Monday 17:00 CST
            #expect(dueOf["inventory.shortage"] == "2026-11-23T19:00:00Z")          // 4 h → Monday 13:00 CST
            #expect(dueOf["logistics.carrier_capacity"] == "2026-11-23T19:00:00Z")

            // …a priority score with its parts, and the evidence
            for e in exceptions {
                let parts = e.list("priorityParts")
                #expect(parts.compactMap { $0.str("name") } == ["moneyAtRisk", "age", "customerTier", "fulfilmentDependency"])
                let sum = parts.compactMap { $0["contribution"] as? Double }.reduce(0, +)
                #expect(abs(sum - (e["priority"] as? Double ?? -1)) < 0.01)
            }
            let pricing = try #require(exceptions.first { $0.str("type") == "pricing.contract_mismatch" })
            #expect(pricing.list("evidence").contains { $0.str("expected") == "10.40" && $0.str("actual") == "11.95" })

            // …and a timeline of every step
            let timeline = detail.list("timeline").compactMap { $0.str("action") }
            #expect(timeline == ["case.opened", "exception.opened", "exception.opened", "exception.opened"])

            // When the same events are sent again, nothing changes
            let repeatAnswer = try await h.post(events: Events.reference + [Events.seedOrder])
            #expect(repeatAnswer["duplicates"] as? Int == 7)
            #expect(repeatAnswer.list("results").last?["caseIds"] as? [String] == [caseId])
            let after = try await h.get("/v1/cases/\(caseId)")
            #expect(after.list("timeline").count == detail.list("timeline").count)
            #expect(try await h.get("/v1/cases")["total"] as? Int == 1)
        }
    }

    @Test("stock arrival resolves the shortage automatically; passing the at-risk point escalates pricing; the audit chain catches an edit",
          arguments: TestDatabaseKind.available)
    func causeRemovedEscalationAndAudit(_ kind: TestDatabaseKind) async throws {
        try await Harness.run(kind) { h in
            try await h.post(events: Events.reference + [Events.seedOrder])
            let caseId = try #require(try await h.get("/v1/cases?orderId=SO-1").list("items").first?.str("id"))

            // When stock arrives at the DC
            let arrival = try await h.post(events: [Events.stockArrives])
            #expect(arrival.list("results").first?["caseIds"] as? [String] == [caseId])
            var detail = try await h.get("/v1/cases/\(caseId)")
            let shortage = try #require(detail.list("exceptions").first { $0.str("type") == "inventory.shortage" })
            #expect(shortage.str("state") == "resolved")
            #expect(shortage.str("resolutionCode") == "cause_removed")
            #expect(shortage["resolvedAutomatically"] as? Bool == true)
            let autoStep = try #require(detail.list("timeline").first { $0.str("action") == "exception.auto_resolved" })
            #expect(autoStep.str("reason")?.contains("stock-2") == true)

            // When the clock passes 75% of the pricing SLA (6 of 8 business hours: 15:00 CST)
            h.clock.set(Instant(iso8601: "2026-11-23T21:30:00Z")!)
            let fired = try await h.engine.fireDueTimers()
            #expect(fired >= 2)
            detail = try await h.get("/v1/cases/\(caseId)")
            let pricing = try #require(detail.list("exceptions").first { $0.str("type") == "pricing.contract_mismatch" })
            #expect(pricing.str("escalation") == "at_risk")
            #expect(detail.list("timeline").contains { $0.str("action") == "sla.at_risk" && $0.str("exceptionId") == pricing.str("id") })
            let logistics = try #require(detail.list("exceptions").first { $0.str("type") == "logistics.carrier_capacity" })
            #expect(logistics.str("escalation") == "breached")
            let queues = try await h.get("/v1/queues").list("queues")
            #expect(queues.first { $0.str("queue") == "pricing" }?["atRisk"] as? Int == 1)
            let openedPriority = try #require(detail.list("timeline").first { $0.str("action") == "exception.opened" && $0.str("exceptionId") == pricing.str("id") }?.obj("detail")["priority"] as? Double)
            #expect((pricing["priority"] as? Double ?? 0) > openedPriority, "the age part grows as the SLA runs")

            // When the pricing SLA passes (Monday 17:00 CST), the breach re-routes it up the escalation ladder
            h.clock.set(Instant(iso8601: "2026-11-23T23:30:00Z")!)
            try await h.engine.fireDueTimers()
            detail = try await h.get("/v1/cases/\(caseId)")
            let breached = try #require(detail.list("exceptions").first { $0.str("id") == pricing.str("id") })
            #expect(breached.str("escalation") == "breached")
            #expect(breached.str("queue") == "pricing_escalations")
            #expect(detail.list("timeline").contains { $0.str("action") == "exception.rerouted" && $0.str("before") == "pricing" && $0.str("after") == "pricing_escalations" })

            // Then the audit chain verifies, and stops verifying once a row is edited in the database
            let intact = try await h.engine.database.verifyAudit()
            #expect(intact.intact, "\(intact.problems)")
            #expect(intact.rowsChecked > 8)
            try await TestDatabase.tamper(h.engine.database, "UPDATE audit_log SET reason = 'nothing to see' WHERE seq = 3")
            let broken = try await h.engine.database.verifyAudit()
            #expect(!broken.intact)
            #expect(broken.problems.first?.contains("row 3") == true)
        }
    }
}
