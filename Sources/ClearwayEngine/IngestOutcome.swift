/// What happened to one received event; sent back to the client after commit.
public struct IngestOutcome: Sendable, Codable, Hashable {
    public enum Status: String, Sendable, Codable, Hashable {
        /// Stored and processed now.
        case accepted
        /// Seen before (same source and id): nothing changed; `caseIds` repeat the first answer.
        case duplicate
        /// Stored but not processable yet; kept in the dead-letter table for replay.
        case deadLettered = "dead_lettered"
    }

    public var source: String
    public var id: String
    public var type: String
    public var status: Status
    public var caseIds: [String]
    public var deadLetterId: String?
    /// Why an event was dead-lettered.
    public var reason: String?
}
