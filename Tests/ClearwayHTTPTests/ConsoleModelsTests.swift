import ClearwayCore
import ClearwayEngine
import ClearwayTestSupport
import Foundation
import HTTPTypes
import Testing
@testable import ClearwayHTTP

@Suite("The console's Models and At risk pages")
struct ConsoleModelsTests {
    @Test("with no model serving the Models page says the rules read messages and offers no promotion to a viewer; At risk waits for history")
    func modelsAndRiskPages() async throws {
        try await Harness.run(.sqlite) { h in
            try await ConsoleTests.addPeople(h)
            try await h.post(events: Events.reference + [Events.seedOrder, TriageAPITests.order, TriageAPITests.whereIs])
            let vic = try #require(try await ConsoleTests.signIn(h, "vic", "vic-password-12").cookie)
            let models = String(buffer: try await h.send(.get, "/console/models", as: nil, headers: [.cookie: vic]).body)
            #expect(models.contains("No model serves: customer messages are read by the rules."))
            #expect(models.contains("0 read by the model, 1 by the rules"))
            #expect(!models.contains("Put in service") && !models.contains("Roll back"))
            let risk = String(buffer: try await h.send(.get, "/console/at-risk", as: nil, headers: [.cookie: vic]).body)
            #expect(risk.contains("No version yet: the model is trained daily once the record holds enough history"))
            #expect(!risk.contains("Train a version now"), "a viewer may not train one")

            let caseId = try #require(try await h.get("/v1/cases?orderId=SO-100001").list("items").first?.str("id"))
            let casePage = String(buffer: try await h.send(.get, "/console/cases/\(caseId)", as: nil, headers: [.cookie: vic]).body)
            #expect(casePage.contains("Read as <strong>track_order</strong> by the rules"))
            #expect(!casePage.contains("Correct the request type"), "a viewer gets no correction form")

            // An agent corrects it from the case page: the request moves to customer service.
            let ann = try #require(try await ConsoleTests.signIn(h, "ann", "ann-password-12").cookie)
            let annPage = String(buffer: try await h.send(.get, "/console/cases/\(caseId)", as: nil, headers: [.cookie: ann]).body)
            #expect(annPage.contains("Correct the request type"))
            let csrf = try #require(annPage.firstMatch(of: /name="csrf" value="([^"]+)"/)?.1)
            let exceptionId = try #require(try await h.get("/v1/cases/\(caseId)").list("exceptions").first { $0.str("type") == "customer.request" }?.str("id"))
            let posted = try await h.send(.post, "/console/cases/\(caseId)/exceptions/\(exceptionId)/request-type", as: nil,
                                          contentType: "application/x-www-form-urlencoded", body: "csrf=\(csrf)&requestType=complaint&reason=damaged", headers: [.cookie: ann])
            #expect(posted.status == .seeOther)
            let after = try #require(try await h.get("/v1/cases/\(caseId)").list("exceptions").first { $0.str("id") == exceptionId })
            #expect(after.str("queue") == "customer_service" && after.obj("triage").str("decidedBy") == "person")
        }
    }

    /// An order of BOLT-10 above the contract price: a pricing.contract_mismatch.
    static func overpriced(_ n: Int) -> String {
        Events.event("erp", "order-np-\(n)", "clearway.order.created.v1", """
            {"orderId":"SO-90\(n)","customerId":"ACME","site":"DC-CHI","channel":"edi","orderDate":"2026-11-23","requestedShipDate":"2026-11-30",
             "lines":[{"lineNumber":1,"sku":"BOLT-10","quantity":10,"unitOfMeasure":"EA","unitPrice":11.95}]}
            """)
    }

    @Test("a case recommends what resolved similar exceptions, with the history behind it; a person's verdict is recorded in the audit log")
    func recommendedNextSteps() async throws {
        try await Harness.run(.sqlite) { h in
            try await ConsoleTests.addPeople(h)
            try await h.post(events: Events.reference + (1...4).map(Self.overpriced))
            for n in 1...4 {
                h.clock.advance(seconds: 3_600)
                let done = try await h.resolve("pricing.contract_mismatch", onOrder: "SO-90\(n)", code: "price_corrected")
                #expect(done.status == .ok)
            }
            try await h.post(events: [Self.overpriced(5)])
            let caseId = try #require(try await h.get("/v1/cases?orderId=SO-905").list("items").first?.str("id"))
            let ann = try #require(try await ConsoleTests.signIn(h, "ann", "ann-password-12").cookie)
            let page = String(buffer: try await h.send(.get, "/console/cases/\(caseId)", as: nil, headers: [.cookie: ann]).body)
            // The four had gaps of the same size as this one, so all four count as alike in size.
            #expect(page.contains("<strong>Resolve with price corrected</strong>: resolved 4 of 4 with a gap of like size, 4 of 4 of the type, in median"), "\(page)")
            let csrf = try #require(page.firstMatch(of: /name="csrf" value="([^"]+)"/)?.1)
            let e = try #require(try await h.get("/v1/cases/\(caseId)").list("exceptions").first { $0.str("type") == "pricing.contract_mismatch" }?.str("id"))
            let judged = try await h.send(.post, "/console/cases/\(caseId)/exceptions/\(e)/recommendation", as: nil, contentType: "application/x-www-form-urlencoded",
                                          body: "csrf=\(csrf)&step=resolution%3Aprice_corrected&verdict=reject", headers: [.cookie: ann])
            #expect(judged.status == .seeOther)
            #expect(try await h.engine.queries.recommendationFeedback(type: "pricing.contract_mismatch")["resolution:price_corrected"]?.rejected == 1)
            let timeline = try await h.engine.queries.timeline(caseId: caseId)
            #expect(timeline.contains { $0.action == "recommendation.rejected" && $0.after == "resolution:price_corrected" })
            let again = String(buffer: try await h.send(.get, "/console/cases/\(caseId)", as: nil, headers: [.cookie: ann]).body)
            #expect(again.contains("accepted 0 of 1 times it was offered"))

            // The same through the API: the ranking, then a verdict as an agent (a viewer may only read).
            let api = try await h.send(.get, "/v1/cases/\(caseId)/exceptions/\(e)/recommendations", as: .viewer)
            #expect(api.status == .ok)
            let items = try #require(try JSONSerialization.jsonObject(with: Data(buffer: api.body)) as? [[String: Any]])
            #expect(items.first?.str("step") == "resolution:price_corrected" && items.first?.obj("guardrails").str("verdict") == "not_an_action")
            let body = #"{"step":"resolution:price_corrected","accepted":true}"#
            let uri = "/v1/cases/\(caseId)/exceptions/\(e)/recommendations/feedback"
            #expect(try await h.send(.post, uri, as: .viewer, contentType: "application/json", body: body).status == .forbidden)
            #expect(try await h.send(.post, uri, as: .agent, contentType: "application/json", body: body).status == .ok)
            #expect(try await h.send(.post, uri, as: .agent, contentType: "application/json", body: #"{"step":"drop table","accepted":true}"#).status == .unprocessableContent)
            #expect(try await h.engine.queries.recommendationFeedback(type: "pricing.contract_mismatch")["resolution:price_corrected"]?.accepted == 1)
            let risk = try await h.get("/v1/insights/breach-risk")
            #expect(risk["model"] == nil && risk.list("items").isEmpty, "too little history for a breach-risk model")
        }
    }

    @Test("an action the source systems completed on similar exceptions is recommended, checked against the guardrails for this one")
    func actionRecommendation() async throws {
        try await Harness.withSystems { h, _, dispatcher in
            try await h.post(events: Events.reference + (1...3).map { TouchlessOrders.order($0) })
            try await h.drain(dispatcher)
            try await h.post(events: [TouchlessOrders.order(4, price: "12.50")])
            let caseId = try #require(try await h.get("/v1/cases?orderId=SO-T4").list("items").first?.str("id"))
            let e = try #require(try await h.get("/v1/cases/\(caseId)").list("exceptions").first { $0.str("type") == "pricing.contract_mismatch" }?.str("id"))
            let response = try await h.send(.get, "/v1/cases/\(caseId)/exceptions/\(e)/recommendations", as: .agent)
            let items = try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [[String: Any]])
            let first = try #require(items.first)
            #expect(first.str("step") == "action:override_price" && first.str("label") == ActionKind.overridePrice.label)
            #expect(first.str("evidence")?.contains("3 of 3 of the type, in median") == true, "\(first)")
            let verdict = first.obj("guardrails").str("verdict")
            #expect(verdict == "pass" || verdict == "blocked", "the guardrails were consulted: \(first)")
        }
    }
}
