import ClearwayCore
import SQLKit




extension StoreTransaction {
    /// Stores a new version of `kind` and returns its number (one more than the highest).
    public func insertModelVersion(kind: String, createdAt: Instant, createdBy: String, dataHash: String, summary: String, artefact: String) async throws -> Int {
        let top = try await sql.raw("SELECT MAX(version) AS top FROM model_versions WHERE kind = \(bind: kind)").first()
        let version = (try top?.decode(column: "top", as: Int?.self) ?? 0) + 1
        try await sql.raw("""
            INSERT INTO model_versions (kind, version, created_at, created_by, data_hash, summary, artefact)
            VALUES (\(bind: kind), \(bind: version), \(bind: createdAt.millis), \(bind: createdBy), \(bind: dataHash), \(bind: summary), \(bind: artefact))
            """).run()
        return version
    }

    public func modelVersionExists(kind: String, version: Int) async throws -> Bool {
        try await sql.raw("SELECT version FROM model_versions WHERE kind = \(bind: kind) AND version = \(bind: version)").first() != nil
    }

    /// The serving history, read under a lock on the kind's rows so two changes at once
    /// are applied one after the other.
    public func servingHistory(kind: String) async throws -> [ModelServingChange] {
        try await sql.raw("SELECT * FROM model_serving WHERE kind = \(bind: kind) ORDER BY seq\(unsafeRaw: dialect.forUpdate)").all().map(CaseQueries.servingChange)
    }

    public func appendServingChange(kind: String, _ change: ModelServingChange) async throws {
        try await sql.raw("""
            INSERT INTO model_serving (kind, seq, version, change, changed_by, changed_at, reason)
            VALUES (\(bind: kind), \(bind: change.seq), \(bind: change.version), \(bind: change.change.rawValue), \(bind: change.changedBy),
                    \(bind: change.changedAt.millis), \(bind: change.reason))
            """).run()
    }

    public func insertTrainingExample(kind: String, _ e: TrainingExample) async throws {
        try await sql.raw("""
            INSERT INTO training_examples (id, kind, text, label, previous_label, source_id, added_by, added_at)
            VALUES (\(bind: e.id), \(bind: kind), \(bind: e.text), \(bind: e.label), \(bind: e.previousLabel), \(bind: e.sourceId),
                    \(bind: e.addedBy), \(bind: e.addedAt.millis))
            """).run()
    }
}

extension CaseQueries {
    public func modelVersions(kind: String) async throws -> [StoredModelVersion] {
        try await database.read { sql in
            try await sql.raw("SELECT kind, version, created_at, created_by, data_hash, summary FROM model_versions WHERE kind = \(bind: kind) ORDER BY version DESC")
                .all().map { row in
                    StoredModelVersion(kind: try row.decode(column: "kind", as: String.self), version: try row.decode(column: "version", as: Int.self),
                                       createdAt: Instant(millis: try row.decode(column: "created_at", as: Int64.self)),
                                       createdBy: try row.decode(column: "created_by", as: String.self),
                                       dataHash: try row.decode(column: "data_hash", as: String.self), summary: try row.decode(column: "summary", as: String.self))
                }
        }
    }

    /// The stored file of one version (base64), or nil.
    public func modelArtefact(kind: String, version: Int) async throws -> String? {
        try await database.read { sql in
            try await sql.raw("SELECT artefact FROM model_versions WHERE kind = \(bind: kind) AND version = \(bind: version)").first()?
                .decode(column: "artefact", as: String.self)
        }
    }

    public func servingHistory(kind: String) async throws -> [ModelServingChange] {
        try await database.read { sql in
            try await sql.raw("SELECT * FROM model_serving WHERE kind = \(bind: kind) ORDER BY seq").all().map(Self.servingChange)
        }
    }

    public func trainingExamples(kind: String) async throws -> [TrainingExample] {
        try await database.read { sql in
            try await sql.raw("SELECT * FROM training_examples WHERE kind = \(bind: kind) ORDER BY added_at, id").all().map { row in
                TrainingExample(id: try row.decode(column: "id", as: String.self), text: try row.decode(column: "text", as: String.self),
                                label: try row.decode(column: "label", as: String.self),
                                previousLabel: try row.decode(column: "previous_label", as: String?.self),
                                sourceId: try row.decode(column: "source_id", as: String?.self), addedBy: try row.decode(column: "added_by", as: String.self),
                                addedAt: Instant(millis: try row.decode(column: "added_at", as: Int64.self)))
            }
        }
    }

    /// Customer messages received from `since` on, newest first, at most `limit`.
    public func recentMessages(since: Instant, limit: Int) async throws -> [CustomerMessage] {
        try await database.read { sql in
            try await sql.raw("SELECT doc FROM messages WHERE received_at >= \(bind: since.millis) ORDER BY received_at DESC LIMIT \(bind: limit)")
                .all().map { try JSONText.decode(CustomerMessage.self, $0.decode(column: "doc", as: String.self)) }
        }
    }

    static func servingChange(_ row: any SQLRow) throws -> ModelServingChange {
        ModelServingChange(seq: try row.decode(column: "seq", as: Int.self), version: try row.decode(column: "version", as: Int.self),
                           change: ModelServingChange.Change(rawValue: try row.decode(column: "change", as: String.self)) ?? .promote,
                           changedBy: try row.decode(column: "changed_by", as: String.self),
                           changedAt: Instant(millis: try row.decode(column: "changed_at", as: Int64.self)),
                           reason: try row.decode(column: "reason", as: String?.self))
    }
}
