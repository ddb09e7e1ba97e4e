import ClearwayCore
import SQLKit

/// The inbox (idempotency on source + id) and the dead-letter table.
extension StoreTransaction {
    public func insertDeadLetter(_ d: DeadLetter) async throws {
        try await sql.raw("""
            INSERT INTO dead_letters (id, source, event_id, type, reason_code, reason, event, received_at, status, attempts, resolved_at)
            VALUES (\(bind: d.id), \(bind: d.source), \(bind: d.eventId), \(bind: d.type), \(bind: d.reasonCode), \(bind: d.reason),
                    \(bind: d.event.canonicalString()), \(bind: d.receivedAt.millis), \(bind: d.status), \(bind: d.attempts), \(bind: d.resolvedAt?.millis))
            """).run()
    }

    public func deadLetter(_ id: String) async throws -> DeadLetter? {
        try await sql.raw("SELECT * FROM dead_letters WHERE id = \(bind: id)\(unsafeRaw: dialect.forUpdate)").first().map(DeadLetterRow.decode)
    }

    public func updateDeadLetter(_ d: DeadLetter) async throws {
        try await sql.raw("""
            UPDATE dead_letters SET reason_code = \(bind: d.reasonCode), reason = \(bind: d.reason), status = \(bind: d.status),
                attempts = \(bind: d.attempts), resolved_at = \(bind: d.resolvedAt?.millis)
            WHERE id = \(bind: d.id)
            """).run()
    }
}

enum InboxRow {
    static func decode(_ row: any SQLRow) throws -> InboxRecord {
        InboxRecord(source: try row.decode(column: "source", as: String.self),
                    eventId: try row.decode(column: "event_id", as: String.self),
                    type: try row.decode(column: "type", as: String.self),
                    receivedAt: Instant(millis: try row.decode(column: "received_at", as: Int64.self)),
                    outcome: try row.decode(column: "outcome", as: String.self),
                    caseIds: try JSONText.decode([String].self, row.decode(column: "cases", as: String.self)))
    }
}

enum DeadLetterRow {
    static func decode(_ row: any SQLRow) throws -> DeadLetter {
        DeadLetter(id: try row.decode(column: "id", as: String.self),
                   source: try row.decode(column: "source", as: String.self),
                   eventId: try row.decode(column: "event_id", as: String.self),
                   type: try row.decode(column: "type", as: String.self),
                   reasonCode: try row.decode(column: "reason_code", as: String.self),
                   reason: try row.decode(column: "reason", as: String.self),
                   event: JSONValue.parse(Data(try row.decode(column: "event", as: String.self).utf8)) ?? .null,
                   receivedAt: Instant(millis: try row.decode(column: "received_at", as: Int64.self)),
                   status: try row.decode(column: "status", as: String.self),
                   attempts: Int(try row.decode(column: "attempts", as: Int64.self)),
                   resolvedAt: try row.decode(column: "resolved_at", as: Int64?.self).map(Instant.init(millis:)))
    }
}

import Foundation
