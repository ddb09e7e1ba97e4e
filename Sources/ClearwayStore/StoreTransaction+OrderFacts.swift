import ClearwayCore
import SQLKit

/// What re-evaluating a set of known orders needs, read set-wise: a few statements for all
/// of them instead of six for each.
public struct OrderFacts: Sendable {
    public var orders: [String: Order] = [:]
    public var milestones: [String: [ShipmentMilestone]] = [:]
    public var picks: [String: PickConfirmation] = [:]
    public var messages: [String: [CustomerMessage]] = [:]
    /// Each order's open case and its exceptions, by order id.
    public var openCases: [String: (CaseRecord, [ExceptionRecord])] = [:]
}

extension StoreTransaction {
    /// Reads the orders, their milestones, picks, messages still to answer, open cases and
    /// the cases' exceptions. Orders and cases are locked (PostgreSQL) in id order, the same
    /// order on every node, so two nodes re-evaluating overlapping sets wait, not deadlock.
    public func orderFacts(_ ids: [String]) async throws -> OrderFacts {
        var facts = OrderFacts()
        let sorted = Array(Set(ids)).sorted()
        let lock = dialect.forUpdate
        for chunk in sorted.chunked(Self.rowsPerStatement).map(Array.init) {
            for order in try await docs(Order.self, sql.raw("SELECT doc FROM orders WHERE id IN (\(binds: chunk)) ORDER BY id\(unsafeRaw: lock)")) {
                facts.orders[order.id] = order
            }
            for m in try await docs(ShipmentMilestone.self, sql.raw("""
                SELECT doc FROM milestones WHERE order_id IN (\(binds: chunk)) ORDER BY order_id, shipment_id
                """)) {
                facts.milestones[m.orderId, default: []].append(m)
            }
            for p in try await docs(PickConfirmation.self, sql.raw("SELECT doc FROM picks WHERE order_id IN (\(binds: chunk))")) {
                facts.picks[p.orderId] = p
            }
            for m in try await docs(CustomerMessage.self, sql.raw("""
                SELECT m.doc FROM messages m WHERE m.order_id IN (\(binds: chunk)) AND NOT EXISTS (\(unsafeRaw: Self.answeredMessage))
                ORDER BY m.order_id, m.received_at, m.message_id
                """)) {
                if let orderId = m.orderId { facts.messages[orderId, default: []].append(m) }
            }
            let cases = try await sql.raw("""
                SELECT * FROM cases WHERE order_key IN (\(binds: chunk)) AND closed_at IS NULL ORDER BY order_key\(unsafeRaw: lock)
                """).all().map(CaseRow.decode)
            guard !cases.isEmpty else { continue }
            var exceptions: [String: [ExceptionRecord]] = [:]
            for e in try await sql.raw("""
                SELECT * FROM exceptions WHERE case_id IN (\(binds: cases.map(\.id))) ORDER BY case_id, opened_at, id
                """).all().map(ExceptionRow.decode) {
                exceptions[e.caseId, default: []].append(e)
            }
            for c in cases { facts.openCases[c.orderKey] = (c, exceptions[c.id] ?? []) }
        }
        return facts
    }

    /// A message whose request was resolved or cancelled in an earlier, closed case of its
    /// order: it is not raised again when the order changes (`m` is the message).
    static let answeredMessage = """
        SELECT 1 FROM exceptions e JOIN cases c ON c.id = e.case_id
        WHERE c.order_id = m.order_id AND c.closed_at IS NOT NULL
          AND e.identity = 'customer.request#message:' || m.message_id AND e.state IN ('resolved', 'cancelled')
        """
}
