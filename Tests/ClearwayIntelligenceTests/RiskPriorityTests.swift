import ClearwayCore
@testable import ClearwayEngine
import ClearwayIntegration
import ClearwayIntelligence
import ClearwayStore
import ClearwayTestSupport
import Foundation
import Logging
import Testing

@Suite("Breach risk in the priority score")
struct RiskPriorityTests {
    @Test("with a breach-risk weight in policy, a new exception's priority shows the model's probability as a part")
    func priorityShowsBreachRisk() async throws {
        try await TestDatabase.with(.sqlite) { db in
            var policy = try DefaultPolicy.load()
            policy.global.priority.breachRisk = 0.2
            var logger = Logger(label: "test")
            logger.logLevel = .critical
            let engine = ClearwayEngine(database: db, policy: policy, clock: ManualClock(TriageTests.start), logger: logger)
            // A fit where work in the pricing queue seldom closes and inventory work closes at once.
            var slices: [RiskHistory.Slice] = []
            for i in 0..<200 {
                let pricing = i % 2 == 0
                let snapshot = RiskSnapshot(type: pricing ? "pricing.contract_mismatch" : "inventory.shortage", queue: pricing ? "pricing" : "inventory",
                                            tier: "key", site: "DC-CHI", elapsed: 0, queueLoad: 1, moneyAtRisk: 10, monthEnd: false)
                for interval in 0..<BreachHazardModel.intervals {
                    let closed = pricing ? i % 40 == 0 && interval == 0 : i % 10 != 1
                    slices.append(RiskHistory.Slice(snapshot: snapshot, interval: interval, closed: closed, openedAt: 0))
                    if closed { break }
                }
            }
            let model = BreachHazardModel.train(slices)
            let card = BreachRiskCard(intervals: BreachHazardModel.intervals, exceptions: 200, slices: slices.count, historyDays: 180,
                                      trainedAt: TriageTests.start.millis, heldOut: BinaryReport(scores: [0.9, 0.1], outcomes: [true, false]),
                                      features: model.features)
            let fit = BreachRiskFit(version: 1, model: model, card: card)
            engine.breachRiskCache.fit.withLock { $0 = fit }
            let json = [TriageTests.customer, TriageTests.product, Overpriced.contract, Overpriced.order].joined(separator: ",")
            let events = try CloudEventCodec.decode(body: Data("[\(json)]".utf8), mode: .batch, policy: engine.policy, receivedAt: engine.clock.now())
            let outcome = try #require(try await engine.ingest(events, actor: "test").last)
            let caseId = try #require(outcome.caseIds.first)
            let (_, exceptions, _) = try #require(try await engine.queries.detail(caseId))
            let pricing = try #require(exceptions.first { $0.type == .pricingContractMismatch })
            let part = try #require(pricing.priority.parts.first { $0.name == "breachRisk" })
            #expect(part.value > 0.7 && part.weight == 0.2, "\(pricing.priority.parts)")
        }
    }
}

/// A contract for BOLT-10 and an order above its price, as the ERP sends them.
enum Overpriced {
    static let contract = TriageTests.event("erp", "k1", "clearway.contract.upserted.v1", #"{"customerId":"ACME","sku":"BOLT-10","price":10.40,"tolerancePercent":2}"#)
    static let order = TriageTests.event("erp", "o1", "clearway.order.created.v1", """
        {"orderId":"SO-300001","customerId":"ACME","site":"DC-CHI","channel":"edi","orderDate":"2026-11-23","requestedShipDate":"2026-11-30",
         "lines":[{"lineNumber":1,"sku":"BOLT-10","quantity":10,"unitOfMeasure":"EA","unitPrice":11.95}]}
        """)
}
