import ClearwayCore
import ClearwayEngine
import ClearwayIntegration
import ClearwayTestSupport
import Foundation
import Testing

@Suite("EDI intake")
struct EDIIntakeTests {
    static func corpus(_ path: String) throws -> String {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared/data/edi").appendingPathComponent(path)
        return String(decoding: try Data(contentsOf: url), as: UTF8.self)
    }

    static let retailer = Events.event("crm", "cust-xyz", "clearway.customer.upserted.v1",
        #"{"customerId":"XYZRETAIL","name":"XYZ Retail","tier":"key","segment":"retail","creditLimit":500000,"paymentTerms":"NET30","taxId":"US-9","shipTo":"Solon OH"}"#)

    static func policy() throws -> Policy {
        var policy = try DefaultPolicy.load()
        policy.edi.partners["ZZ:ABCDEFGHIJKLMNO"] = EDIPartner(interchangeId: "ZZ:ABCDEFGHIJKLMNO", customerId: "XYZRETAIL", site: "DC-CHI",
                                                                productIdQualifiers: ["VN"])
        return policy
    }

    @Test("an 850 from a partner becomes an order with its lines; the 997 accepts the group; the same interchange again is a duplicate",
          arguments: TestDatabaseKind.available)
    func purchaseOrder(_ kind: TestDatabaseKind) async throws {
        let document = try Self.corpus("olmelabs+EdiEngine/EdiEngine.Tests/TestData/850.OK.edi")
        try await Harness.run(kind, policy: try Self.policy()) { h in
            try await h.post(events: [Self.retailer])
            let first = try h.json(try await h.send(.post, "/v1/edi/x12", as: .integration, contentType: "application/edi-x12", body: document))
            let set = try #require(first.list("transactionSets").first)
            #expect(set.str("outcome") == "accepted")
            #expect(set.str("purchaseOrder") == "08292233294")
            #expect(set.str("controlNumber") == "000000010")
            let caseId = try #require((set["caseIds"] as? [String])?.first, "unknown SKUs open a case")
            let detail = try await h.get("/v1/cases/\(caseId)")
            #expect(detail.obj("order").list("lines").map { $0.str("sku") } == ["AB3542", "RD5322", "XY5266", "VX2332", "RV0524", "DX1875"])
            #expect(detail.obj("order").str("requestedShipDate") == "2010-12-14")
            #expect(detail.obj("order").str("channel") == "edi")

            let ack = try #require(first.str("acknowledgment997"))
            let (parsed, problems) = try X12Parser.parse(ack)
            #expect(problems.isEmpty, "the 997 Clearway writes must pass its own reader: \(problems)")
            let body = try #require(parsed.transactions.first).body
            #expect(body.first?.id == "AK1" && body.first?[2] == "1421")
            #expect(body.last.map { [$0.id, $0[1] ?? ""] } == ["AK9", "A"])

            let again = try h.json(try await h.send(.post, "/v1/edi/x12", as: .integration, contentType: "application/edi-x12", body: document))
            #expect(again.list("transactionSets").first?.str("outcome") == "duplicate")
            #expect(again.str("acknowledgment997") == ack, "a repeat gets the same 997")
            #expect(try await h.send(.post, "/v1/edi/x12", as: .viewer, contentType: "application/edi-x12", body: document).status == .forbidden)
        }
    }

    @Test("envelope errors reject the set in the 997 with AK3/AK5 detail; an unknown partner's order is refused by name; non-X12 is a 422")
    func refusals() async throws {
        try await Harness.run(.sqlite, policy: try Self.policy()) { h in
            let mismatch = try Self.corpus("olmelabs+EdiEngine/EdiEngine.Tests/TestData/ControlNumbersMismatch.edi")
            let answer = try h.json(try await h.send(.post, "/v1/edi/x12", as: .integration, contentType: "application/edi-x12", body: mismatch))
            #expect(answer.list("transactionSets").first?.str("outcome") == "rejected")
            #expect(answer.list("transactionSets").first?.str("reason")?.contains("SE02") == true)
            let (ack, _) = try X12Parser.parse(try #require(answer.str("acknowledgment997")))
            let body = try #require(ack.transactions.first).body
            #expect(body.contains { $0.id == "AK5" && $0[1] == "R" && $0[2] == "3" })
            #expect(body.last?[1] == "R")

            let stranger = try Self.corpus("kputnam+stupidedi/spec/fixtures/004010/X357_SC850_Aerospace_Industry_Purchase_Order/pass/basic-po.edi")
            let refused = try h.json(try await h.send(.post, "/v1/edi/x12", as: .integration, contentType: "application/edi-x12", body: stranger))
            #expect(refused.list("transactionSets").first?.str("outcome") == "rejected", "\(refused)")
            #expect(refused.list("transactionSets").first?.str("reason")?.contains("ZZ:123456789012345 is not a trading partner") == true)

            let junk = try await h.send(.post, "/v1/edi/x12", as: .integration, contentType: "application/edi-x12", body: "hello")
            #expect(junk.status == .unprocessableContent)
            #expect(try h.json(junk).list("errors").first?.str("detail")?.contains("starts with an ISA segment") == true)
        }
    }
}
