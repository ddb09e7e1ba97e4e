import ClearwayCore
import SQLKit


extension StoreTransaction {
    public func insertEventLog(_ log: StoredEventLog, document: String) async throws {
        try await sql.raw("""
            INSERT INTO event_logs (id, name, imported_at, imported_by, events, objects, object_types, document)
            VALUES (\(bind: log.id), \(bind: log.name), \(bind: log.importedAt.millis), \(bind: log.importedBy), \(bind: log.events),
                    \(bind: log.objects), \(bind: log.objectTypes.joined(separator: "\n")), \(bind: document))
            """).run()
    }
}

extension CaseQueries {
    public func eventLogs() async throws -> [StoredEventLog] {
        try await database.read { sql in
            try await sql.raw("SELECT id, name, imported_at, imported_by, events, objects, object_types FROM event_logs ORDER BY imported_at DESC, id")
                .all().map(Self.storedLog)
        }
    }

    public func eventLog(_ id: String) async throws -> (StoredEventLog, String)? {
        try await database.read { sql in
            guard let row = try await sql.raw("SELECT * FROM event_logs WHERE id = \(bind: id)").first() else { return nil }
            return (try Self.storedLog(row), try row.decode(column: "document", as: String.self))
        }
    }

    static func storedLog(_ row: any SQLRow) throws -> StoredEventLog {
        StoredEventLog(id: try row.decode(column: "id", as: String.self), name: try row.decode(column: "name", as: String.self),
                       importedAt: Instant(millis: try row.decode(column: "imported_at", as: Int64.self)),
                       importedBy: try row.decode(column: "imported_by", as: String.self),
                       events: try row.decode(column: "events", as: Int.self), objects: try row.decode(column: "objects", as: Int.self),
                       objectTypes: try row.decode(column: "object_types", as: String.self).split(separator: "\n").map(String.init))
    }
}
