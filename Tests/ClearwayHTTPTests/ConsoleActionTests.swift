import ClearwayCore
import ClearwayEngine
import ClearwayStore
import ClearwayTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
@testable import ClearwayHTTP

/// Acting from the console: an agent asks for a price override, an approver finds it in
/// the approval inbox and approves it; a viewer is offered no way to act.
@Suite struct ConsoleActionTests {
    func form(_ h: Harness, _ path: String, cookie: String, csrf: Substring, _ fields: String) async throws -> TestResponse {
        try await h.send(.post, path, as: nil, contentType: "application/x-www-form-urlencoded", body: "csrf=\(csrf)&" + fields, headers: [.cookie: cookie])
    }

    @Test func anAgentAsksAnApproverApprovesFromTheInboxAndAViewerCannotAct() async throws {
        try await Harness.run(.sqlite) { h in
            let db = h.engine.database, now = h.clock.now()
            _ = try await db.createUser(username: "ann", displayName: "Ann Agent", role: .agent, password: "ann-password-12", at: now, by: "test setup", rounds: 1_000)
            _ = try await db.createUser(username: "pat", displayName: "Pat Pricing", role: .pricingApprover, password: "pat-password-12", at: now, by: "test setup", rounds: 1_000)
            _ = try await db.createUser(username: "vic", displayName: "Vic Viewer", role: .viewer, password: "vic-password-12", at: now, by: "test setup", rounds: 1_000)
            try await h.post(events: Events.reference + [Events.seedOrder])
            let c = try #require(try await h.get("/v1/cases?queue=pricing").list("items").first)
            let caseId = try #require(c.str("id"))
            let exceptionId = try #require(c.list("exceptions").first { $0.str("type") == "pricing.contract_mismatch" }?.str("id"))

            let ann = try #require(try await ConsoleTests.signIn(h, "ann", "ann-password-12").cookie)
            let page = String(buffer: try await h.send(.get, "/console/cases/\(caseId)", as: nil, headers: [.cookie: ann]).body)
            #expect(page.contains("<summary>Override price</summary>"))
            #expect(page.contains("name=\"unitPrice\" type=\"number\" value=\"10.40\""), "the form is prefilled with the contract price")
            let csrf = try #require(page.firstMatch(of: /name="csrf" value="([^"]+)"/)?.1)
            let act = "/console/cases/\(caseId)/exceptions/\(exceptionId)/act"

            let checked = try await form(h, act, cookie: ann, csrf: csrf, "kind=override_price&mode=check&line=1&unitPrice=5.5")
            let notice = try #require(checked.headers[.location]).removingPercentEncoding ?? ""
            #expect(notice.contains("blocked") && notice.contains("fasteners floor of 18%"))
            #expect(try await h.get("/v1/cases/\(caseId)/actions").list("items").isEmpty, "checking changes nothing")

            let asked = try await form(h, act, cookie: ann, csrf: csrf, "kind=override_price&mode=ask&line=1&unitPrice=10.9")
            #expect(asked.status == .seeOther)
            #expect((asked.headers[.location]?.removingPercentEncoding ?? "").contains("waits for pricing_approver approval"))

            let pat = try #require(try await ConsoleTests.signIn(h, "pat", "pat-password-12").cookie)
            let inbox = String(buffer: try await h.send(.get, "/console/approvals", as: nil, headers: [.cookie: pat]).body)
            let actionId = try #require(inbox.firstMatch(of: /\/console\/actions\/(ACT-[^\/"]+)\/approve/)?.1)
            // What the approver decides on is on the page: customer and tier, the stake, the
            // guardrails' verdicts, who asked and how long it waited, and one reason field.
            #expect(inbox.contains("ACME · key tier"), "\(inbox.prefix(4000))")
            #expect(inbox.contains("against contract") && inbox.contains("amount $"))
            #expect(inbox.contains("Asked by ") && inbox.contains("waiting "))
            #expect(inbox.contains("<span class=\"badge on_track\">pass</span>"))
            #expect(inbox.components(separatedBy: "name=\"reason\"").count == 2, "one reason field for the one request")
            #expect(!inbox.contains("{}"), "no raw parameter JSON")
            let patCsrf = try #require(inbox.firstMatch(of: /name="csrf" value="([^"]+)"/)?.1)
            let approved = try await form(h, "/console/actions/\(actionId)/approve", cookie: pat, csrf: patCsrf, "back=%2Fconsole%2Fapprovals&reason=ok")
            #expect(approved.headers[.location]?.hasPrefix("/console/approvals") == true)
            #expect(try await h.get("/v1/actions/\(actionId)").str("state") == "queued")

            let vic = try #require(try await ConsoleTests.signIn(h, "vic", "vic-password-12").cookie)
            let viewerPage = String(buffer: try await h.send(.get, "/console/cases/\(caseId)", as: nil, headers: [.cookie: vic]).body)
            #expect(!viewerPage.contains("Ask for it"))
            let viewerCsrf = try #require(viewerPage.firstMatch(of: /name="csrf" value="([^"]+)"/)?.1)
            #expect(try await form(h, act, cookie: vic, csrf: viewerCsrf, "kind=notify_customer&mode=ask&subject=x&message=y").status == .forbidden)
            #expect(try await h.send(.get, "/console/deliveries", as: nil, headers: [.cookie: vic]).status == .forbidden)
        }
    }
}
