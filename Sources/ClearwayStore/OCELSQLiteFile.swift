import Foundation
import Logging
import NIOCore
import NIOPosix
import SQLiteNIO

/// An OCEL 2.0 SQLite file (ocel-standard.org) read as plain rows: events with their type and
/// time, objects with their type, and the event–object relations. The file is opened
/// read-only and never changed. Type tables are named by the file itself, so each name is
/// checked to be a plain identifier before it is quoted into a query; every value is bound.
public enum OCELSQLiteFile {
    public struct Tables: Sendable {
        /// In the file's order.
        public var events: [(id: String, type: String, time: String)] = []
        public var objects: [(id: String, type: String)] = []
        public var relations: [(event: String, object: String, qualifier: String)] = []
    }

    public struct Invalid: Error, CustomStringConvertible {
        public var description: String
    }

    /// Files larger than this are not opened (a log of millions of events is far smaller).
    public static let maxBytes = 512 * 1024 * 1024

    public static func read(path: String, logger: Logger) async throws -> Tables {
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        guard size <= maxBytes else { throw Invalid(description: "\(path) is \(size / 1_048_576) MiB; event log files may be at most \(maxBytes / 1_048_576) MiB") }
        let connection: SQLiteConnection
        do {
            // Opened read-only and immutable: SQLite writes nothing, not even a journal, to a
            // file someone handed in.
            connection = try await SQLiteConnection.open(storage: .file(path: readOnlyURI(path)), threadPool: .singleton, logger: logger,
                                                         on: MultiThreadedEventLoopGroup.singleton.any())
        } catch { throw Invalid(description: "cannot open \(path) as SQLite") }
        do {
            _ = try await connection.query("PRAGMA query_only = 1")
            let tables = try await read(connection)
            try await connection.close()
            return tables
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// An SQLite URI that opens `path` read-only and immutable.
    public static func readOnlyURI(_ path: String) -> String {
        var escaped = ""
        for c in path.unicodeScalars {
            if c == "%" || c == "?" || c == "#" { escaped += String(format: "%%%02X", c.value) } else { escaped.unicodeScalars.append(c) }
        }
        return "file:\(escaped)?mode=ro&immutable=1"
    }

    static func read(_ c: SQLiteConnection) async throws -> Tables {
        let names = Set(try await c.query("SELECT name FROM sqlite_master WHERE type = 'table'").compactMap { $0.column("name")?.string })
        for required in ["event", "object", "event_object", "event_map_type"] where !names.contains(required) {
            throw Invalid(description: "not an OCEL 2.0 SQLite file: it has no \(required) table")
        }
        var tables = Tables()
        var times: [String: String] = [:]
        for row in try await c.query("SELECT ocel_type, ocel_type_map FROM event_map_type") {
            guard let map = row.column("ocel_type_map")?.string else { continue }
            guard !map.isEmpty, map.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x5F }),
                  names.contains("event_\(map)") else {
                throw Invalid(description: "event type table name '\(map.prefix(40))' is not a plain identifier or is missing")
            }
            for r in try await c.query("SELECT ocel_id, ocel_time FROM \"event_\(map)\"") {
                if let id = r.column("ocel_id")?.string, let time = r.column("ocel_time")?.string { times[id] = time }
            }
        }
        for row in try await c.query("SELECT ocel_id, ocel_type FROM event ORDER BY rowid") {
            guard let id = row.column("ocel_id")?.string, let type = row.column("ocel_type")?.string else { continue }
            guard let time = times[id] else { throw Invalid(description: "event \(id.prefix(40)) has no time in its type's table") }
            tables.events.append((id, type, time))
        }
        for row in try await c.query("SELECT ocel_id, ocel_type FROM object ORDER BY rowid") {
            if let id = row.column("ocel_id")?.string, let type = row.column("ocel_type")?.string { tables.objects.append((id, type)) }
        }
        for row in try await c.query("SELECT ocel_event_id, ocel_object_id, ocel_qualifier FROM event_object ORDER BY rowid") {
            if let e = row.column("ocel_event_id")?.string, let o = row.column("ocel_object_id")?.string {
                tables.relations.append((e, o, row.column("ocel_qualifier")?.string ?? ""))
            }
        }
        return tables
    }
}
