import ClearwayCore
import SQLKit

/// Set-wise writes for a group of events: one statement for many rows, so a transaction
/// carrying a hundred new orders costs a handful of statements instead of hundreds.
extension StoreTransaction {
    public struct InboxKey: Hashable, Sendable {
        public var source: String
        public var eventId: String
        public init(source: String, eventId: String) { self.source = source; self.eventId = eventId }
    }

    static let rowsPerStatement = 200

    /// Claims many events at once; returns the keys that were new. Keys repeated within
    /// `records` are claimed once, by their first occurrence.
    /// Each record comes with the event's canonical text.
    public func claimInbox(_ records: [(InboxRecord, String)]) async throws -> Set<InboxKey> {
        var seen = Set<InboxKey>()
        let unique = records.filter { seen.insert(InboxKey(source: $0.0.source, eventId: $0.0.eventId)).inserted }
        var claimed = Set<InboxKey>()
        for chunk in unique.chunked(Self.rowsPerStatement) {
            let rows: [SQLQueryString] = try chunk.map { r, event in
                "(\(bind: r.source), \(bind: r.eventId), \(bind: r.type), \(bind: r.receivedAt.millis), \(bind: r.outcome), \(bind: try JSONText.encode(r.caseIds)), \(bind: event))"
            }
            let returned = try await sql.raw("INSERT INTO inbox (source, event_id, type, received_at, outcome, cases, event) VALUES "
                + rows.joined(separator: ", ") + " ON CONFLICT (source, event_id) DO NOTHING RETURNING source, event_id").all()
            for row in returned {
                claimed.insert(InboxKey(source: try row.decode(column: "source", as: String.self), eventId: try row.decode(column: "event_id", as: String.self)))
            }
        }
        return claimed
    }

    /// Which of these orders Clearway already holds.
    public func existingOrderIds(_ ids: [String]) async throws -> Set<String> {
        var found = Set<String>()
        for chunk in ids.chunked(Self.rowsPerStatement) {
            for row in try await sql.raw("SELECT id FROM orders WHERE id IN (\(binds: Array(chunk)))").all() {
                found.insert(try row.decode(column: "id", as: String.self))
            }
        }
        return found
    }

    /// Value of each customer's active, unreleased orders (what counts toward credit exposure).
    public func activeOrderValues(customerIds: Set<String>) async throws -> [String: Money] {
        var values: [String: Money] = [:]
        let ids = customerIds.sorted()
        for chunk in ids.chunked(Self.rowsPerStatement) {
            let rows = try await sql.raw("""
                SELECT customer_id, CAST(COALESCE(SUM(total), 0) AS BIGINT) AS total FROM orders
                WHERE customer_id IN (\(binds: Array(chunk))) AND active = 1 AND status <> 'released' GROUP BY customer_id
                """).all()
            for row in rows {
                values[try row.decode(column: "customer_id", as: String.self)] = Money(tenThousandths: try row.decode(column: "total", as: Int64.self))
            }
        }
        return values
    }

    /// Inserts orders known to be new (see `existingOrderIds`), each with its stored text
    /// (`StoredDocument.order`), and their SKU index rows.
    public func insertNewOrders(_ documents: [(Order, String)], at: Instant) async throws {
        let orders = documents.map(\.0)
        for chunk in documents.chunked(Self.rowsPerStatement) {
            let rows: [SQLQueryString] = chunk.map { o, doc in
                "(\(bind: o.id), \(bind: o.customerId), \(bind: o.site), \(bind: o.lane), \(bind: o.requestedShipDate.description), \(bind: o.status.rawValue), \(bind: o.status.isActive ? 1 : 0), \(bind: o.total.tenThousandths), \(bind: doc), \(bind: at.millis))"
            }
            try await sql.raw("INSERT INTO orders (id, customer_id, site, lane, ship_date, status, active, total, doc, updated_at) VALUES "
                + rows.joined(separator: ", ")).run()
        }
        let skuRows: [SQLQueryString] = orders.filter(\.status.isActive).flatMap { o in
            o.skus.sorted().map { "(\(bind: o.id), \(bind: o.site), \(bind: $0))" as SQLQueryString }
        }
        for chunk in skuRows.chunked(Self.rowsPerStatement) {
            try await sql.raw("INSERT INTO order_skus (order_id, site, sku) VALUES " + chunk.joined(separator: ", ")).run()
        }
    }
}
