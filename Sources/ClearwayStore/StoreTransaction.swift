import ClearwayCore
import Crypto
import Foundation
import Synchronization
import SQLKit

/// The store as seen from inside one transaction. Every method uses bound parameters only.
/// Audit entries are buffered and chained at commit, so the lock on the chain's head is
/// held for the shortest time.
public final class StoreTransaction: Sendable {
    let sql: any SQLDatabase
    public let dialect: Dialect
    private let pendingAudit = Mutex<[AuditEntry]>([])
    /// Timers and inbox outcomes written together at commit (`flushDeferred`).
    let deferred = Mutex(DeferredWrites())
    private let wroteReference = Mutex(false)
    private let revoked = Mutex(false)

    /// Set when this transaction revoked an API key: after commit every node drops its
    /// cached copy at once.
    public var revokedKeys: Bool {
        get { revoked.withLock { $0 } }
        set { revoked.withLock { $0 = newValue } }
    }

    /// True once this transaction has changed reference data; cached copies must not be
    /// used for the rest of it.
    public var hasWrittenReferenceData: Bool { wroteReference.withLock { $0 } }

    private let readVersion = Mutex<Int64?>(nil)

    /// The reference-data version as committed when this transaction first asked; read
    /// once per transaction (later writes in it are tracked by `hasWrittenReferenceData`).
    public func referenceVersion() async throws -> Int64 {
        if let known = readVersion.withLock({ $0 }) { return known }
        let version = try await sql.raw("SELECT version FROM reference_version WHERE id = 1").first()?.decode(column: "version", as: Int64.self) ?? 0
        readVersion.withLock { $0 = version }
        return version
    }

    func referenceChanged() async throws {
        let first = wroteReference.withLock { flag -> Bool in
            defer { flag = true }
            return !flag
        }
        if first { try await sql.raw("UPDATE reference_version SET version = version + 1 WHERE id = 1").run() }
    }

    init(sql: any SQLDatabase, dialect: Dialect) {
        self.sql = sql
        self.dialect = dialect
    }

    /// Audit rows per INSERT: 13 binds each, well inside both databases' limits.
    static let auditRowsPerStatement = 100

    /// Queues an audit row; it is written, chained and hashed when the transaction commits.
    /// It keeps the trace of the work that made it (for the webhooks it queues).
    public func audit(_ entry: AuditEntry) {
        var entry = entry
        if entry.trace == nil { entry.trace = TraceContext.current }
        pendingAudit.withLock { $0.append(entry) }
    }

    /// Writes the pending audit rows; returns whether there were any (a change to announce).
    @discardableResult
    func flushAudit() async throws -> Bool {
        let entries = pendingAudit.withLock { pending in
            defer { pending.removeAll() }
            return pending
        }
        guard !entries.isEmpty else { return false }
        let lock = dialect.forUpdate
        guard let head = try await sql.raw("SELECT seq, hash FROM audit_head WHERE id = 1\(unsafeRaw: lock)").first() else {
            throw StoreError.corrupt("audit head row is missing")
        }
        var seq = try head.decode(column: "seq", as: Int64.self)
        var previous = try head.decode(column: "hash", as: String.self)
        var chained: [AuditEntry] = []
        chained.reserveCapacity(entries.count)
        for var entry in entries {
            seq += 1
            entry.seq = seq
            entry.prevHash = previous
            entry.hash = AuditChain.hash(of: entry)
            previous = entry.hash
            chained.append(entry)
        }
        // The chain is extended with a few multi-row statements, not one per row.
        for chunk in chained.chunked(Self.auditRowsPerStatement) {
            let rows: [SQLQueryString] = chunk.map { e in
                """
                (\(bind: e.seq), \(bind: e.at.millis), \(bind: e.actor), \(bind: e.caseId), \(bind: e.exceptionId), \(bind: e.action), \(bind: e.before),
                 \(bind: e.after), \(bind: e.reason), \(bind: e.detail?.canonicalString()), \(bind: e.policyVersion), \(bind: e.prevHash), \(bind: e.hash))
                """
            }
            try await sql.raw("INSERT INTO audit_log (seq, at, actor, case_id, exception_id, action, before_state, after_state, reason, detail, "
                + "policy_version, prev_hash, hash) VALUES " + rows.joined(separator: ", ")).run()
        }
        try await sql.raw("UPDATE audit_head SET seq = \(bind: seq), hash = \(bind: previous) WHERE id = 1").run()
        try await enqueueWebhooks(chained)
        return true
    }
}

/// Errors the store raises itself (driver errors pass through and are logged, not shown).
public enum StoreError: Error, Sendable, Equatable {
    case corrupt(String)
    case notFound(String)
}

/// How audit rows are hashed. Each row's hash covers its content and the previous row's
/// hash, so editing or deleting any row breaks every hash after it.
public enum AuditChain {
    public static func hash(of e: AuditEntry) -> String {
        let fields: [JSONValue] = [
            .number(Double(e.seq)), .number(Double(e.at.millis)), .string(e.actor), e.caseId.map(JSONValue.string) ?? .null,
            e.exceptionId.map(JSONValue.string) ?? .null, .string(e.action), e.before.map(JSONValue.string) ?? .null,
            e.after.map(JSONValue.string) ?? .null, e.reason.map(JSONValue.string) ?? .null, e.detail ?? .null,
            .string(e.policyVersion), .string(e.prevHash),
        ]
        let digest = SHA256.hash(data: JSONValue.array(fields).canonicalData())
        return Hex.string(digest)
    }
}
