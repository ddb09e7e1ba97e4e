import Logging
import NIOCore
import SQLiteKit
import SQLKit

/// `SQLiteWriter` as an `SQLDatabase`, so the store's statements run on it unchanged. Every
/// call completes before it returns: there is nothing to wait for.
struct WriterSQLDatabase: SQLDatabase {
    let writer: SQLiteWriter
    let logger: Logger
    let eventLoop: any EventLoop
    var dialect: any SQLDialect { SQLiteDialect() }
    var queryLogLevel: Logger.Level? { .debug }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) -> EventLoopFuture<Void> {
        do {
            try run(query, onRow)
            return eventLoop.makeSucceededVoidFuture()
        } catch {
            return eventLoop.makeFailedFuture(error)
        }
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) async throws {
        try run(query, onRow)
    }

    private func run(_ query: any SQLExpression, _ onRow: (any SQLRow) -> ()) throws {
        let (sql, binds) = serialize(query)
        logger.debug("Executing query", metadata: ["sql": .string(sql)])
        try writer.execute(sql, binds.map(Self.data), onRow: onRow)
    }

    private static let encoder = SQLiteDataEncoder()

    /// The bind types the store uses, without a trip through the generic encoder.
    static func data(_ value: any Encodable & Sendable) throws -> SQLiteData {
        switch value {
        case let s as String: .text(s)
        case let n as Int64: .integer(Int(n))
        case let n as Int: .integer(n)
        case let x as Double: .float(x)
        case let b as Bool: .integer(b ? 1 : 0)
        default: try encoder.encode(value)
        }
    }
}
