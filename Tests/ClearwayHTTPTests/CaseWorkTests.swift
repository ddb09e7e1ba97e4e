import ClearwayCore
import ClearwayTestSupport
import Foundation
import Hummingbird
import Testing

@Suite("Working cases through the API")
struct CaseWorkTests {
    @Test("claim, comment and resolve with a code; resolving twice is a conflict; the timeline records who did what",
          arguments: TestDatabaseKind.available)
    func claimCommentResolve(_ kind: TestDatabaseKind) async throws {
        try await Harness.run(kind) { h in
            let (caseId, exceptionId, base) = try await h.seededPricingException()

            // A viewer may look but not touch.
            #expect(try await h.send(.post, base + "/claim", as: .viewer).status == .forbidden)

            let claimed = try h.json(try await h.send(.post, base + "/claim", as: .agent))
            #expect(claimed.str("state") == "assigned")
            #expect(claimed.str("assignee") == "agent-key")
            #expect(try await h.get("/v1/cases/\(caseId)").obj("case").str("state") == "in_progress")

            // Agents cannot hand work to others; supervisors can.
            let handOff = try await h.send(.post, base + "/assign", as: .agent, contentType: "application/json", body: #"{"assignee":"maria"}"#)
            #expect(handOff.status == .forbidden)
            let assigned = try await h.send(.post, base + "/assign", as: .supervisor, contentType: "application/json", body: #"{"assignee":"maria"}"#)
            #expect(try h.json(assigned).str("assignee") == "maria")

            let comment = try await h.send(.post, "/v1/cases/\(caseId)/comments", as: .agent, contentType: "application/json",
                                           body: #"{"text":"Customer confirmed the contract price applies."}"#)
            #expect(comment.status == .created)

            let badCode = try await h.send(.post, base + "/resolve", as: .agent, contentType: "application/json", body: #"{"code":"Price Fixed!"}"#)
            #expect(badCode.status == .unprocessableContent)
            let resolved = try await h.send(.post, base + "/resolve", as: .agent, contentType: "application/json",
                                            body: #"{"code":"price_corrected","note":"Rebilled at 10.40"}"#)
            let body = try h.json(resolved)
            #expect(body.str("state") == "resolved")
            #expect(body.str("resolutionCode") == "price_corrected")
            #expect(body["resolvedAutomatically"] as? Bool == false)

            let again = try await h.send(.post, base + "/resolve", as: .agent, contentType: "application/json", body: #"{"code":"price_corrected"}"#)
            #expect(again.status == .conflict)
            #expect(try h.json(again).str("detail")?.contains("resolved") == true)

            let timeline = try await h.get("/v1/cases/\(caseId)").list("timeline")
            #expect(timeline.contains { $0.str("action") == "case.commented" && ($0.str("actor") ?? "").contains("agent-key") })
            #expect(timeline.contains { $0.str("action") == "exception.resolved" && $0.str("reason") == "Rebilled at 10.40" })
            let missing = try await h.send(.post, "/v1/cases/CASE-NOPE/exceptions/\(exceptionId)/claim", as: .agent)
            #expect(missing.status == .notFound)
        }
    }

    @Test("filters validate their values and the KPIs reflect the work")
    func filtersAndKpis() async throws {
        try await Harness.run(.sqlite) { h in
            try await h.post(events: Events.reference + [Events.seedOrder, Events.stockArrives])
            let bad = try await h.send(.get, "/v1/cases?state=sleeping&type=pricing.oops", as: .viewer)
            #expect(bad.status == .unprocessableContent)
            #expect(Set(try h.json(bad).list("errors").compactMap { $0.str("pointer") }) == ["/query/state", "/query/type"])
            #expect(try await h.get("/v1/cases?type=logistics.carrier_capacity&tier=key&site=DC-CHI")["total"] as? Int == 1)
            #expect(try await h.get("/v1/cases?state=resolved")["total"] as? Int == 0)
            #expect(try await h.get("/v1/cases?minAgeHours=1")["total"] as? Int == 0)
            h.clock.advance(seconds: 7200)
            #expect(try await h.get("/v1/cases?minAgeHours=1")["total"] as? Int == 1)
            let kpis = try await h.get("/v1/insights/kpis")
            #expect(kpis["backlogOpen"] as? Int == 1)
            #expect(kpis["touchlessRate"] as? Double == 1.0)
            #expect(kpis["exceptionsOpen"] as? Int == 2)
        }
    }
}
