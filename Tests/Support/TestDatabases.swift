import ClearwayStore
import Foundation
import Logging
import SQLKit

/// The databases every store-touching suite runs on: SQLite always, PostgreSQL too when
/// `CLEARWAY_TEST_POSTGRES_URL` is set (CI sets it). Each test gets a database of its own:
/// a new SQLite file, or a new PostgreSQL schema, so suites run in parallel safely.
public enum TestDatabaseKind: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite, postgres
    public var description: String { rawValue }

    public static var available: [TestDatabaseKind] {
        ProcessInfo.processInfo.environment["CLEARWAY_TEST_POSTGRES_URL"].map { $0.isEmpty ? [.sqlite] : [.sqlite, .postgres] } ?? [.sqlite]
    }
}

public struct TestDatabase: Sendable {
    public let database: Database
    /// Opens a second, independent handle on the same data: a restarted node, or a second node.
    public let reopen: @Sendable () async throws -> Database
    let cleanup: @Sendable () async -> Void

    public static func make(_ kind: TestDatabaseKind) async throws -> TestDatabase {
        var quiet = Logger(label: "test")
        quiet.logLevel = .warning
        let logger = quiet
        switch kind {
        case .sqlite:
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("clearway-test-\(UUID().uuidString).db").path
            let db = try await Database.open(.sqlite(path: path), logger: logger)
            try await db.migrate()
            return TestDatabase(database: db, reopen: { try await Database.open(.sqlite(path: path), logger: logger) }) {
                await db.close()
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            }
        case .postgres:
            let url = ProcessInfo.processInfo.environment["CLEARWAY_TEST_POSTGRES_URL"] ?? ""
            let schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
            let db = try await Database.open(.postgres(url: url), logger: logger, schema: String(schema))
            try await db.migrate()
            return TestDatabase(database: db, reopen: { try await Database.open(.postgres(url: url), logger: logger, schema: String(schema)) }) {
                _ = try? await db.read { try await $0.raw("DROP SCHEMA \(ident: String(schema)) CASCADE").run() }
                await db.close()
            }
        }
    }

    /// Runs `body` with a fresh database and always cleans up.
    public static func with<T: Sendable>(_ kind: TestDatabaseKind, _ body: (Database) async throws -> T) async throws -> T {
        try await withHandle(kind) { try await body($0.database) }
    }

    /// Like `with`, but hands over the whole test database (for reopening it).
    public static func withHandle<T: Sendable>(_ kind: TestDatabaseKind, _ body: (TestDatabase) async throws -> T) async throws -> T {
        let test = try await make(kind)
        do {
            let value = try await body(test)
            await test.cleanup()
            return value
        } catch {
            await test.cleanup()
            throw error
        }
    }

    /// Runs a statement that bypasses Clearway (tests that tamper with stored rows).
    public static func tamper(_ database: Database, _ statement: SQLQueryString) async throws {
        try await database.read { try await $0.raw(statement).run() }
    }
}
