import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresKit
import SQLiteKit
import SQLKit

/// The SQL dialect differences Clearway has to care about; everything else is one code path.
public enum Dialect: String, Sendable {
    case sqlite, postgres

    /// Row lock for read-modify-write inside a transaction; SQLite serialises writers instead.
    var forUpdate: String { self == .postgres ? " FOR UPDATE" : "" }
}

/// Connections to the store. SQLite: one writer behind a gate, driven synchronously on its
/// own thread (`SQLiteWriter`), plus one reader (WAL lets them run side by side). PostgreSQL: a pool; each transaction holds one connection.
public final class Database: Sendable {
    public let dialect: Dialect
    public let location: DatabaseLocation
    let logger: Logger
    private let backend: Backend
    private let gate = SerialGate()
    /// Rises after each commit that changed the record, here or (PostgreSQL) on any node.
    public let changes = ChangeSignal()
    /// Rises after a key is revoked, here or (PostgreSQL) on any node: cached keys are dropped.
    public let keyRevocations = ChangeSignal()

    enum Backend: Sendable {
        case sqlite(writer: SQLiteWriter, thread: WriterThread, reader: SQLiteConnection, checkpointer: WALCheckpointer)
        case postgres(pool: PostgresPool)
    }

    /// `EventLoopGroupConnectionPool` guards its per-loop pools with locks and is shared
    /// across tasks by postgres-kit itself; it only lacks the annotation, hence unchecked.
    struct PostgresPool: @unchecked Sendable {
        let pool: EventLoopGroupConnectionPool<PostgresConnectionSource>
    }

    private init(location: DatabaseLocation, dialect: Dialect, backend: Backend, logger: Logger) {
        self.location = location; self.dialect = dialect; self.backend = backend; self.logger = logger
    }

    /// Opens the store. `schema` (PostgreSQL only) keeps Clearway's tables in their own
    /// schema, created if missing, so several test runs or tenants can share one database.
    public static func open(_ location: DatabaseLocation, logger: Logger, schema: String? = nil) async throws -> Database {
        switch location {
        case .sqlite(let path):
            let group = MultiThreadedEventLoopGroup.singleton
            // The reader opens first: sqlite-nio initialises the library once for the process.
            let reader = try await SQLiteConnection.open(storage: .file(path: path), threadPool: .singleton, logger: logger, on: group.any())
            let writer = try SQLiteWriter(path: path)
            // synchronous=FULL: a commit is on disk before the client hears "accepted", even
            // across a power cut; group commit spreads that fsync over concurrent requests.
            // cache_size: 64 MiB of pages instead of SQLite's 2 MiB; profiles of ingestion showed a
            // third of the writer's time in pread of B-tree pages evicted from the small cache.
            // journal_size_limit: the log file is cut back to 64 MiB when it restarts.
            for pragma in ["PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA busy_timeout=10000", "PRAGMA foreign_keys=OFF",
                           "PRAGMA cache_size=-65536", "PRAGMA journal_size_limit=67108864"] {
                try writer.execute(pragma, []) { _ in }
            }
            _ = try await reader.query("PRAGMA busy_timeout=10000")
            // The reader's pages are dropped whenever another connection commits, so a large
            // cache helps only quiet repeated reads; 16 MiB keeps a node with a million open
            // cases under 200 MiB after scanning them (64 MiB peaked at 202 MiB).
            _ = try await reader.query("PRAGMA cache_size=-16384")
            let checkpoints = try await SQLiteConnection.open(storage: .file(path: path), threadPool: .singleton, logger: logger, on: group.any())
            _ = try await checkpoints.query("PRAGMA busy_timeout=10000")
            let backend = Backend.sqlite(writer: writer, thread: WriterThread(), reader: reader,
                                         checkpointer: WALCheckpointer(connection: checkpoints, logger: logger))
            return Database(location: location, dialect: .sqlite, backend: backend, logger: logger)
        case .postgres(let url):
            var config = try SQLPostgresConfiguration(url: url)
            if let schema {
                guard !schema.isEmpty, schema.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
                    throw DatabaseLocation.Invalid(description: "schema names may only hold letters, digits and underscores")
                }
                config.searchPath = [schema]
            }
            let pool = EventLoopGroupConnectionPool(
                source: PostgresConnectionSource(sqlConfiguration: config),
                maxConnectionsPerEventLoop: 4, requestTimeout: .seconds(30), logger: logger,
                on: MultiThreadedEventLoopGroup.singleton)
            let db = Database(location: location, dialect: .postgres, backend: .postgres(pool: PostgresPool(pool: pool)), logger: logger)
            do {
                if let schema { _ = try await db.read { try await $0.raw("CREATE SCHEMA IF NOT EXISTS \(ident: schema)").run() } }
                _ = try await db.read { try await $0.raw("SELECT 1 AS ok").all() }
            } catch {
                try? await pool.shutdownAsync()
                throw error
            }
            return db
        }
    }

    public func close() async {
        switch backend {
        case .sqlite(let writer, let thread, let reader, let checkpointer):
            await checkpointer.close()
            try? await reader.close()
            _ = try? await gate.run { writer.close() }
            thread.shutdown()
        case .postgres(let pool):
            try? await pool.pool.shutdownAsync()
        }
    }

    /// Runs `body` in one transaction: all of it commits, or none of it does. On PostgreSQL
    /// a transaction that lost a race with another node (unique violation, serialisation
    /// failure, deadlock) is run again from the start, up to `attempts` times, so the
    /// loser sees the winner's rows (e.g. answers `duplicate`) instead of failing.
    public func transaction<T: Sendable>(attempts: Int = 4, _ body: @escaping @Sendable (StoreTransaction) async throws -> T) async throws -> T {
        var attempt = 1
        while true {
            do {
                return try await transactionOnce(body)
            } catch where attempt < attempts && Self.isTransientConflict(error) {
                logger.debug("transaction retried after a conflict", metadata: ["db.attempt": "\(attempt)"])
                attempt += 1
            }
        }
    }

    /// SQLSTATEs that mean "another transaction got there first; try again".
    static func isTransientConflict(_ error: any Error) -> Bool {
        guard let psql = error as? PSQLError, let state = psql.serverInfo?[.sqlState] else { return false }
        return ["23505", "40001", "40P01"].contains(state)
    }

    private func transactionOnce<T: Sendable>(_ body: @escaping @Sendable (StoreTransaction) async throws -> T) async throws -> T {
        switch backend {
        case .sqlite(let writer, let thread, _, let checkpointer):
            let sql = writerSQL(writer)
            return try await withTaskExecutorPreference(thread) {
                try await gate.run {
                    let value = try await Self.inTransaction(sql, begin: "BEGIN IMMEDIATE", dialect: .sqlite, logger: self.logger, changes: self.changes,
                                                             revocations: self.keyRevocations, body)
                    checkpointer.afterCommit(frames: writer.walFrames.count.load(ordering: .relaxed))
                    return value
                }
            }
        case .postgres(let pool):
            return try await pool.pool.database(logger: logger).sql().withSession { session in
                try await Self.inTransaction(session, begin: "BEGIN", dialect: .postgres, logger: self.logger, changes: self.changes,
                                         revocations: self.keyRevocations, body)
            }
        }
    }

    private static func inTransaction<T: Sendable>(_ sql: any SQLDatabase, begin: String, dialect: Dialect, logger: Logger, changes: ChangeSignal,
                                                   revocations: ChangeSignal,
                                                   _ body: @Sendable (StoreTransaction) async throws -> T) async throws -> T {
        // The statements below are fixed keywords, not input: raw is safe here.
        try await sql.raw(SQLQueryString(begin)).run()
        let tx = StoreTransaction(sql: sql, dialect: dialect)
        do {
            let value = try await body(tx)
            // The audit first: the deliveries it queues for webhook subscribers are deferred too.
            let changed = try await tx.flushAudit()
            try await tx.flushDeferred()
            // NOTIFY is transactional: other nodes hear of the change only if it commits.
            if changed, dialect == .postgres {
                // The payload says a key was revoked, so other nodes drop their cached keys too.
                let payload = tx.revokedKeys ? "keys" : ""
                try await sql.raw("SELECT pg_notify('clearway_changes', \(bind: payload))").run()
            }
            try await sql.raw("COMMIT").run()
            if changed { changes.signal() }
            if tx.revokedKeys { revocations.signal() }
            return value
        } catch {
            do { try await sql.raw("ROLLBACK").run() } catch { logger.warning("rollback failed", metadata: ["error": "\(error)"]) }
            throw error
        }
    }

    /// Whether a write transaction holds SQLite's single writer now (always false on
    /// PostgreSQL, whose writers do not queue behind one another). Tests use it to prove
    /// that slow work runs outside the write turn.
    public var writeTurnHeld: Bool {
        get async { dialect == .sqlite ? await gate.isHeld : false }
    }

    /// The thread SQLite's write transactions run on (nil on PostgreSQL). Code that runs
    /// write transactions back to back (group commit) runs here too, so it does not wait
    /// between them for a thread that serves requests.
    public var writeExecutor: (any TaskExecutor)? {
        if case .sqlite(_, let thread, _, _) = backend { thread } else { nil }
    }

    /// Runs read-only queries outside any write transaction.
    public func read<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        switch backend {
        case .sqlite(_, _, let reader, _):
            return try await body(reader.sql())
        case .postgres(let pool):
            return try await body(pool.pool.database(logger: logger).sql())
        }
    }

    private func writerSQL(_ writer: SQLiteWriter) -> WriterSQLDatabase {
        WriterSQLDatabase(writer: writer, logger: logger, eventLoop: MultiThreadedEventLoopGroup.singleton.any())
    }

    /// Runs statements outside a transaction on the write connection (migrations, maintenance).
    func withWriter<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        switch backend {
        case .sqlite(let writer, let thread, _, _):
            let sql = writerSQL(writer)
            return try await withTaskExecutorPreference(thread) { try await gate.run { try await body(sql) } }
        case .postgres(let pool):
            return try await pool.pool.database(logger: logger).sql().withSession { try await body($0) }
        }
    }
}
