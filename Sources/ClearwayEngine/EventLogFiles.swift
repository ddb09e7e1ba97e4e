import ClearwayInsights
import ClearwayStore
import Foundation
import Logging

/// Event log files in every form Clearway reads: OCEL 2.0 JSON and OCEL-CSV (parsed in
/// memory) and OCEL 2.0 SQLite (read through the store's SQLite driver).
public enum EventLogFiles {
    public static func read(path: String, logger: Logger) async throws -> ObjectCentricLog {
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        guard size <= OCELSQLiteFile.maxBytes else {
            throw EventLogError.invalid("\(path) is \(size / 1_048_576) MiB; event log files may be at most \(OCELSQLiteFile.maxBytes / 1_048_576) MiB")
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw EventLogError.invalid("cannot read \(path)") }
        guard data.starts(with: Data("SQLite format 3".utf8)) else { return try EventLogFile.read(data) }
        let tables: OCELSQLiteFile.Tables
        do { tables = try await OCELSQLiteFile.read(path: path, logger: logger) } catch let invalid as OCELSQLiteFile.Invalid {
            throw EventLogError.invalid(invalid.description)
        }
        var log = ObjectCentricLog()
        var typeOf: [String: String] = [:]
        for o in tables.objects {
            typeOf[o.id] = o.type
            log.object(id: o.id, type: o.type)
        }
        var index: [String: Int32] = [:]
        for e in tables.events {
            guard let time = LogTimestamp.milliseconds(e.time) else {
                throw EventLogError.invalid("event \(e.id.prefix(40)): ocel_time '\(e.time.prefix(40))' is not an ISO 8601 time")
            }
            index[e.id] = try log.addEvent(id: e.id, activity: e.type, time: time)
        }
        for r in tables.relations {
            guard let event = index[r.event] else { throw EventLogError.invalid("event_object names event \(r.event.prefix(40)), which is not in the event table") }
            guard let type = typeOf[r.object] else { throw EventLogError.invalid("event_object names object \(r.object.prefix(40)), which is not in the object table") }
            log.relate(event: event, object: log.object(id: r.object, type: type), qualifier: r.qualifier)
        }
        return log
    }
}
