import ClearwayCore
import ClearwayStore

/// Reading how deliveries, dead letters, models and logs stand, for the people who run
/// Clearway; each read checks the caller's permission here.
extension ClearwayEngine {
    /// Deliveries waiting, sent and failed, per target.
    public func outboxCounts(by principal: Principal) async throws -> [(target: String, state: String, count: Int)] {
        try authorize(principal, .readDeadLetters)
        return try await queries.outboxCounts()
    }

    /// Actions whose delivery gave up, newest first (for whoever looks after deliveries).
    public func deadLetteredActions(limit: Int, by principal: Principal) async throws -> [ActionRecord] {
        try authorize(principal, .readDeadLetters)
        return try await queries.actions(state: .deadLettered, limit: limit)
    }

    public func deadLetters(status: String?, limit: Int, offset: Int, by principal: Principal) async throws -> (items: [DeadLetter], total: Int) {
        try authorize(principal, .readDeadLetters)
        return try await queries.deadLetters(status: status, limit: limit, offset: offset)
    }

    public func deadLetter(_ id: String, by principal: Principal) async throws -> DeadLetter {
        try authorize(principal, .readDeadLetters)
        guard let letter = try await queries.deadLetter(id) else { throw EngineError.notFound(what: "dead letter", id: id) }
        return letter
    }

    /// The classifier's stored versions and which served when.
    public func modelVersions(kind: String, by principal: Principal) async throws -> (versions: [StoredModelVersion], history: [ModelServingChange]) {
        try authorize(principal, .readCases)
        async let versions = queries.modelVersions(kind: kind)
        async let history = queries.servingHistory(kind: kind)
        return (try await versions, try await history)
    }

    /// Event logs stored for process mining.
    public func eventLogs(by principal: Principal) async throws -> [StoredEventLog] {
        try authorize(principal, .readCases)
        return try await queries.eventLogs()
    }

    /// Whether the database answers, and which one it is (readiness probes; no caller).
    public func databaseReadiness() async -> (ready: Bool, database: String) {
        let ready = (try? await database.verifyConnection()) ?? false
        return (ready, database.dialect.rawValue)
    }

    /// The console session `token` opens, if it is live (touches its idle timer).
    public func consoleSession(token: String) async throws -> ConsoleSession? {
        try await database.session(token: token, at: sessionClock.now())
    }

    /// The record's change counter: it moves whenever this node or another commits.
    public var changeVersion: UInt64 { database.changes.version }

    /// Waits until the record changes after `version`, or `timeout` passes; the version then.
    public func nextChange(after version: UInt64, timeout: Duration) async -> UInt64 {
        await database.changes.next(after: version, timeout: timeout)
    }

    /// Wakes every wait for a change (a stream that must end now).
    public func wakeChangeWaiters() { database.changes.signal() }
}
