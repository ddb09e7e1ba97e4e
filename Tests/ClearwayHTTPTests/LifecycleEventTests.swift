import ClearwayCore
import ClearwayTestSupport
import Foundation
import Testing

/// Later events that change an order's situation, through HTTP.
@Suite("Events that change a case")
struct LifecycleEventTests {
    @Test("cancelling the order cancels its open exceptions and closes the case")
    func orderCancelled() async throws {
        try await Harness.run(.sqlite) { h in
            try await h.post(events: Events.reference + [Events.seedOrder])
            let cancel = Events.event("erp", "cancel-1", "clearway.order.cancelled.v1", #"{"orderId":"SO-1","reason":"Customer cancelled by phone"}"#)
            let answer = try await h.post(events: [cancel])
            let caseId = try #require((answer.list("results").first?["caseIds"] as? [String])?.first)
            let detail = try await h.get("/v1/cases/\(caseId)")
            #expect(detail.obj("case").str("state") == "cancelled")
            #expect(detail.list("exceptions").allSatisfy { $0.str("state") == "cancelled" })
            #expect(detail.list("timeline").contains { $0.str("action") == "exception.cancelled" && $0.str("reason") == "Customer cancelled by phone" })
            let unknown = Events.event("erp", "cancel-2", "clearway.order.cancelled.v1", #"{"orderId":"SO-404"}"#)
            #expect(try await h.post(events: [unknown])["deadLettered"] as? Int == 1)
        }
    }

    @Test("a credit hold opens a credit exception; finance releasing it resolves the exception automatically")
    func creditHoldAndRelease() async throws {
        try await Harness.run(.sqlite) { h in
            let stock = Events.event("wms", "stock-big", "clearway.inventory.snapshot.v1",
                                     #"{"site":"DC-CHI","positions":[{"sku":"WIRE-2","erpOnHand":500,"wmsOnHand":500}]}"#)
            let order = Events.seedOrder.replacingOccurrences(of: #""lane":"CHI-DET","#, with: "").replacingOccurrences(of: "11.95", with: "10.40")
            try await h.post(events: Events.reference + [stock, order])
            #expect(try await h.get("/v1/cases")["total"] as? Int == 0)

            let hold = Events.event("finance", "credit-1", "clearway.credit.status_changed.v1", #"{"customerId":"ACME","standing":"hold"}"#)
            let held = try await h.post(events: [hold])
            let caseId = try #require((held.list("results").first?["caseIds"] as? [String])?.first)
            var exceptions = try await h.get("/v1/cases/\(caseId)").list("exceptions")
            #expect(exceptions.map { $0.str("type") } == ["credit.account_hold"])
            #expect(exceptions.first?.str("queue") == "credit")

            let release = Events.event("finance", "credit-2", "clearway.credit.status_changed.v1", #"{"customerId":"ACME","standing":"good"}"#)
            try await h.post(events: [release])
            let detail = try await h.get("/v1/cases/\(caseId)")
            exceptions = detail.list("exceptions")
            #expect(exceptions.first?.str("state") == "resolved")
            #expect(detail.obj("case").str("state") == "resolved")
            #expect(try await h.get("/v1/insights/kpis")["touchlessRate"] as? Double == 1)

            // A credit event for a customer Clearway has never seen waits as a dead letter.
            let stranger = Events.event("finance", "credit-3", "clearway.credit.status_changed.v1", #"{"customerId":"NOBODY","standing":"hold"}"#)
            #expect(try await h.post(events: [stranger])["deadLettered"] as? Int == 1)
        }
    }

    @Test("a customer's e-mail about an order joins that order's case; one about no known order gets a customer case")
    func customerMessages() async throws {
        try await Harness.run(.sqlite) { h in
            try await h.post(events: Events.reference + [Events.seedOrder])
            let onOrder = Events.event("mail", "m1", "clearway.customer.message_received.v1",
                                       #"{"messageId":"M1","customerId":"ACME","orderId":"SO-1","subject":"Rush please","body":"Can you expedite SO-1?"}"#)
            let answer = try await h.post(events: [onOrder])
            let caseId = try #require((answer.list("results").first?["caseIds"] as? [String])?.first)
            let request = try #require(try await h.get("/v1/cases/\(caseId)").list("exceptions").first { $0.str("type") == "customer.request" })
            // With no model serving, the rules read it; an expedite request goes to logistics.
            #expect(request.str("queue") == "logistics")
            #expect(request.list("evidence").first?.str("actual") == "expedite_order")
            #expect(request.str("decidedBy") == "rules" && request.obj("triage").str("decidedBy") == "rules")

            let loose = Events.event("mail", "m2", "clearway.customer.message_received.v1",
                                     #"{"messageId":"M2","customerId":"ACME","body":"Please cancel PO 7781, we no longer need it"}"#)
            let second = try await h.post(events: [loose])
            let customerCase = try #require((second.list("results").first?["caseIds"] as? [String])?.first)
            #expect(customerCase != caseId)
            let detail = try await h.get("/v1/cases/\(customerCase)")
            #expect(detail.obj("case").str("orderKey") == "customer:ACME")
            #expect(detail.list("exceptions").first?.list("evidence").first?.str("actual") == "cancel_order")
            #expect(detail.list("exceptions").first?.obj("triage").obj("details")["orderNumbers"] as? [String] == ["PO-7781"])
            #expect(detail.list("exceptions").first?.str("queue") == "customer_service")
        }
    }

    @Test("a customer's message answered once is not raised again when its order changes after the case closed")
    func answeredMessageStaysAnswered() async throws {
        try await Harness.run(.sqlite) { h in
            let clean = Events.event("erp", "order-so-9", "clearway.order.created.v1", """
                {"orderId":"SO-9","customerId":"ACME","site":"DC-CHI","channel":"edi","orderDate":"2026-11-23","requestedShipDate":"2026-11-25",
                 "lane":"CHI-MSP","lines":[{"lineNumber":1,"sku":"BOLT-10","quantity":100,"unitOfMeasure":"EA","unitPrice":10.40}]}
                """)
            try await h.post(events: Events.reference + [clean])
            let message = Events.event("mail", "m9", "clearway.customer.message_received.v1",
                                       #"{"messageId":"M9","customerId":"ACME","orderId":"SO-9","body":"Can you expedite SO-9?"}"#)
            let caseId = try #require((try await h.post(events: [message]).list("results").first?["caseIds"] as? [String])?.first)
            let request = try #require(try await h.get("/v1/cases/\(caseId)").list("exceptions").first)
            let base = "/v1/cases/\(caseId)/exceptions/\(try #require(request.str("id")))"
            #expect(try await h.send(.post, base + "/claim", as: .agent).status == .ok)
            let resolved = try await h.send(.post, base + "/resolve", as: .agent, contentType: "application/json", body: #"{"code":"customer_answered"}"#)
            #expect(resolved.status == .ok)
            #expect(try await h.get("/v1/cases/\(caseId)").obj("case").str("state") == "resolved")

            let update = clean.replacingOccurrences(of: "order-so-9", with: "order-so-9-v2").replacingOccurrences(of: "order.created", with: "order.updated")
            let after = try await h.post(events: [update])
            #expect((after.list("results").first?["caseIds"] as? [String]) == [], "no new case for an answered message")
            #expect(try await h.get("/v1/cases?orderId=SO-9")["total"] as? Int == 1)
        }
    }

    @Test("an order update that fixes the price resolves the pricing exception; a shipped order's failed delivery opens one")
    func orderUpdatesAndDelivery() async throws {
        try await Harness.run(.sqlite) { h in
            try await h.post(events: Events.reference + [Events.seedOrder])
            let fixed = Events.seedOrder.replacingOccurrences(of: "order-so-1", with: "order-so-1-v2")
                .replacingOccurrences(of: "clearway.order.created.v1", with: "clearway.order.updated.v1").replacingOccurrences(of: "11.95", with: "10.40")
            let answer = try await h.post(events: [fixed])
            let caseId = try #require((answer.list("results").first?["caseIds"] as? [String])?.first)
            let pricing = try #require(try await h.get("/v1/cases/\(caseId)").list("exceptions").first { $0.str("type") == "pricing.contract_mismatch" })
            #expect(pricing.str("state") == "resolved")

            let shipped = fixed.replacingOccurrences(of: "order-so-1-v2", with: "order-so-1-v3").replacingOccurrences(of: #""channel":"edi","#, with: #""channel":"edi","status":"shipped","#)
            try await h.post(events: [shipped])
            let failed = Events.event("tms", "ms-1", "clearway.shipment.milestone.v1",
                                      #"{"orderId":"SO-1","shipmentId":"PRO-1","carrier":"FASTFREIGHT","status":"failed","reason":"Consignee closed"}"#)
            let delivery = try await h.post(events: [failed])
            let deliveryCase = try #require((delivery.list("results").first?["caseIds"] as? [String])?.first)
            let exceptions = try await h.get("/v1/cases/\(deliveryCase)").list("exceptions")
            #expect(exceptions.contains { $0.str("type") == "logistics.delivery_failed" && $0.str("state") == "open" })
        }
    }
}
