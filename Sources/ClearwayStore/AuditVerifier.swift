import SQLKit

/// The result of checking the audit chain end to end.
public struct AuditVerification: Sendable, Hashable {
    public var rowsChecked: Int
    /// Empty when the chain is intact; otherwise each break with its sequence number.
    public var problems: [String]
    public var intact: Bool { problems.isEmpty }
}

extension Database {
    /// Recomputes every row's hash and link. An edited row fails its own hash; a deleted
    /// row leaves a gap in the sequence and a broken link; a truncated tail no longer
    /// matches the recorded head.
    public func verifyAudit(pageSize: Int = 5_000) async throws -> AuditVerification {
        try await read { sql in
            var problems: [String] = []
            var expectedSeq: Int64 = 1
            var previous = "genesis"
            var checked = 0
            while true {
                let rows = try await sql.raw("SELECT * FROM audit_log WHERE seq >= \(bind: expectedSeq) ORDER BY seq LIMIT \(bind: pageSize)").all()
                if rows.isEmpty { break }
                for row in rows {
                    let entry = try AuditRow.decode(row)
                    checked += 1
                    if entry.seq != expectedSeq { problems.append("row \(expectedSeq)…\(entry.seq - 1) missing (deleted)") }
                    if entry.prevHash != previous { problems.append("row \(entry.seq) does not link to the row before it") }
                    if AuditChain.hash(of: entry) != entry.hash { problems.append("row \(entry.seq) was altered (hash mismatch)") }
                    previous = entry.hash
                    expectedSeq = entry.seq + 1
                    if problems.count >= 100 { return AuditVerification(rowsChecked: checked, problems: problems) }
                }
            }
            if let head = try await sql.raw("SELECT seq, hash FROM audit_head WHERE id = 1").first() {
                let seq = try head.decode(column: "seq", as: Int64.self)
                let hash = try head.decode(column: "hash", as: String.self)
                if seq != expectedSeq - 1 || hash != previous {
                    problems.append("the chain ends at row \(expectedSeq - 1) but the head records row \(seq) (rows deleted from the end)")
                }
            } else {
                problems.append("the audit head is missing")
            }
            return AuditVerification(rowsChecked: checked, problems: problems)
        }
    }
}

extension Database {
    /// A trivial query, for readiness probes.
    public func verifyConnection() async throws -> Bool {
        try await read { try await $0.raw("SELECT 1 AS ok").first() != nil }
    }
}
