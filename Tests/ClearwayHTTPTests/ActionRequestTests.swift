import ClearwayCore
import ClearwayEngine
import ClearwayTestSupport
import Foundation
import Testing

@Suite("Asking for actions, approvals and overrides")
struct ActionRequestTests {
    /// The seed order's pricing exception (11.95 against a 10.40 contract: too far for the touchless rule).
    func pricingException(_ h: Harness) async throws -> (caseId: String, base: String) {
        try await h.post(events: Events.reference + [Events.seedOrder])
        let summary = try #require(try await h.get("/v1/cases?queue=pricing").list("items").first)
        let caseId = try #require(summary.str("id"))
        let exceptionId = try #require(summary.list("exceptions").first { $0.str("type") == "pricing.contract_mismatch" }?.str("id"))
        return (caseId, "/v1/cases/\(caseId)/exceptions/\(exceptionId)/actions")
    }

    func request(_ h: Harness, _ path: String, as role: Role, _ body: String) async throws -> (Int, [String: Any]) {
        let response = try await h.send(.post, path, as: role, contentType: "application/json", body: body)
        return (Int(response.status.code), try h.json(response))
    }

    @Test("a blocked action is refused with each failed guardrail and its reason; the dry run says the same and changes nothing",
          arguments: TestDatabaseKind.available)
    func guardrailBlock(_ kind: TestDatabaseKind) async throws {
        try await Harness.run(kind) { h in
            let (caseId, base) = try await pricingException(h)
            let body = #"{"kind":"override_price","parameters":{"line":1,"unitPrice":5.5}}"#
            let (dryStatus, dry) = try await request(h, base + "/dry-run", as: .agent, body)
            #expect(dryStatus == 200)
            #expect(dry["allowed"] as? Bool == false)
            #expect(dry.list("checks").contains { $0.str("id") == "margin.floor" && $0["passed"] as? Bool == false })
            let (status, problem) = try await request(h, base, as: .agent, body)
            #expect(status == 409)
            #expect(problem.str("title") == "Blocked by guardrails")
            #expect(Set(problem.list("guardrails").compactMap { $0.str("id") }) == ["price.change_limit", "margin.floor"])
            #expect(problem.str("detail")?.contains("fasteners floor of 18%") == true)
            #expect(try await h.get("/v1/cases/\(caseId)/actions").list("items").isEmpty)
        }
    }

    @Test("bad parameters are named by pointer; an unknown kind breaks the contract")
    func badParameters() async throws {
        try await Harness.run(.sqlite) { h in
            let (_, base) = try await pricingException(h)
            let (status, problem) = try await request(h, base, as: .agent, #"{"kind":"allocate_from_site","parameters":{"line":"one","quantity":-2}}"#)
            #expect(status == 422)
            let pointers = Set(problem.list("errors").compactMap { $0.str("pointer") })
            #expect(pointers == ["/parameters/line", "/parameters/site", "/parameters/quantity"])
            let (unknown, _) = try await request(h, base, as: .agent, #"{"kind":"launch_rocket"}"#)
            #expect(unknown == 422)
            #expect(try await h.send(.post, base, as: .viewer, contentType: "application/json", body: #"{"kind":"release_hold"}"#).status == .forbidden)
        }
    }

    @Test("an override past the threshold waits for a pricing approver; four-eyes stops self-approval; approval queues it and records the latency",
          arguments: TestDatabaseKind.available)
    func approval(_ kind: TestDatabaseKind) async throws {
        try await Harness.run(kind) { h in
            let (caseId, base) = try await pricingException(h)
            let (status, action) = try await request(h, base, as: .approver, #"{"kind":"override_price","parameters":{"line":1,"unitPrice":10.9}}"#)
            #expect(status == 201)
            #expect(action.str("state") == "pending_approval")
            #expect(action.obj("approval").str("role") == "pricing_approver")
            let id = try #require(action.str("id"))
            #expect(try await h.get("/v1/cases/\(caseId)").list("exceptions").first { $0.str("type") == "pricing.contract_mismatch" }?.str("state") == "waiting")
            #expect(try await h.get("/v1/insights/kpis")["actionsPendingApproval"] as? Int == 1)

            let (selfStatus, selfProblem) = try await request(h, "/v1/actions/\(id)/approve", as: .approver, "{}")
            #expect(selfStatus == 403)
            #expect(selfProblem.str("detail")?.contains("four-eyes") == true)
            let (creditStatus, _) = try await request(h, "/v1/actions/\(id)/approve", as: .creditApprover, "{}")
            #expect(creditStatus == 403)
            let (agentStatus, _) = try await request(h, "/v1/actions/\(id)/approve", as: .agent, "{}")
            #expect(agentStatus == 403)

            h.clock.advance(seconds: 1_800)
            // The pricing approver's inbox says what is decided; the asker's own inbox leaves it out.
            let inbox = try await h.get("/v1/approvals", as: .pricingApprover).list("items")
            let item = try #require(inbox.first)
            #expect(inbox.count == 1 && item.obj("action").str("id") == id)
            #expect(item.str("customerId") == "ACME" && item.str("customerTier") == "key" && item.str("orderId") == "SO-1")
            #expect(item["waitingMinutes"] as? Double == 30)
            #expect(item.list("evidence").contains { $0.str("label") == "unit price" && $0.str("expected") == "10.40" })
            #expect(item.list("lines").count == 2 && !item.obj("action").list("checks").isEmpty)
            #expect(try await h.get("/v1/approvals", as: .approver).list("items").isEmpty, "four-eyes: not the asker's to decide")
            let (okStatus, approved) = try await request(h, "/v1/actions/\(id)/approve", as: .pricingApprover, #"{"reason":"Customer agreed by phone"}"#)
            #expect(okStatus == 200)
            #expect(approved.str("state") == "queued")
            #expect(approved.str("decidedBy")?.contains("pricing_approver-key") == true)
            let entry = try await h.get("/v1/cases/\(caseId)").list("timeline").first { $0.str("action") == "action.queued" }
            #expect(entry?.obj("detail")["approvalLatencySeconds"] as? Double == 1_800)
            let (again, _) = try await request(h, "/v1/actions/\(id)/approve", as: .supervisor, "{}")
            #expect(again == 409)
        }
    }

    @Test("an approval waiting past its target goes to the next role, who is told; the role before can no longer decide it",
          arguments: TestDatabaseKind.available)
    func approvalEscalates(_ kind: TestDatabaseKind) async throws {
        try await Harness.run(kind) { h in
            _ = try await h.engine.database.createUser(username: "ava", displayName: "Ava", role: .approver, password: "ava-password-12",
                                                       at: h.clock.now(), by: "test setup", rounds: 1_000)
            let (caseId, base) = try await pricingException(h)
            let (_, action) = try await request(h, base, as: .agent, #"{"kind":"override_price","parameters":{"line":1,"unitPrice":10.9}}"#)
            let id = try #require(action.str("id"))
            // Four business hours from Monday 09:00 in Chicago: 13:00.
            h.clock.set(Instant(iso8601: "2026-11-23T18:59:00Z")!)
            _ = try await h.engine.fireDueTimers()
            #expect(try await h.get("/v1/actions/\(id)").obj("approval").str("role") == "pricing_approver")
            h.clock.set(Instant(iso8601: "2026-11-23T19:00:00Z")!)
            _ = try await h.engine.fireDueTimers()
            #expect(try await h.get("/v1/actions/\(id)").obj("approval").str("role") == "approver")
            let told = try await h.engine.notifications(by: Principal(id: "usr_ava", name: "ava", role: .approver)).items
            #expect(told.map(\.trigger) == [.approvalWaiting] && told.first?.caseId == caseId)
            let (late, problem) = try await request(h, "/v1/actions/\(id)/approve", as: .pricingApprover, "{}")
            #expect(late == 403 && problem.str("detail")?.contains("needs a approver") == true)
            // Four more business hours (17:00, closing): a supervisor decides; a decided request escalates no further.
            h.clock.set(Instant(iso8601: "2026-11-23T23:00:00Z")!)
            _ = try await h.engine.fireDueTimers()
            #expect(try await h.get("/v1/actions/\(id)").obj("approval").str("role") == "supervisor")
            let (ok, approved) = try await request(h, "/v1/actions/\(id)/approve", as: .supervisor, #"{"reason":"Waited long enough"}"#)
            #expect(ok == 200 && approved.str("state") == "queued")
            h.clock.set(Instant(iso8601: "2026-11-24T20:00:00Z")!)
            _ = try await h.engine.fireDueTimers()
            let escalations = try await h.get("/v1/cases/\(caseId)").list("timeline").filter { $0.str("action") == "approval.escalated" }
            #expect(escalations.map { "\($0.str("before") ?? "") → \($0.str("after") ?? "")" } == ["pricing_approver → approver", "approver → supervisor"])
        }
    }

    @Test("a rejection needs a reason and hands the exception back to its queue")
    func rejection() async throws {
        try await Harness.run(.sqlite) { h in
            let (caseId, base) = try await pricingException(h)
            let (_, action) = try await request(h, base, as: .agent, #"{"kind":"override_price","parameters":{"line":1,"unitPrice":10.9}}"#)
            let id = try #require(action.str("id"))
            let (noReason, problem) = try await request(h, "/v1/actions/\(id)/reject", as: .pricingApprover, "{}")
            #expect(noReason == 422)
            #expect(problem.list("errors").first?.str("pointer") == "/reason")
            let (status, rejected) = try await request(h, "/v1/actions/\(id)/reject", as: .pricingApprover, #"{"reason":"Contract price stands"}"#)
            #expect(status == 200 && rejected.str("state") == "rejected")
            #expect(try await h.get("/v1/cases/\(caseId)").list("exceptions").first { $0.str("type") == "pricing.contract_mismatch" }?.str("state") == "open")
        }
    }

    @Test("only a supervisor may force an action against policy, with a reason; the audit log flags it")
    func override() async throws {
        try await Harness.run(.sqlite) { h in
            let (caseId, base) = try await pricingException(h)
            let forced = #"{"kind":"override_price","parameters":{"line":1,"unitPrice":5.5},"overrideReason":"Clearance deal signed by the VP of sales"}"#
            #expect(try await request(h, base, as: .agent, forced).0 == 403)
            #expect(try await request(h, base, as: .supervisor, #"{"kind":"override_price","parameters":{"line":1,"unitPrice":5.5},"overrideReason":"ok"}"#).0 == 422)
            let (status, action) = try await request(h, base, as: .supervisor, forced)
            #expect(status == 201)
            #expect(action.str("state") == "queued")
            #expect(action["override"] as? Bool == true)
            let flagged = try await h.get("/v1/cases/\(caseId)").list("timeline").first { $0.str("action") == "action.overridden" }
            #expect(flagged?.obj("detail")["override"] as? Bool == true)
            #expect(flagged?.str("reason") == "Clearance deal signed by the VP of sales")

            // A queued action not yet tried can be skipped, with a reason; the exception returns.
            let id = try #require(action.str("id"))
            #expect(try await request(h, "/v1/actions/\(id)/skip", as: .agent, #"{"reason":"changed my mind about it"}"#).0 == 403)
            let (skipped, skippedAction) = try await request(h, "/v1/actions/\(id)/skip", as: .supervisor, #"{"reason":"VP withdrew the clearance deal"}"#)
            #expect(skipped == 200 && skippedAction.str("state") == "cancelled")
            #expect(try await h.get("/v1/cases/\(caseId)").list("exceptions").first { $0.str("type") == "pricing.contract_mismatch" }?.str("state") == "open")
        }
    }

    @Test("without a connector, or in recommend-only mode, a touchless rule only recommends; a person executes it with one call")
    func recommendations() async throws {
        var policy = try DefaultPolicy.load()
        policy.actions.autoResolution.mode = .recommendOnly
        try await Harness.run(.sqlite, policy: policy) { h in
            try await h.post(events: Events.reference + [TouchlessOrders.order(1)])
            let recommended = try #require(try await h.actions().first)
            #expect(recommended.str("state") == "recommended")
            let caseId = try #require(recommended.str("caseId"))
            #expect(try await h.exception(caseId).str("state") == "open")
            let (status, executed) = try await request(h, "/v1/actions/\(recommended.str("id")!)/execute", as: .agent, "{}")
            #expect(status == 200 && executed.str("state") == "queued")
            #expect(executed.str("requestedBy")?.contains("agent-key") == true)
            #expect(try await h.exception(caseId).str("state") == "waiting")
        }
        var off = try DefaultPolicy.load()
        off.actions.autoResolution.rules = off.actions.autoResolution.rules.map { var r = $0; r.enabled = false; return r }
        try await Harness.run(.sqlite, policy: off) { h in
            try await h.post(events: Events.reference + [TouchlessOrders.order(1)])
            #expect(try await h.actions().isEmpty)
        }
    }
}
