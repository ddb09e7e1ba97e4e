import ClearwaySimulator
import ClearwayStore

/// The checks after a crash test, each a line in the report.
struct CrashChecks {
    private(set) var lines: [String] = []
    private(set) var passed = true

    mutating func expect(_ holds: Bool, _ what: String, detail: String = "") {
        lines.append("\(holds ? "ok  " : "FAIL") \(what)\(holds || detail.isEmpty ? "" : ": \(detail)")")
        if !holds { passed = false }
    }

    /// Every acknowledged event answers `duplicate` when sent again (it is stored), and the
    /// inbox holds exactly the acknowledged events (nothing stored twice or unasked).
    mutating func storedOnce(keys: Set<String>, resend statuses: [String: Int], database: Database) async throws {
        let duplicates = statuses["duplicate"] ?? 0
        let others = statuses.filter { $0.key != "duplicate" }.map { "\($0.value) \($0.key)" }.sorted().joined(separator: ", ")
        expect(duplicates == keys.count && others.isEmpty,
               "every acknowledged event is stored: \(duplicates) of \(keys.count) answered duplicate when sent again", detail: others)
        let stored = try await database.checkConsistency().totals["events"] ?? -1
        expect(stored == keys.count, "stored exactly once: the inbox holds \(stored) events, \(keys.count) were acknowledged")
    }

    mutating func consistency(_ database: Database) async throws {
        let report = try await database.checkConsistency()
        let t = report.totals
        expect(report.consistent, "cases, exceptions, timers, actions and outbox agree (\(Database.consistencyRuleCount) rules; \(t["cases"] ?? 0) cases, "
               + "\(t["open cases"] ?? 0) open, \(t["exceptions"] ?? 0) exceptions, \(t["actions"] ?? 0) actions)",
               detail: report.findings.map { "\($0.count)× \($0.rule)" }.joined(separator: "; "))
    }

    /// No action took effect twice in the source systems; each one they applied is recorded
    /// as completed; each completed one reached them.
    mutating func actions(ledger: ActionLedger, database: Database) async throws {
        let effects = ledger.effects
        let states = try await database.actionStates()
        let doubled = effects.filter { $0.value > 1 }.keys.sorted()
        let unknown = effects.keys.filter { states[$0] == nil }.sorted()
        let notCompleted = effects.keys.filter { states[$0] != nil && states[$0] != "completed" }.sorted()
        let completed = states.filter { $0.value == "completed" }.keys
        let neverReceived = completed.filter { effects[$0] == nil }.sorted()
        expect(!effects.isEmpty, "the run produced actions for the source systems (\(states.count) recorded)")
        expect(doubled.isEmpty, "no action took effect twice: \(effects.count) actions applied once each; "
               + "\(ledger.requests - effects.count) repeated deliveries were absorbed by their idempotency keys", detail: doubled.prefix(5).joined(separator: ", "))
        expect(unknown.isEmpty && notCompleted.isEmpty && neverReceived.isEmpty, "the source systems and Clearway agree on every action",
               detail: "unknown to Clearway \(unknown.prefix(3)), applied but not completed \(notCompleted.prefix(3)), completed but never received \(neverReceived.prefix(3))")
    }

    mutating func audit(_ database: Database) async throws {
        let audit = try await database.verifyAudit()
        expect(audit.intact, "the audit chain verifies: \(audit.rowsChecked) rows", detail: audit.problems.prefix(3).joined(separator: "; "))
    }
}
