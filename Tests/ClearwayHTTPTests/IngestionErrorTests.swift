import ClearwayCore
import ClearwayTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import Testing

/// Bad input gets a clear problem+json naming the problem, and the server keeps serving.
@Suite("Ingestion errors")
struct IngestionErrorTests {
    func expectProblem(_ h: Harness, _ response: TestResponse, status: HTTPResponse.Status, mentioning text: String? = nil,
                       pointer: String? = nil) throws {
        #expect(response.status == status, "\(String(buffer: response.body))")
        #expect(response.headers[.contentType] == "application/problem+json")
        let body = try h.json(response)
        #expect(body["status"] as? Int == status.code)
        if let text { #expect((body.str("detail") ?? "").contains(text), "\(body)") }
        if let pointer { #expect(body.list("errors").contains { $0.str("pointer") == pointer }, "\(body)") }
    }

    @Test("truncated JSON, wrong content type, missing field, unknown type and a 10 MB body each get a 4xx; the server keeps serving")
    func badInputs() async throws {
        try await Harness.run(.sqlite) { h in
            let order = Events.seedOrder
            let truncated = try await h.send(.post, "/v1/events", as: .integration, contentType: "application/cloudevents+json", body: String(order.prefix(60)))
            try expectProblem(h, truncated, status: .badRequest, mentioning: "not valid JSON")

            let wrongType = try await h.send(.post, "/v1/events", as: .integration, contentType: "text/plain", body: order)
            try expectProblem(h, wrongType, status: .unsupportedMediaType, mentioning: "text/plain")

            let missing = order.replacingOccurrences(of: #""customerId":"ACME","#, with: "")
            let missingField = try await h.send(.post, "/v1/events", as: .integration, contentType: "application/cloudevents+json", body: missing)
            try expectProblem(h, missingField, status: .unprocessableContent, pointer: "/data/customerId")

            let unknown = order.replacingOccurrences(of: "clearway.order.created.v1", with: "clearway.order.teleported.v1")
            let unknownType = try await h.send(.post, "/v1/events", as: .integration, contentType: "application/cloudevents+json", body: unknown)
            try expectProblem(h, unknownType, status: .unprocessableContent, pointer: "/type")

            let huge = "[" + String(repeating: " ", count: 10 * 1024 * 1024) + "]"
            let tooLarge = try await h.send(.post, "/v1/events", as: .integration, contentType: "application/cloudevents-batch+json", body: huge)
            try expectProblem(h, tooLarge, status: .contentTooLarge)

            // The server still answers, and a good event still goes in.
            #expect(try await h.send(.get, "/health/live", as: nil).status == .ok)
            let fine = try await h.send(.post, "/v1/events", as: .integration, contentType: "application/cloudevents+json", body: Events.reference[0])
            #expect(fine.status == .ok)
        }
    }

    @Test("a batch with several bad events names every bad field of every event, and stores none of them")
    func batchNamesEveryField() async throws {
        try await Harness.run(.sqlite) { h in
            let bad1 = Events.event("crm", "c1", "clearway.customer.upserted.v1", #"{"customerId":"A","name":"A","tier":"gold","segment":"x","creditLimit":-5}"#)
            let bad2 = #"{"specversion":"0.3","id":"x","source":"crm","type":"clearway.customer.upserted.v1"}"#
            let response = try await h.send(.post, "/v1/events", as: .integration, contentType: "application/cloudevents-batch+json",
                                            body: "[\(Events.reference[1]),\(bad1),\(bad2)]")
            #expect(response.status == .unprocessableContent)
            let pointers = Set(try h.json(response).list("errors").compactMap { $0.str("pointer") })
            #expect(pointers == ["/1/data/tier", "/1/data/creditLimit", "/2/specversion", "/2/data"])
            // Nothing of the batch was stored: the valid first event is new when sent alone.
            let retry = try await h.post(events: [Events.reference[1]])
            #expect(retry["accepted"] as? Int == 1)
        }
    }

    @Test("binary content mode: attributes in ce- headers, data in the body")
    func binaryMode() async throws {
        try await Harness.run(.sqlite) { h in
            let response = try await h.send(.post, "/v1/events", as: .integration, contentType: "application/json",
                                            body: #"{"sku":"BOLT-10","family":"fasteners","unitsOfMeasure":["EA"],"unitCost":5,"listPrice":12}"#,
                                            headers: [HTTPField.Name("ce-specversion")!: "1.0", HTTPField.Name("ce-id")!: "b1",
                                                      HTTPField.Name("ce-source")!: "pim", HTTPField.Name("ce-type")!: "clearway.product.upserted.v1"])
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            #expect(try h.json(response)["accepted"] as? Int == 1)
        }
    }

    @Test("an event for an order never received is dead-lettered, listed, and replayed once the order arrives")
    func deadLetterReplay() async throws {
        try await Harness.run(.sqlite) { h in
            let pick = Events.event("wms", "pick-1", "clearway.warehouse.pick_confirmed.v1",
                                    #"{"orderId":"SO-1","site":"DC-CHI","lines":[{"lineNumber":1,"sku":"BOLT-10","pickedQuantity":60}]}"#)
            let first = try await h.post(events: [pick])
            #expect(first["deadLettered"] as? Int == 1)
            let letterId = try #require(first.list("results").first?.str("deadLetterId"))
            #expect(first.list("results").first?.str("reason")?.contains("SO-1") == true)

            let letters = try await h.get("/v1/dead-letters?status=pending", as: .integration)
            #expect(letters["total"] as? Int == 1)
            #expect(letters.list("items").first?.str("reasonCode") == "unknown_order")

            // Still unknown: the replay keeps it pending.
            let early = try await h.send(.post, "/v1/dead-letters/\(letterId)/replay", as: .integration)
            #expect(try h.json(early).obj("result").str("status") == "dead_lettered")

            try await h.post(events: Events.reference + [Events.seedOrder])
            let replay = try await h.send(.post, "/v1/dead-letters/\(letterId)/replay", as: .integration)
            let replayed = try h.json(replay)
            #expect(replayed.obj("deadLetter").str("status") == "replayed")
            #expect(replayed.obj("deadLetter")["attempts"] as? Int == 3)
            let caseId = try #require((replayed.obj("result")["caseIds"] as? [String])?.first)
            let detail = try await h.get("/v1/cases/\(caseId)")
            #expect(detail.list("exceptions").contains { $0.str("type") == "warehouse.short_pick" })

            // The original event, sent again, now answers with the case it touched.
            let again = try await h.post(events: [pick])
            #expect(again.list("results").first?["caseIds"] as? [String] == [caseId])
            let twice = try await h.send(.post, "/v1/dead-letters/\(letterId)/replay", as: .integration)
            #expect(twice.status == .conflict)
        }
    }

    @Test("an order status code the policy does not map is dead-lettered with a reason naming the code")
    func unmappedStatus() async throws {
        try await Harness.run(.sqlite) { h in
            let order = Events.seedOrder.replacingOccurrences(of: #""channel":"edi","#, with: #""channel":"edi","status":"77","#)
                .replacingOccurrences(of: #""source":"erp""#, with: #""source":"erp-legacy""#)
            let answer = try await h.post(events: [order])
            #expect(answer["deadLettered"] as? Int == 1)
            #expect(answer.list("results").first?.str("reason")?.contains("'77'") == true)
        }
    }
}
