import ClearwayTestSupport
import Testing

/// An event that touches several known orders re-evaluates all of them in one pass, and
/// each keeps what depends on its own facts.
@Suite("Re-evaluating many orders at once")
struct ReevaluationTests {
    /// Same customer and site as the seed order: WIRE-2 short (3 on hand), BOLT-10 at contract.
    static let secondOrder = Events.event("erp", "order-so-2", "clearway.order.created.v1", """
        {"orderId":"SO-2","customerId":"ACME","site":"DC-CHI","channel":"edi","orderDate":"2026-11-23","requestedShipDate":"2026-11-27",
         "lines":[{"lineNumber":1,"sku":"WIRE-2","quantity":10,"unitOfMeasure":"EA","unitPrice":40},
         {"lineNumber":2,"sku":"BOLT-10","quantity":100,"unitOfMeasure":"EA","unitPrice":10.40}]}
        """)
    static let shortPick = Events.event("wms", "pick-so-2", "clearway.warehouse.pick_confirmed.v1",
                                        #"{"orderId":"SO-2","site":"DC-CHI","lines":[{"lineNumber":2,"sku":"BOLT-10","pickedQuantity":60}]}"#)

    @Test("stock arriving for two orders resolves both shortages and leaves each order's other causes (a price, a short pick) open",
          arguments: TestDatabaseKind.available)
    func stockForTwoOrders(_ kind: TestDatabaseKind) async throws {
        try await Harness.run(kind) { h in
            try await h.post(events: Events.reference)
            let first = try #require((try await h.post(events: [Events.seedOrder]).list("results").first?["caseIds"] as? [String])?.first)
            let second = try #require((try await h.post(events: [Self.secondOrder]).list("results").first?["caseIds"] as? [String])?.first)
            try await h.post(events: [Self.shortPick])

            let arrival = try await h.post(events: [Events.stockArrives])
            #expect(Set(arrival.list("results").first?["caseIds"] as? [String] ?? []) == [first, second])
            func states(_ caseId: String) async throws -> [String: String] {
                let exceptions = try await h.get("/v1/cases/\(caseId)").list("exceptions")
                return Dictionary(exceptions.map { ($0.str("type") ?? "", $0.str("state") ?? "") }, uniquingKeysWith: { a, _ in a })
            }
            let one = try await states(first), two = try await states(second)
            #expect(one["inventory.shortage"] == "resolved" && two["inventory.shortage"] == "resolved")
            #expect(one["pricing.contract_mismatch"] == "open", "the seed order's price is still off contract")
            #expect(two["warehouse.short_pick"] == "open", "the second order's short pick is still short: \(two)")
        }
    }
}
