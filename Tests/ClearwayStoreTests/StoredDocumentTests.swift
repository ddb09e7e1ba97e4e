@testable import ClearwayCore
import Foundation
@testable import ClearwayStore
import Testing

/// An order's stored document is written by hand for speed; it must be exactly what the
/// Codable encoder of every other JSON column writes, and read back to the same order.
@Suite("Stored documents")
struct StoredDocumentTests {
    static func orders() -> [Order] {
        var rng = SystemRandomNumberGenerator()
        let texts = ["plain", "back\u{08}space form\u{0C}feed", "a/b </script>", "sep \u{2028} del \u{7F}", "quote \" and back\\slash", "line\nbreak\ttab\r", "Größe €", "ctl \u{01}\u{1F}", "emoji 📦", ""]
        var orders: [Order] = [
            Order(id: "SO-1", customerId: "C-1", site: "DC-EAST", channel: .edi, orderDate: LocalDate(year: 2026, month: 1, day: 2),
                  requestedShipDate: LocalDate(year: 2026, month: 1, day: 5), lines: []),
        ]
        for k in 0..<200 {
            let lines = (0..<Int.random(in: 0...6, using: &rng)).map { n in
                OrderLine(lineNumber: n + 1, sku: texts[(k + n) % texts.count] + "-\(n)",
                          quantity: [1, 2.5, 0.125, 1e-7, 1e16, -0.0, 12_345_678_901_234_567, 123_456_789, 3.3333333333333335, Double(Int.random(in: 0...10_000, using: &rng)) / 7][(k + n) % 10],
                          unitOfMeasure: ["EA", "CS", "kg"][n % 3],
                          unitPrice: Money(tenThousandths: Int64.random(in: -1_000_000...900_000_000_000, using: &rng)))
            }
            orders.append(Order(id: "SO-\(k)", customerId: texts[k % texts.count], site: "DC-\(k % 3)",
                                channel: OrderChannel.allCases[k % OrderChannel.allCases.count],
                                status: OrderStatus.allCases[k % OrderStatus.allCases.count],
                                sourceStatus: k % 2 == 0 ? nil : texts[(k + 1) % texts.count],
                                orderDate: LocalDate(year: 2026, month: 1 + k % 12, day: 1 + k % 28),
                                requestedShipDate: LocalDate(year: 2027, month: 1 + k % 12, day: 1 + k % 28),
                                promiseDate: k % 3 == 0 ? nil : LocalDate(year: 2027, month: 2, day: 1 + k % 28),
                                lane: k % 4 == 0 ? nil : "LANE-\(k % 5)", carrier: k % 5 == 0 ? nil : texts[(k + 2) % texts.count],
                                currency: k % 2 == 0 ? "USD" : "EUR", lines: lines))
        }
        return orders
    }

    @Test("an order's hand-written document is byte for byte the Codable encoding, and decodes to the same order")
    func orderDocumentMatchesCodable() throws {
        for order in Self.orders() {
            let document = try StoredDocument.order(order)
            #expect(document == (try JSONText.encode(order)), "order \(order.id)")
            #expect(try JSONText.decode(Order.self, document) == order, "order \(order.id) reads back")
        }
    }

    @Test("an order whose quantity is not a number is refused, as the Codable encoder refuses it")
    func notANumberIsRefused() throws {
        var order = try #require(Self.orders().first { !$0.lines.isEmpty })
        order.lines[0].quantity = .nan
        #expect(throws: EncodingError.self) { try StoredDocument.order(order) }
        #expect(throws: EncodingError.self) { try JSONText.encode(order) }
    }

    @Test("an exception's priority, SLA clock, lifecycle and finding are written byte for byte as the Codable encoder writes them")
    func exceptionColumnsMatchCodable() throws {
        let texts = ["plain", "a/b \"q\" back\\slash", "line\nbreak", "Größe €", "ctl \u{01}", ""]
        let start = Instant(millis: 1_795_878_000_123)
        for k in 0..<300 {
            let parts = (0..<(k % 6)).map { n in
                PriorityScore.Part(name: texts[(k + n) % texts.count], value: Double(k * n) / 7, weight: [0, 0.25, 1, 1e-9][n % 4],
                                   contribution: Double(n) * 3.3333333333333335)
            }
            let priority = PriorityScore(score: Double(k) / 3, parts: parts)
            #expect(try StoredDocument.priority(priority) == JSONText.encode(priority))
            let sla = SLAClock(startedAt: start.adding(seconds: Double(k) * 61.5), atRiskAt: start.adding(seconds: Double(k) * 3_600),
                               dueAt: start.adding(seconds: Double(k) * 7_200.001), targetMinutes: [960, 240.5, 0][k % 3], calendar: texts[k % texts.count])
            #expect(try StoredDocument.sla(sla) == JSONText.encode(sla))
            // A clock that paused: in a pause now, or with pauses behind it, with or without a limit.
            var paused = sla
            paused.pausedMinutes = [0, 90, 12.5][k % 3]
            paused.pausedAt = k % 2 == 0 ? start.adding(seconds: Double(k) * 90) : nil
            paused.pausedOn = paused.pausedAt == nil ? nil : WaitingParty.allCases[k % WaitingParty.allCases.count]
            paused.maxPausedMinutes = k % 4 == 0 ? nil : 2_880
            #expect(try StoredDocument.sla(paused) == JSONText.encode(paused))
            let resolution = k % 3 == 0 ? nil : Resolution(code: texts[k % texts.count], note: k % 2 == 0 ? nil : texts[(k + 1) % texts.count],
                                                             automatic: k % 4 == 0, touchless: k % 5 == 0)
            let lifecycle = ExceptionLifecycle(state: ExceptionState.allCases[k % ExceptionState.allCases.count], assignee: k % 2 == 0 ? nil : "dana",
                                               resolution: resolution, escalation: EscalationLevel.allCases[k % 3], reopenCount: k % 4,
                                               ladder: k % 3 == 0 ? LadderProgress() : LadderProgress(fired: k % 4, repeats: k % 2,
                                                                                                    boost: [10, 2.5, 0][k % 3],
                                                                                                    awaitingAcknowledgement: k % 2 == 0))
            #expect(try StoredDocument.lifecycle(lifecycle) == JSONText.encode(lifecycle))
            #expect(try JSONText.decode(ExceptionLifecycle.self, StoredDocument.lifecycle(lifecycle)) == lifecycle)
            var finding = Finding(type: ExceptionType.allCases[k % ExceptionType.allCases.count], key: "line:\(k)", summary: texts[k % texts.count],
                                  evidence: (0..<(k % 4)).map { n in
                                      EvidenceItem(label: texts[n % texts.count], expected: n % 2 == 0 ? nil : "10.40",
                                                   actual: n % 3 == 0 ? nil : texts[(n + k) % texts.count], note: n == 2 ? "n/a" : nil)
                                  },
                                  moneyAtRisk: Money(tenThousandths: Int64(k) * 1_234_567 - 50_000), decidedBy: k % 2 == 0 ? "rules" : "model v3")
            finding.sku = k % 3 == 0 ? nil : "SKU-\(k)"
            finding.productFamily = k % 4 == 0 ? nil : texts[k % texts.count]
            finding.queue = k % 5 == 0 ? "credit" : nil
            #expect(try StoredDocument.finding(finding) == JSONText.encode(finding), "finding \(k)")
            #expect(try JSONText.decode(Finding.self, StoredDocument.finding(finding)) == finding)
        }
    }
}
