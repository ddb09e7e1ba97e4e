import Logging
import NIOCore
import SQLiteKit
import Synchronization
import VaporCSQLite

/// SQLite's one write connection, driven synchronously. sqlite-nio runs every statement on
/// a thread pool and hands every row back through an event loop: two thread hops per
/// statement and one per row, which profiles of ingestion showed as the largest single
/// cost (kernel task switching). Here a write transaction runs on the writer's own thread
/// (`WriterThread`, set as the task's executor), and each statement is a plain call into
/// SQLite: prepared once, kept, and reset for its next use.
///
/// Not thread-safe by itself: `Database` lets one holder of its write gate use it at a time.
final class SQLiteWriter: @unchecked Sendable {
    private var handle: OpaquePointer?
    private var statements: [String: PreparedStatement] = [:]
    /// Statements kept at most; SQL built for a variable number of rows (multi-row inserts,
    /// `IN` lists) varies, so the cache is emptied when it reaches this size.
    static let maxStatements = 512

    let path: String
    /// Frames in the write-ahead log after the last commit (SQLite's WAL hook). The writer
    /// does not checkpoint itself: `Database` has that done on another connection, so the
    /// checkpoint's writes and fsync do not hold up the next commit.
    let walFrames = WALFrames()

    final class WALFrames: Sendable {
        let count = Atomic<Int>(0)
    }

    init(path: String) throws {
        self.path = path
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_CREATE | SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX | SQLITE_OPEN_URI | SQLITE_OPEN_EXRESCODE
        let status = sqlite_nio_sqlite3_open_v2(path, &handle, flags, nil)
        guard status == SQLITE_OK, let handle else {
            if let handle { sqlite_nio_sqlite3_close(handle) }
            throw SQLiteWriterError(code: status, message: "cannot open the SQLite database at \(path)")
        }
        self.handle = handle
        sqlite_nio_sqlite3_wal_hook(handle, { context, _, _, frames in
            guard let context else { return SQLITE_OK }
            Unmanaged<WALFrames>.fromOpaque(context).takeUnretainedValue().count.store(Int(frames), ordering: .relaxed)
            return SQLITE_OK
        }, Unmanaged.passUnretained(walFrames).toOpaque())
    }

    deinit { close() }

    func close() {
        for statement in statements.values { sqlite_nio_sqlite3_finalize(statement.handle) }
        statements.removeAll()
        if let handle { sqlite_nio_sqlite3_close_v2(handle) }
        handle = nil
    }

    /// Runs one statement with its binds, handing each row to `onRow` as it is stepped.
    func execute(_ sql: String, _ binds: [SQLiteData], onRow: (WriterRow) throws -> Void) throws {
        guard let db = handle else { throw SQLiteWriterError(code: SQLITE_MISUSE, message: "the SQLite writer is closed") }
        let statement = try prepared(sql, db: db)
        let stmt = statement.handle
        defer {
            sqlite_nio_sqlite3_reset(stmt)
            sqlite_nio_sqlite3_clear_bindings(stmt)
        }
        for (i, bind) in binds.enumerated() {
            try check(Self.bind(bind, at: Int32(i + 1), to: stmt), db: db)
        }
        while true {
            let status = sqlite_nio_sqlite3_step(stmt)
            if status == SQLITE_DONE { return }
            guard status == SQLITE_ROW else { throw error(status, db: db) }
            try onRow(WriterRow(columns: statement.columns, values: Self.values(of: stmt, count: statement.columns.names.count)))
        }
    }

    private func prepared(_ sql: String, db: OpaquePointer) throws -> PreparedStatement {
        if let known = statements[sql] { return known }
        if statements.count >= Self.maxStatements {
            for statement in statements.values { sqlite_nio_sqlite3_finalize(statement.handle) }
            statements.removeAll(keepingCapacity: true)
        }
        var stmt: OpaquePointer?
        let status = sqlite_nio_sqlite3_prepare_v3(db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &stmt, nil)
        guard status == SQLITE_OK, let stmt else { throw error(status, db: db) }
        let count = sqlite_nio_sqlite3_column_count(stmt)
        let names = (0..<count).map { sqlite_nio_sqlite3_column_name(stmt, $0).map { String(cString: $0) } ?? "" }
        let statement = PreparedStatement(handle: stmt, columns: WriterRow.Columns(names: names))
        statements[sql] = statement
        return statement
    }

    private static func bind(_ value: SQLiteData, at i: Int32, to stmt: OpaquePointer) -> Int32 {
        switch value {
        case .integer(let v): return sqlite_nio_sqlite3_bind_int64(stmt, i, Int64(v))
        case .float(let v): return sqlite_nio_sqlite3_bind_double(stmt, i, v)
        case .null: return sqlite_nio_sqlite3_bind_null(stmt, i)
        case .text(let v):
            return v.withCString { sqlite_nio_sqlite3_bind_text64(stmt, i, $0, UInt64(v.utf8.count), transient, UInt8(SQLITE_UTF8)) }
        case .blob(let buffer):
            return buffer.withUnsafeReadableBytes {
                sqlite_nio_sqlite3_bind_blob64(stmt, i, $0.baseAddress, UInt64($0.count), transient)
            }
        }
    }

    private static func values(of stmt: OpaquePointer, count: Int) -> [SQLiteData] {
        (0..<Int32(count)).map { i in
            switch sqlite_nio_sqlite3_column_type(stmt, i) {
            case SQLITE_INTEGER: return .integer(Int(sqlite_nio_sqlite3_column_int64(stmt, i)))
            case SQLITE_FLOAT: return .float(sqlite_nio_sqlite3_column_double(stmt, i))
            case SQLITE_TEXT:
                guard let text = sqlite_nio_sqlite3_column_text(stmt, i) else { return .null }
                let length = Int(sqlite_nio_sqlite3_column_bytes(stmt, i))
                return .text(String(decoding: UnsafeBufferPointer(start: text, count: length), as: UTF8.self))
            case SQLITE_BLOB:
                let length = Int(sqlite_nio_sqlite3_column_bytes(stmt, i))
                var buffer = ByteBufferAllocator().buffer(capacity: length)
                if let bytes = sqlite_nio_sqlite3_column_blob(stmt, i) { buffer.writeBytes(UnsafeRawBufferPointer(start: bytes, count: length)) }
                return .blob(buffer)
            default: return .null
            }
        }
    }

    private func check(_ status: Int32, db: OpaquePointer) throws {
        guard status == SQLITE_OK else { throw error(status, db: db) }
    }

    private func error(_ status: Int32, db: OpaquePointer) -> SQLiteWriterError {
        SQLiteWriterError(code: status, message: sqlite_nio_sqlite3_errmsg(db).map { String(cString: $0) } ?? "SQLite error \(status)")
    }

    struct PreparedStatement {
        let handle: OpaquePointer
        let columns: WriterRow.Columns
    }
}

/// SQLite copies bound text and blobs before the call returns.
private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// An error SQLite reported to the writer, with SQLite's own message.
struct SQLiteWriterError: Error, CustomStringConvertible {
    let code: Int32
    let message: String
    var description: String { "SQLite error \(code): \(message)" }
}
