import ClearwayCore
import ClearwayTestSupport
import Foundation
import Testing

@Suite("Bulk work")
struct BulkWorkTests {
    @Test("re-route, reassign and resolve many exceptions at once, with one result per item and roles enforced", arguments: TestDatabaseKind.available)
    func bulk(_ kind: TestDatabaseKind) async throws {
        try await Harness.run(kind) { h in
            try await h.post(events: Events.reference + [Events.seedOrder])
            let c = try #require(try await h.get("/v1/cases").list("items").first)
            let caseId = try #require(c.str("id"))
            let ids = c.list("exceptions").compactMap { $0.str("id") }
            #expect(ids.count == 3)
            func items(_ list: [String]) -> String { "[" + list.map { #"{"caseId":"\#(caseId)","exceptionId":"\#($0)"}"# }.joined(separator: ",") + "]" }
            func bulk(_ role: Role, _ body: String) async throws -> (Int, [String: Any]) {
                let r = try await h.send(.post, "/v1/exceptions/bulk", as: role, contentType: "application/json", body: body)
                return (Int(r.status.code), try h.json(r))
            }

            #expect(try await bulk(.agent, #"{"operation":"reroute","queue":"pricing_escalations","items":\#(items(ids))}"#).0 == 403)
            let (status, moved) = try await bulk(.supervisor, #"{"operation":"reroute","queue":"pricing_escalations","items":\#(items(Array(ids.prefix(2)) + ["EXC-NOPE"]))}"#)
            #expect(status == 200)
            #expect(moved["succeeded"] as? Int == 2 && moved["failed"] as? Int == 1)
            #expect(moved.list("items").last?.str("error") == "No exception with id EXC-NOPE.")
            #expect(try await h.get("/v1/cases?queue=pricing_escalations").list("items").count == 1)
            let unknownQueue = try await bulk(.supervisor, #"{"operation":"reroute","queue":"nowhere","items":\#(items(ids))}"#)
            #expect(unknownQueue.0 == 422)
            #expect(unknownQueue.1.list("errors").first?.str("detail")?.contains("policy's queues") == true)

            let (_, assigned) = try await bulk(.supervisor, #"{"operation":"assign","assignee":"maria","items":\#(items(ids))}"#)
            #expect(assigned["succeeded"] as? Int == 3)
            #expect(try await bulk(.agent, #"{"operation":"resolve","code":"Bad Code","items":\#(items(ids))}"#).0 == 422)
            let (_, resolved) = try await bulk(.agent, #"{"operation":"resolve","code":"price_corrected","items":\#(items(ids))}"#)
            #expect(resolved["succeeded"] as? Int == 3)
            #expect(try await h.get("/v1/cases/\(caseId)").obj("case").str("state") == "resolved")
            let timeline = try await h.get("/v1/cases/\(caseId)").list("timeline").filter { $0.str("action") == "exception.rerouted" }
            #expect(timeline.count == 2 && timeline.first?.str("after") == "pricing_escalations")
        }
    }
}
