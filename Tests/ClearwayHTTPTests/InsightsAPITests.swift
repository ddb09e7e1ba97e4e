import ClearwayCore
import ClearwayTestSupport
import Foundation
import Testing

@Suite("Insights through the API")
struct InsightsAPITests {
    @Test("the period's report counts what happened: three opened, one cleared touchless by stock arriving, two in the backlog",
          arguments: TestDatabaseKind.available)
    func report(_ kind: TestDatabaseKind) async throws {
        try await Harness.run(kind) { h in
            try await h.post(events: Events.reference + [Events.seedOrder, Events.stockArrives])
            let r = try await h.get("/v1/insights/report?from=2026-11-01&to=2026-12-01")
            #expect(r.str("from") == "2026-11-01")
            #expect(r.str("to") == "2026-12-01")
            #expect(r["opened"] as? Int == 3)
            #expect(r["resolved"] as? Int == 1)
            #expect(r["touchlessRate"] as? Double == 1)
            #expect(r["backlogOpen"] as? Int == 2)
            #expect((r["revenueAtRisk"] as? Double ?? 0) > 0)
            let pricingOnly = try await h.get("/v1/insights/report?from=2026-11-01&to=2026-12-01&type=pricing.contract_mismatch")
            #expect(pricingOnly["opened"] as? Int == 1)
            #expect(pricingOnly["resolved"] as? Int == 0)
            let before = try await h.get("/v1/insights/report?from=2026-10-01&to=2026-11-01")
            #expect(before["opened"] as? Int == 0)

            // Too few exceptions for any concentration to mean anything.
            let causes = try await h.send(.get, "/v1/insights/root-causes", as: .viewer)
            #expect(causes.status == .ok)
            let findings = try JSONSerialization.jsonObject(with: Data(String(buffer: causes.body).utf8)) as? [Any]
            #expect(findings?.isEmpty == true)
        }
    }

    @Test("the period's case event log exports as OCEL 2.0 JSON with exceptions, cases and orders as objects")
    func ocelExport() async throws {
        try await Harness.run(.sqlite) { h in
            try await h.post(events: Events.reference + [Events.seedOrder, Events.stockArrives])
            let doc = try await h.get("/v1/insights/ocel?from=2026-11-01&to=2026-12-01")
            #expect(Set(doc.list("objectTypes").compactMap { $0.str("name") }) == ["exception", "case", "order"])
            let objects = doc.list("objects")
            #expect(objects.filter { $0.str("type") == "exception" }.count == 3)
            #expect(objects.contains { $0.str("type") == "order" && $0.str("id") == "SO-1" })
            let events = doc.list("events")
            #expect(events.contains { $0.str("type") == "opened in pricing" })
            #expect(events.allSatisfy { ($0["time"] as? String)?.hasSuffix("Z") == true })
        }
    }

    @Test("a bad date or an unknown type is refused with the field named")
    func badInput() async throws {
        try await Harness.run(.sqlite) { h in
            let badDate = try await h.send(.get, "/v1/insights/report?from=November", as: .viewer)
            #expect(badDate.status == .unprocessableContent)
            #expect(String(buffer: badDate.body).contains("/query/from"))
            #expect(String(buffer: badDate.body).contains("is not a date"))
            let backwards = try await h.send(.get, "/v1/insights/root-causes?from=2026-11-10&to=2026-11-01", as: .viewer)
            #expect(String(buffer: backwards.body).contains("must be before to"))
            let badType = try await h.send(.get, "/v1/insights/report?type=pricing.anything", as: .viewer)
            #expect(String(buffer: badType.body).contains("unknown exception type 'pricing.anything'"))
        }
    }
}
