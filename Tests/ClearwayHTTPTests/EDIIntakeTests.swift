import ClearwayCore
import ClearwayEngine
import ClearwayIntegration
import ClearwayTestSupport
import Foundation
import Testing

@Suite("EDI intake")
struct EDIIntakeTests {
    static func corpus(_ path: String) throws -> String {
        let url = RepositoryFiles.url("Tests/Fixtures/edi").appendingPathComponent(path)
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

    @Test("an 850 from a sender not yet a partner is acknowledged and kept, named, listed and counted; once the partner is added it replays into an order",
          arguments: TestDatabaseKind.available)
    func unknownSender(_ kind: TestDatabaseKind) async throws {
        let document = try Self.corpus("olmelabs+EdiEngine/EdiEngine.Tests/TestData/850.OK.edi")
        try await Harness.run(kind) { h in
            try await h.post(events: [Self.retailer])
            let first = try h.json(try await h.send(.post, "/v1/edi/x12", as: .integration, contentType: "application/edi-x12", body: document))
            let set = try #require(first.list("transactionSets").first)
            #expect(set.str("outcome") == "dead_lettered")
            #expect(set.str("reason")?.contains("ZZ:ABCDEFGHIJKLMNO is not a trading partner") == true)
            #expect(set.str("reason")?.contains("add it under edi.partners") == true)
            let (ack, _) = try X12Parser.parse(try #require(first.str("acknowledgment997")))
            #expect(try #require(ack.transactions.first).body.last.map { [$0.id, $0[1] ?? ""] } == ["AK9", "A"], "the 997 still goes back")

            let again = try h.json(try await h.send(.post, "/v1/edi/x12", as: .integration, contentType: "application/edi-x12", body: document))
            #expect(again.list("transactionSets").first?.str("outcome") == "duplicate")
            let admin = Principal(id: "t", name: "ops", role: .admin)
            let senders = try await h.engine.unknownEDISenders(by: admin)
            #expect(senders.map(\.source) == ["edi:ZZ:ABCDEFGHIJKLMNO"] && senders.first?.documents == 1)
            _ = try await h.engine.database.createUser(username: "sue", displayName: "Sue", role: .supervisor, password: "sue-password-12",
                                                       at: h.clock.now(), by: "test", rounds: 1_000)
            let sue = try #require(try await ConsoleTests.signIn(h, "sue", "sue-password-12").cookie)
            let page = String(buffer: try await h.send(.get, "/console/deliveries", as: nil, headers: [.cookie: sue]).body)
            #expect(page.contains("<td>ZZ:ABCDEFGHIJKLMNO</td><td class=\"num\">1</td>"), "the console lists the sender with its count")
            #expect(page.contains("action=\"/console/edi/senders/replay\""))
            let letters = try await h.get("/v1/dead-letters?status=pending", as: .supervisor).list("items")
            let letterId = try #require(letters.first?.str("id"))

            let early = try await h.send(.post, "/v1/dead-letters/\(letterId)/replay", as: .supervisor)
            #expect(early.status == .conflict, "still not a partner")
            #expect(String(buffer: early.body).contains("not a trading partner"))

            h.engine.setPolicy(try Self.policy())
            let replayed = try await h.engine.replayUnknownSender("edi:ZZ:ABCDEFGHIJKLMNO", by: admin)
            #expect(replayed.replayed == 1 && replayed.failed == 0)
            #expect(try await h.engine.unknownEDISenders(by: admin).isEmpty)
            let cases = try await h.get("/v1/cases?limit=10").list("items")
            #expect(cases.contains { $0.str("orderId") == "XYZRETAIL-08292233294" }, "\(cases.map { $0.str("orderId") ?? "" })")
            let third = try h.json(try await h.send(.post, "/v1/edi/x12", as: .integration, contentType: "application/edi-x12", body: document))
            #expect(third.list("transactionSets").first?.str("outcome") == "duplicate", "the replayed order answers the same key")
        }
    }

    @Test("envelope errors reject the set in the 997 with AK3/AK5 detail; non-X12 is a 422")
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


            let junk = try await h.send(.post, "/v1/edi/x12", as: .integration, contentType: "application/edi-x12", body: "hello")
            #expect(junk.status == .unprocessableContent)
            #expect(try h.json(junk).list("errors").first?.str("detail")?.contains("starts with an ISA segment") == true)
        }
    }
}

@Suite("855 acknowledgments")
struct PurchaseOrderAcknowledgmentTests {
    static let skus = ["AB3542", "RD5322", "XY5266", "VX2332", "RV0524", "DX1875"]

    static var reference: [String] {
        [EDIIntakeTests.retailer] + skus.map { sku in
            Events.event("pim", "prod-\(sku)", "clearway.product.upserted.v1",
                         #"{"sku":"\#(sku)","family":"housewares","unitsOfMeasure":["EA"],"unitCost":2,"listPrice":20}"#)
        } + [Events.event("wms", "stock-edi", "clearway.inventory.snapshot.v1", #"{"site":"DC-CHI","positions":["#
            + skus.map { #"{"sku":"\#($0)","erpOnHand":\#($0 == "RD5322" ? 50 : 5000),"wmsOnHand":\#($0 == "RD5322" ? 50 : 5000)}"# }.joined(separator: ",") + "]}")]
    }

    @Test("round trip: the 850 goes in, the case resolves, and the 855 re-parses with the PO number and one ACK per PO1 line (IB for the short one)",
          arguments: TestDatabaseKind.available)
    func roundTrip(_ kind: TestDatabaseKind) async throws {
        let document = try EDIIntakeTests.corpus("olmelabs+EdiEngine/EdiEngine.Tests/TestData/850.OK.edi")
        try await Harness.run(kind, policy: try EDIIntakeTests.policy()) { h in
            try await h.post(events: Self.reference)
            let answer = try h.json(try await h.send(.post, "/v1/edi/x12", as: .integration, contentType: "application/edi-x12", body: document))
            let caseId = try #require((answer.list("transactionSets").first?["caseIds"] as? [String])?.first)
            // The partner's VAN picks its 855s up with a key bound to that partner.
            let van = "cw_partner-van-0123456789abcdefghijklmnopq"
            _ = try await h.engine.database.createAPIKey(name: "partner VAN", role: .integration, secret: van, at: h.clock.now(),
                                                         by: "test setup", partners: ["ZZ:ABCDEFGHIJKLMNO"])
            func pickUp(_ uri: String) async throws -> [[String: Any]] {
                try h.json(try await h.send(.get, uri, as: nil, headers: [.authorization: "Bearer \(van)"])).list("items")
            }
            #expect(try await pickUp("/v1/edi/outbound").isEmpty, "no 855 while the case is open")

            let detail = try await h.get("/v1/cases/\(caseId)")
            #expect(detail.list("exceptions").map { $0.str("type") } == ["inventory.shortage"])
            let exceptionId = try #require(detail.list("exceptions").first?.str("id"))
            _ = try await h.send(.post, "/v1/cases/\(caseId)/exceptions/\(exceptionId)/resolve", as: .agent, contentType: "application/json",
                                 body: #"{"code":"backordered","note":"Customer accepts the remainder next week"}"#)

            let outbound = try #require(try await pickUp("/v1/edi/outbound?orderId=XYZRETAIL-08292233294").first)
            #expect(outbound.str("kind") == "855" && outbound.str("purchaseOrder") == "08292233294")
            let (parsed, problems) = try X12Parser.parse(try #require(outbound.str("document")))
            #expect(problems.isEmpty, "\(problems)")
            let set = try #require(parsed.transactions.first)
            #expect(set.code == "855")
            let bak = try #require(set.body.first { $0.id == "BAK" })
            #expect(bak[3] == "08292233294" && bak[2] == "AC")
            let acks = set.body.filter { $0.id == "ACK" }.map { $0[1] ?? "" }
            #expect(acks == ["IA", "IB", "IA", "IA", "IA", "IA"])
            #expect(set.body.filter { $0.id == "PO1" }.map { $0[7] ?? "" } == Self.skus, "each PO1 echoes the partner's product id")
            #expect(parsed.interchanges.first?.receiver == "ABCDEFGHIJKLMNO")
        }
    }

    @Test("an order with nothing to resolve is acknowledged at once, every line accepted")
    func cleanOrder() async throws {
        let document = try EDIIntakeTests.corpus("olmelabs+EdiEngine/EdiEngine.Tests/TestData/850.OK.edi")
            .replacingOccurrences(of: "PO1*2*220*", with: "PO1*2*20*")
        try await Harness.run(.sqlite, policy: try EDIIntakeTests.policy()) { h in
            try await h.post(events: Self.reference)
            let answer = try h.json(try await h.send(.post, "/v1/edi/x12", as: .integration, contentType: "application/edi-x12", body: document))
            #expect(answer.list("transactionSets").first?.str("outcome") == "accepted")
            let outbound = try #require(try await h.get("/v1/edi/outbound", as: .viewer).list("items").first)
            let (parsed, _) = try X12Parser.parse(try #require(outbound.str("document")))
            let body = try #require(parsed.transactions.first).body
            #expect(body.first { $0.id == "BAK" }?[2] == "AD")
            #expect(body.filter { $0.id == "ACK" }.allSatisfy { $0[1] == "IA" })
        }
    }
}

@Suite("856 ship notices")
struct ShipNoticeTests {
    static func notice(po: String, control: Int) -> String {
        X12Writer().interchange(
            from: X12Writer.Party(qualifier: "ZZ", id: "ABCDEFGHIJKLMNO"), to: X12Writer.Party(qualifier: "ZZ", id: "CLEARWAY"),
            at: Instant(iso8601: "2026-11-23T15:00:00Z")!, controlNumber: control, functionalId: "SH",
            sets: [X12Writer.Set(code: "856", body: [
                X12Segment("BSN", ["00", "SHIP-\(control)", "20261123", "1400"]),
                X12Segment("HL", ["1", "", "S"]), X12Segment("TD5", ["", "2", "FASTFREIGHT"]),
                X12Segment("DTM", ["011", "20261123"]), X12Segment("DTM", ["017", "20261127"]),
                X12Segment("HL", ["2", "1", "O"]), X12Segment("PRF", [po]),
                X12Segment("HL", ["3", "2", "I"]), X12Segment("LIN", ["", "VN", "AB3542"]), X12Segment("SN1", ["", "120", "EA"]),
                X12Segment("CTT", ["3"]),
            ])])
    }

    @Test("an 856 becomes a milestone on the order its PO number came as; one for an unknown PO is kept as a dead letter")
    func milestones() async throws {
        try await Harness.run(.sqlite, policy: try EDIIntakeTests.policy()) { h in
            try await h.post(events: PurchaseOrderAcknowledgmentTests.reference)
            let order = try EDIIntakeTests.corpus("olmelabs+EdiEngine/EdiEngine.Tests/TestData/850.OK.edi")
            _ = try await h.send(.post, "/v1/edi/x12", as: .integration, contentType: "application/edi-x12", body: order)
            let shipped = try h.json(try await h.send(.post, "/v1/edi/x12", as: .integration, contentType: "application/edi-x12",
                                                      body: Self.notice(po: "08292233294", control: 7)))
            let set = try #require(shipped.list("transactionSets").first)
            #expect(set.str("transactionSet") == "856" && set.str("outcome") == "accepted", "\(set)")
            #expect(set.str("purchaseOrder") == "08292233294")
            let unknown = try h.json(try await h.send(.post, "/v1/edi/x12", as: .integration, contentType: "application/edi-x12",
                                                      body: Self.notice(po: "NO-SUCH-PO", control: 8)))
            #expect(unknown.list("transactionSets").first?.str("outcome") == "dead_lettered")
            #expect(try await h.get("/v1/dead-letters", as: .supervisor).list("items").first?.str("reasonCode") == "unknown_order")
        }
    }
}

@Suite("EDIFACT intake")
struct EdifactIntakeTests {
    @Test("an EDIFACT ORDERS message becomes an order with the partner's item ids; the sample's wrong UNT count is refused by name")
    func orders() async throws {
        let sample = try EDIIntakeTests.corpus("xlate+staedi/src/test/resources/EDIFACT/orders-with-group.edi")
        var policy = try DefaultPolicy.load()
        policy.edi.partners["14:5400110000009"] = EDIPartner(interchangeId: "14:5400110000009", customerId: "XYZRETAIL", site: "DC-EAST",
                                                              productIdQualifiers: ["BP", "EN"])
        try await Harness.run(.sqlite, policy: policy) { h in
            try await h.post(events: [EDIIntakeTests.retailer])
            let refused = try h.json(try await h.send(.post, "/v1/edi/edifact", as: .integration, contentType: "application/edifact", body: sample))
            #expect(refused.list("messages").first?.str("outcome") == "rejected")
            #expect(refused.list("messages").first?.str("reason")?.contains("UNT01 says 21 segments (UNH to UNT) but there are 18") == true)

            let corrected = sample.replacingOccurrences(of: "UNT+21+1", with: "UNT+18+1")
            let answer = try h.json(try await h.send(.post, "/v1/edi/edifact", as: .integration, contentType: "application/edifact", body: corrected))
            let message = try #require(answer.list("messages").first)
            #expect(message.str("outcome") == "accepted", "\(message)")
            #expect(message.str("orderNumber") == "C1441747" && message.str("messageType") == "ORDERS")
            let caseId = try #require((message["caseIds"] as? [String])?.first, "an item missing from the product master opens a case")
            let order = try await h.get("/v1/cases/\(caseId)").obj("order")
            #expect(order.str("orderId") == "XYZRETAIL-C1441747" && order.str("orderDate") == "2001-05-02" && order.str("site") == "DC-EAST")
            let line = try #require(order.list("lines").first)
            #expect(line.str("sku") == "8641800" && line["quantity"] as? Double == 288 && line["unitPrice"] as? Double == 12.8)
            let again = try h.json(try await h.send(.post, "/v1/edi/edifact", as: .integration, contentType: "application/edifact", body: corrected))
            #expect(again.list("messages").first?.str("outcome") == "duplicate")
        }
    }
}
