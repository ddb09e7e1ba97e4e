import ClearwayCore
import ClearwayEngine
import ClearwayIntelligence
import ClearwayStore
import Foundation
import Testing

@Suite("Customer messages through the API")
struct TriageAPITests {
    static let whereIs = Events.event("mail", "m-where", "clearway.customer.message_received.v1",
        #"{"messageId":"M-WHERE","customerId":"ACME","subject":"Order 1?","body":"Could you track my order SO-100001 please, it has not arrived"}"#)
    static let order = Events.event("erp", "order-so-100001", "clearway.order.created.v1", """
        {"orderId":"SO-100001","customerId":"ACME","site":"DC-CHI","channel":"email","orderDate":"2026-11-23","requestedShipDate":"2026-11-30",
         "lines":[{"lineNumber":1,"sku":"BOLT-10","quantity":10,"unitOfMeasure":"EA","unitPrice":10.40}]}
        """)

    @Test("a person corrects how a message was read: the request moves to the new type's queue, says who decided, and becomes a training example")
    func correctionReroutesAndTeaches() async throws {
        try await Harness.run(.sqlite) { h in
            try await h.post(events: Events.reference + [Self.order, Self.whereIs])
            let cases = try await h.get("/v1/cases?orderId=SO-100001")
            let caseId = try #require(cases.list("items").first?.str("id"))
            let request = try #require(try await h.get("/v1/cases/\(caseId)").list("exceptions").first { $0.str("type") == "customer.request" })
            #expect(request.obj("triage").str("requestType") == "track_order" && request.str("queue") == "logistics")
            #expect(request.obj("triage").obj("details")["orderNumbers"] as? [String] == ["SO-100001"])
            let exceptionId = try #require(request.str("id"))
            let uri = "/v1/cases/\(caseId)/exceptions/\(exceptionId)/request-type"

            let viewer = try await h.send(.post, uri, as: .viewer, contentType: "application/json", body: #"{"requestType":"complaint"}"#)
            #expect(viewer.status == .forbidden)
            let unknown = try await h.send(.post, uri, as: .agent, contentType: "application/json", body: #"{"requestType":"teleport_order"}"#)
            #expect(unknown.status == .unprocessableContent)
            #expect(String(buffer: unknown.body).contains("must be one of"))

            let fixed = try await h.send(.post, uri, as: .agent, contentType: "application/json",
                                         body: #"{"requestType":"complaint","reason":"they say it arrived damaged"}"#)
            #expect(fixed.status == .ok, "\(String(buffer: fixed.body))")
            let after = try h.json(fixed)
            #expect(after.str("queue") == "customer_service" && after.str("decidedBy") == "person")
            #expect(after.obj("triage").str("note")?.contains("corrected from track_order") == true)
            let again = try await h.send(.post, uri, as: .agent, contentType: "application/json", body: #"{"requestType":"complaint"}"#)
            #expect(again.status == .conflict)

            let examples = try await h.engine.queries.trainingExamples(kind: MessageReader.kind)
            #expect(examples.map(\.label) == ["complaint"] && examples.first?.previousLabel == "track_order")
            #expect(examples.first?.text.contains("track my order SO-100001") == true)
            let rows = try await h.engine.correctionExamples()
            #expect(rows.map { "\($0.label) \($0.segment) \($0.site)" } == ["complaint industrial DC-CHI"])

            // A later change to the order keeps the person's reading.
            try await h.post(events: [Events.event("erp", "order-so-100001-2", "clearway.order.updated.v1", """
                {"orderId":"SO-100001","customerId":"ACME","site":"DC-CHI","channel":"email","orderDate":"2026-11-23","requestedShipDate":"2026-12-01",
                 "lines":[{"lineNumber":1,"sku":"BOLT-10","quantity":12,"unitOfMeasure":"EA","unitPrice":10.40}]}
                """)])
            let kept = try #require(try await h.get("/v1/cases/\(caseId)").list("exceptions").first { $0.str("id") == exceptionId })
            #expect(kept.obj("triage").str("requestType") == "complaint" && kept.str("queue") == "customer_service")

            let status = try await h.get("/v1/models/classifier")
            #expect(status["serving"] == nil && (status["decidedByRules"] as? Int) == 1)
            #expect(status["confidenceThreshold"] as? Double == 0.6)
            let metrics = String(buffer: try await h.send(.get, "/metrics", as: .viewer).body)
            #expect(metrics.contains("clearway_classifier_decisions{decided_by=\"rules\"} 1"), "\(metrics)")
            #expect(metrics.contains("clearway_classifier_serving_version 0"))

            // A version trained on four messages is listed with why it falls below the quality gate.
            let (model, summary) = TextClassifier.train(texts: ["where is my order", "track my parcel", "cancel my order", "please cancel it"],
                                                        labels: ["track_order", "track_order", "cancel_order", "cancel_order"])
            let file = try ModelArtefact.encode(model, metadata: ModelMetadata(
                trainingDataHash: "tiny", trainedAt: "2026-11-22T00:00:00Z", training: ClassifierTraining(), summary: summary,
                labelCounts: ["track_order": 2, "cancel_order": 2]))
            _ = try await h.engine.registerModel(file, by: .localOperator("test"))
            let listed = try await h.get("/v1/models/classifier").list("versions")
            let below = listed.first?["belowGate"] as? [String] ?? []
            #expect(below.contains { $0.contains("fewer than 20 training examples") }, "\(below)")
        }
    }
}
