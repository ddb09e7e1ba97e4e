import ClearwayCore

/// Reads pm4py's OCEL-CSV ("extended table"): one row per event with `ocel:eid`,
/// `ocel:activity`, `ocel:timestamp`, one `ocel:type:TYPE` column per object type holding a
/// list of object ids (`['o1','o2']`), and any other columns as event attributes.
public enum OCELCSVReader {
    static let typePrefix = "ocel:type:"

    public static func read(_ bytes: [UInt8]) throws(EventLogError) -> ObjectCentricLog {
        var rows = CSVReader(bytes: bytes)
        guard let header = rows.next() else { throw .invalid("the file is empty: an OCEL CSV starts with a header row") }
        func column(_ name: String) throws(EventLogError) -> Int {
            guard let index = header.fields.firstIndex(of: name) else {
                throw .invalid("the header has no \(name) column (found: \(header.fields.joined(separator: ", ")))")
            }
            return index
        }
        let idColumn = try column("ocel:eid"), activityColumn = try column("ocel:activity"), timeColumn = try column("ocel:timestamp")
        let typeColumns = header.fields.enumerated().filter { $0.element.hasPrefix(typePrefix) }
            .map { (index: $0.offset, type: String($0.element.dropFirst(typePrefix.count))) }
        guard !typeColumns.isEmpty else { throw .invalid("the header has no ocel:type:TYPE column, so no event touches an object") }
        let attributeColumns = header.fields.enumerated().filter { column in
            ![idColumn, activityColumn, timeColumn].contains(column.offset) && !column.element.hasPrefix(typePrefix)
        }

        var log = ObjectCentricLog()
        for type in typeColumns { _ = log.declare(type: type.type) }
        while let row = rows.next() {
            if row.fields.count == 1, row.fields[0].isEmpty { continue }
            guard row.fields.count == header.fields.count else {
                throw .invalid("line \(row.line): \(row.fields.count) fields where the header has \(header.fields.count)")
            }
            let stamp = row.fields[timeColumn]
            guard let time = LogTimestamp.milliseconds(stamp) else {
                throw .invalid("line \(row.line): ocel:timestamp '\(stamp.prefix(40))' is not an ISO 8601 time")
            }
            let activity = row.fields[activityColumn].trimmingSpaces
            guard !activity.isEmpty else { throw .invalid("line \(row.line): ocel:activity is empty") }
            var attributes: [String: String] = [:]
            for column in attributeColumns where !row.fields[column.offset].trimmingSpaces.isEmpty {
                attributes[column.element] = row.fields[column.offset]
            }
            let event: Int32
            do {
                event = try log.addEvent(id: row.fields[idColumn].trimmingSpaces, activity: activity, time: time, attributes: attributes)
            } catch { throw .invalid("line \(row.line): \(error)") }
            for type in typeColumns {
                guard let ids = objectIDs(row.fields[type.index]) else {
                    throw .invalid("line \(row.line): ocel:type:\(type.type) '\(row.fields[type.index].prefix(40))' is not a list of object ids")
                }
                for id in ids { log.relate(event: event, object: log.object(id: id, type: type.type)) }
            }
        }
        if let failure = rows.failure { throw .invalid(failure.description) }
        return log
    }

    /// `['a','b']`, `["a", "b"]`, a bare id, or blank for none; nil when malformed.
    static func objectIDs(_ cell: String) -> [String]? {
        let text = cell.trimmingSpaces
        if text.isEmpty || text == "[]" { return [] }
        guard text.hasPrefix("[") else { return [text] }
        guard text.hasSuffix("]") else { return nil }
        var ids: [String] = []
        var current: [UInt8] = []
        var quote: UInt8? = nil
        var expectingSeparator = false
        for b in text.utf8.dropFirst().dropLast() {
            if let q = quote {
                if b == q { ids.append(String(decoding: current, as: UTF8.self)); current = []; quote = nil; expectingSeparator = true } else { current.append(b) }
            } else if b == 0x27 || b == 0x22 {
                guard !expectingSeparator else { return nil }
                quote = b
            } else if b == 0x2C {
                guard expectingSeparator else { return nil }
                expectingSeparator = false
            } else if b != 0x20 {
                return nil
            }
        }
        return quote == nil ? ids : nil
    }
}

extension String {
    var trimmingSpaces: String {
        guard let first = utf8.firstIndex(where: { $0 != 0x20 }) else { return "" }
        let last = utf8.lastIndex(where: { $0 != 0x20 })!
        return String(self[first...last])
    }
}
