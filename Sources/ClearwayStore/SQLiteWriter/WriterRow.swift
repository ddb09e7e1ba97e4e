import SQLiteKit

/// One row stepped by `SQLiteWriter`, read through SQLKit's `SQLRow` like any other row.
struct WriterRow: SQLRow {
    /// A prepared statement's column names and where each is, shared by all its rows.
    final class Columns: Sendable {
        let names: [String]
        let index: [String: Int]
        init(names: [String]) {
            self.names = names
            var index: [String: Int] = [:]
            // The first of two columns with one name wins, as in sqlite-nio.
            for (i, name) in names.enumerated() where index[name] == nil { index[name] = i }
            self.index = index
        }
    }

    let columns: Columns
    let values: [SQLiteData]

    var allColumns: [String] { columns.names }

    func contains(column: String) -> Bool { columns.index[column] != nil }

    func decodeNil(column: String) throws -> Bool {
        guard let i = columns.index[column] else { return true }
        return values[i] == .null
    }

    func decode<D: Decodable>(column: String, as type: D.Type) throws -> D {
        guard let i = columns.index[column] else { throw MissingColumn(column: column) }
        let value = values[i]
        // The types the store reads, without a trip through the generic decoder.
        switch value {
        case .text(let s): if let s = s as? D { return s }
        case .integer(let n):
            if let n = Int64(n) as? D { return n }
            if let n = n as? D { return n }
        case .float(let x): if let x = x as? D { return x }
        default: break
        }
        return try Self.decoder.decode(D.self, from: value)
    }

    private static let decoder = SQLiteDataDecoder()

    struct MissingColumn: Error, CustomStringConvertible {
        let column: String
        var description: String { "the result has no column named \(column)" }
    }
}
