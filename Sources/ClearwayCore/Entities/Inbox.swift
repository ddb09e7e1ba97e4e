import Foundation

/// What the inbox remembers about an event, so a repeat gets the first answer.
public struct InboxRecord: Sendable, Codable, Hashable {
    public var source: String
    public var eventId: String
    public var type: String
    public var receivedAt: Instant
    /// `accepted` or `dead_lettered`.
    public var outcome: String
    public var caseIds: [String]

    public init(source: String, eventId: String, type: String, receivedAt: Instant, outcome: String, caseIds: [String]) {
        self.source = source; self.eventId = eventId; self.type = type; self.receivedAt = receivedAt
        self.outcome = outcome; self.caseIds = caseIds
    }
}

/// An event that was valid but could not be processed, kept with its reason until replayed.
public struct DeadLetter: Sendable, Codable, Hashable {
    public var id: String
    public var source: String
    public var eventId: String
    public var type: String
    public var reasonCode: String
    public var reason: String
    public var event: JSONValue
    public var receivedAt: Instant
    /// `pending`, `replayed` or `discarded`.
    public var status: String
    public var attempts: Int
    public var resolvedAt: Instant?

    public init(id: String, source: String, eventId: String, type: String, reasonCode: String, reason: String, event: JSONValue,
                receivedAt: Instant, status: String, attempts: Int, resolvedAt: Instant?) {
        self.id = id; self.source = source; self.eventId = eventId; self.type = type; self.reasonCode = reasonCode
        self.reason = reason; self.event = event; self.receivedAt = receivedAt; self.status = status
        self.attempts = attempts; self.resolvedAt = resolvedAt
    }
}
