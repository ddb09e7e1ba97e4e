import ClearwayCore
import ClearwayEngine
import ClearwayStore
import ClearwayTestSupport
import Foundation
import HTTPTypes
import Testing

/// An integration key speaks for its own systems only: its events must come from them,
/// an action's result is taken only from the action's own system and only once the action
/// was sent, and a partner's key reads only that partner's EDI documents.
@Suite("Keys bound to systems and partners")
struct KeyBindingTests {
    static let erpKey = "cw_bound-to-erp-0123456789abcdefghijklmnop"

    @Test("a key bound to the ERP may not send events as another system; each refusal names the event")
    func boundSources() async throws {
        try await Harness.run(.sqlite) { h in
            _ = try await h.engine.database.createAPIKey(name: "erp adapter", role: .integration, secret: Self.erpKey, at: h.clock.now(),
                                                         by: "test setup", systems: ["erp"])
            let auth: HTTPFields = [.authorization: "Bearer \(Self.erpKey)"]
            let foreign = Events.reference[0]   // the CRM's customer record
            let refused = try await h.send(.post, "/v1/events", as: nil, contentType: "application/cloudevents-batch+json", body: "[\(foreign)]", headers: auth)
            #expect(refused.status == .forbidden)
            #expect(String(buffer: refused.body).contains("cust-acme") && String(buffer: refused.body).contains("'crm'"))
            let own = Events.reference[3]       // the ERP's contract price
            let accepted = try await h.send(.post, "/v1/events", as: nil, contentType: "application/cloudevents-batch+json", body: "[\(own)]", headers: auth)
            #expect(accepted.status == .ok)
        }
    }

    @Test("an action result from another system, or for an action never sent, is kept as a dead letter and changes nothing")
    func resultsFromTheActionsOwnSystemOnly() async throws {
        try await Harness.run(.sqlite) { h in
            try await h.post(events: Events.reference + [Events.seedOrder])
            let summary = try #require(try await h.get("/v1/cases?queue=pricing").list("items").first)
            let caseId = try #require(summary.str("id"))
            let exceptionId = try #require(summary.list("exceptions").first { $0.str("type") == "pricing.contract_mismatch" }?.str("id"))
            let forced = #"{"kind":"override_price","parameters":{"line":1,"unitPrice":5.5},"overrideReason":"Clearance deal signed by the VP of sales"}"#
            let created = try await h.send(.post, "/v1/cases/\(caseId)/exceptions/\(exceptionId)/actions", as: .supervisor,
                                           contentType: "application/json", body: forced)
            let action = try h.json(created)
            let id = try #require(action.str("id"))
            #expect(action.str("state") == "queued")
            let system = try #require(ActionKind.overridePrice.system as String?)

            let impostor = Events.event("totally-not-\(system)", "result-1", "clearway.action.result.v1", #"{"actionId":"\#(id)","status":"applied"}"#)
            let first = try await h.post(events: [impostor]).list("results").first
            #expect(first?.str("status") == "dead_lettered")
            #expect(first?.str("reason")?.contains("is not accepted") == true)

            let early = Events.event(system, "result-2", "clearway.action.result.v1", #"{"actionId":"\#(id)","status":"applied"}"#)
            let second = try await h.post(events: [early]).list("results").first
            #expect(second?.str("status") == "dead_lettered")
            #expect(second?.str("reason")?.contains("has not been sent") == true)
            #expect(try await h.get("/v1/actions/\(id)").str("state") == "queued", "nothing changed")
        }
    }

    @Test("outbound 855s: a partner's key sees only its partner's documents; an unbound integration key sees none")
    func outboundDocumentsPerPartner() async throws {
        try await Harness.run(.sqlite) { h in
            let unbound = try await h.send(.get, "/v1/edi/outbound", as: .integration)
            #expect(unbound.status == .forbidden)
            #expect(String(buffer: unbound.body).contains("--partners"))
            try await h.engine.database.transaction { tx in
                for (i, partner) in ["ZZ:ACMEIND", "ZZ:OTHERCO"].enumerated() {
                    try await tx.storeOutbound(EDIOutbound(id: "855-\(i)", partner: partner, kind: "855", orderId: "SO-\(i)", purchaseOrder: "PO-\(i)",
                                                           createdAt: h.clock.now(), document: "ISA*..."))
                }
            }
            let partnerKey = "cw_partner-acme-0123456789abcdefghijklmnop"
            _ = try await h.engine.database.createAPIKey(name: "acme VAN", role: .integration, secret: partnerKey, at: h.clock.now(),
                                                         by: "test setup", partners: ["ZZ:ACMEIND"])
            let bound = try await h.send(.get, "/v1/edi/outbound", as: nil, headers: [.authorization: "Bearer \(partnerKey)"])
            #expect(bound.status == .ok)
            #expect(try h.json(bound).list("items").map { $0.str("partner") } == ["ZZ:ACMEIND"])
            #expect(try await h.get("/v1/edi/outbound").list("items").count == 2, "people who read cases still see every partner's")
        }
    }
}
