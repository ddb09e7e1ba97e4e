import ClearwayCore

/// Reads pm4py's OCEL-CSV ("extended table"): one row per event with `ocel:eid`,
/// `ocel:activity`, `ocel:timestamp`, one `ocel:type:TYPE` column per object type holding a
/// list of object ids (`['o1','o2']`, a bare id, or blank), and any other columns as event
/// attributes.
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

        var log = ObjectCentricLog()
        for type in typeColumns { log.declare(type: type.type) }
        let attributeColumns = header.fields.enumerated().filter { column in
            ![idColumn, activityColumn, timeColumn].contains(column.offset) && !column.element.hasPrefix(typePrefix)
        }.map { (index: $0.offset, column: log.attributeColumn($0.element)) }
        var ids: [String] = []
        while rows.advance() {
            if rows.fieldCount == 1, rows.field(0).isEmpty { continue }
            let line = rows.line
            guard rows.fieldCount == header.fields.count else {
                throw .invalid("line \(line): \(rows.fieldCount) fields where the header has \(header.fields.count)")
            }
            guard let time = LogTimestamp.milliseconds(rows.field(timeColumn)) else {
                throw .invalid("line \(line): ocel:timestamp '\(rows.string(timeColumn).prefix(40))' is not an ISO 8601 time")
            }
            let activity = trimmed(rows.field(activityColumn))
            guard !activity.isEmpty else { throw .invalid("line \(line): ocel:activity is empty") }
            let event: Int32
            do {
                event = try log.addEvent(id: trimmed(rows.field(idColumn)), activity: activity, time: time)
            } catch { throw .invalid("line \(line): \(error)") }
            for attribute in attributeColumns where !trimmed(rows.field(attribute.index)).isEmpty {
                log.setAttribute(attribute.column, of: event, to: rows.string(attribute.index))
            }
            for type in typeColumns {
                guard objectIDs(rows.field(type.index), into: &ids) else {
                    throw .invalid("line \(line): ocel:type:\(type.type) '\(rows.string(type.index).prefix(40))' is not a list of object ids")
                }
                for id in ids { log.relate(event: event, object: log.object(id: id, type: type.type)) }
            }
        }
        if let failure = rows.failure { throw .invalid(failure.description) }
        return log
    }

    /// `['a','b']`, `["a", "b"]`, a bare id, or blank for none; false when malformed.
    static func objectIDs(_ cell: ArraySlice<UInt8>, into ids: inout [String]) -> Bool {
        ids.removeAll(keepingCapacity: true)
        var lo = cell.startIndex, hi = cell.endIndex
        while lo < hi, cell[lo] == 0x20 { lo += 1 }
        while hi > lo, cell[hi - 1] == 0x20 { hi -= 1 }
        guard lo < hi else { return true }
        guard cell[lo] == 0x5B else { ids.append(String(decoding: cell[lo..<hi], as: UTF8.self)); return true }
        guard hi - lo >= 2, cell[hi - 1] == 0x5D else { return false }
        var quote: UInt8? = nil
        var start = lo
        var expectingSeparator = false
        for i in (lo + 1)..<(hi - 1) {
            let b = cell[i]
            if let q = quote {
                if b == q { ids.append(String(decoding: cell[start..<i], as: UTF8.self)); quote = nil; expectingSeparator = true }
            } else if b == 0x27 || b == 0x22 {
                guard !expectingSeparator else { return false }
                quote = b
                start = i + 1
            } else if b == 0x2C {
                guard expectingSeparator else { return false }
                expectingSeparator = false
            } else if b != 0x20 {
                return false
            }
        }
        return quote == nil
    }

    static func trimmed(_ bytes: ArraySlice<UInt8>) -> String {
        var lo = bytes.startIndex, hi = bytes.endIndex
        while lo < hi, bytes[lo] == 0x20 { lo += 1 }
        while hi > lo, bytes[hi - 1] == 0x20 { hi -= 1 }
        return String(decoding: bytes[lo..<hi], as: UTF8.self)
    }
}
