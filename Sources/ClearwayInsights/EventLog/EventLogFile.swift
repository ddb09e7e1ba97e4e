import Foundation

/// An event log file in one of the forms Clearway reads, told apart by content: OCEL 2.0
/// JSON starts with `{`; pm4py's OCEL-CSV starts with a header naming `ocel:` columns.
public enum EventLogFile {
    public static func read(_ data: Data) throws(EventLogError) -> ObjectCentricLog {
        let bytes = [UInt8](data)
        let start = bytes.firstIndex { ![0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains($0) }
        guard let start else { throw .invalid("the file is empty") }
        if bytes[start] == 0x7B { return try OCELJSON.read(data) }
        if bytes.starts(with: Array("SQLite format 3".utf8)) {
            throw .invalid("this is an OCEL 2.0 SQLite file, which is read from its path (EventLogFiles in the engine), not from memory")
        }
        return try OCELCSVReader.read(bytes)
    }
}
