import ClearwayCore
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
}
