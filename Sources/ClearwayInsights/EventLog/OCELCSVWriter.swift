import ClearwayCore

/// Writes pm4py's OCEL-CSV (the form `OCELCSVReader` reads): one row per event, one
/// `ocel:type:TYPE` column per object type, event attributes after them.
public enum OCELCSVWriter {
    public static func write(_ log: ObjectCentricLog) -> String {
        var related = [[Int32]](repeating: [], count: log.events.count)
        for r in log.relations { related[Int(r.event)].append(r.object) }
        let columns = log.attributeNames.indices.sorted { log.attributeNames[$0] < log.attributeNames[$1] }
        var out = (["ocel:eid", "ocel:activity", "ocel:timestamp"] + log.objectTypes.map { "ocel:type:\($0)" } + columns.map { log.attributeNames[$0] }).map(field).joined(separator: ",") + "\n"
        for (i, event) in log.events.enumerated() {
            var row = [event.id, log.activities[Int(event.activity)], LogTimestamp.iso8601(milliseconds: event.time)]
            for type in 0..<Int32(log.objectTypes.count) {
                let ids = related[i].filter { log.objects[Int($0)].type == type }.map { "'\(log.objects[Int($0)].id)'" }
                row.append(ids.isEmpty ? "" : "[\(ids.joined(separator: ","))]")
            }
            row += columns.map { log.attributeValues[$0][i] ?? "" }
            out += row.map(field).joined(separator: ",") + "\n"
        }
        return out
    }

    static func field(_ text: String) -> String { CSVText.cell(text) }
}

extension ObjectCentricLog {
    /// The log repeated `copies` times with every event and object id prefixed by its copy
    /// number: the same process, `copies` times the volume (for benchmarks).
    public func repeated(_ copies: Int) throws(EventLogError) -> ObjectCentricLog {
        var out = ObjectCentricLog()
        for type in objectTypes { out.declare(type: type) }
        var byEvent = [[Relation]](repeating: [], count: events.count)
        for r in relations { byEvent[Int(r.event)].append(r) }
        let columns = attributeNames.map { out.attributeColumn($0) }
        for copy in 0..<copies {
            for (i, e) in events.enumerated() {
                let index = try out.addEvent(id: "\(copy)-\(e.id)", activity: activities[Int(e.activity)], time: e.time)
                for (k, column) in columns.enumerated() { if let v = attributeValues[k][i] { out.setAttribute(column, of: index, to: v) } }
                for r in byEvent[i] {
                    let object = objects[Int(r.object)]
                    out.relate(event: index, object: out.object(id: "\(copy)-\(object.id)", type: objectTypes[Int(object.type)]), qualifier: r.qualifier)
                }
            }
        }
        return out
    }
}
