import ClearwayCore
import Foundation

/// A case row: the order-level bundle of exceptions, with columns for filtering and sorting.
public struct CaseRecord: Sendable, Codable, Hashable {
    public var id: String
    /// The order id, or `customer:ID` for a customer message not tied to an order.
    public var orderKey: String
    public var orderId: String?
    public var customerId: String
    public var customerTier: CustomerTier
    public var segment: String?
    public var site: String
    public var channel: String?
    public var state: CaseState
    public var priority: Double
    public var moneyAtRisk: Money
    public var exceptionCount: Int
    public var openedAt: Instant
    public var updatedAt: Instant
    public var closedAt: Instant?
    public var policyVersion: String

    public init(id: String, orderKey: String, orderId: String?, customerId: String, customerTier: CustomerTier, segment: String?,
                site: String, channel: String?, state: CaseState, priority: Double, moneyAtRisk: Money, exceptionCount: Int,
                openedAt: Instant, updatedAt: Instant, closedAt: Instant?, policyVersion: String) {
        self.id = id; self.orderKey = orderKey; self.orderId = orderId; self.customerId = customerId
        self.customerTier = customerTier; self.segment = segment; self.site = site; self.channel = channel
        self.state = state; self.priority = priority; self.moneyAtRisk = moneyAtRisk; self.exceptionCount = exceptionCount
        self.openedAt = openedAt; self.updatedAt = updatedAt; self.closedAt = closedAt; self.policyVersion = policyVersion
    }
}

/// One exception of a case, with its own lifecycle, owner queue and SLA clock.
public struct ExceptionRecord: Sendable, Codable, Hashable {
    public var id: String
    public var caseId: String
    public var identity: String
    public var type: ExceptionType
    public var queue: String
    public var lifecycle: ExceptionLifecycle
    public var finding: Finding
    public var sla: SLAClock
    public var priority: PriorityScore
    public var openedAt: Instant
    public var updatedAt: Instant
    public var closedAt: Instant?

    public init(id: String, caseId: String, identity: String, type: ExceptionType, queue: String, lifecycle: ExceptionLifecycle,
                finding: Finding, sla: SLAClock, priority: PriorityScore, openedAt: Instant, updatedAt: Instant, closedAt: Instant?) {
        self.id = id; self.caseId = caseId; self.identity = identity; self.type = type; self.queue = queue
        self.lifecycle = lifecycle; self.finding = finding; self.sla = sla; self.priority = priority
        self.openedAt = openedAt; self.updatedAt = updatedAt; self.closedAt = closedAt
    }
}

/// One append-only audit row. `seq`, `prevHash` and `hash` are assigned when it is written.
public struct AuditEntry: Sendable, Codable, Hashable {
    public var seq: Int64
    public var at: Instant
    /// `user:ID`, `key:ID`, `system:ingest`, `system:timers` …
    public var actor: String
    public var caseId: String?
    public var exceptionId: String?
    public var action: String
    public var before: String?
    public var after: String?
    public var reason: String?
    public var detail: JSONValue?
    public var policyVersion: String
    public var prevHash: String
    public var hash: String

    public init(at: Instant, actor: String, caseId: String?, exceptionId: String?, action: String, before: String? = nil,
                after: String? = nil, reason: String? = nil, detail: JSONValue? = nil, policyVersion: String) {
        self.seq = 0; self.at = at; self.actor = actor; self.caseId = caseId; self.exceptionId = exceptionId
        self.action = action; self.before = before; self.after = after; self.reason = reason; self.detail = detail
        self.policyVersion = policyVersion; self.prevHash = ""; self.hash = ""
    }
}

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

public enum TimerKind: String, Sendable, Codable, Hashable {
    case atRisk = "at_risk", breach
}

/// A persisted SLA timer; survives restarts because it lives in the database.
public struct TimerRecord: Sendable, Codable, Hashable {
    public var id: String
    public var exceptionId: String
    public var caseId: String
    public var kind: TimerKind
    public var dueAt: Instant

    public init(id: String, exceptionId: String, caseId: String, kind: TimerKind, dueAt: Instant) {
        self.id = id; self.exceptionId = exceptionId; self.caseId = caseId; self.kind = kind; self.dueAt = dueAt
    }
}

enum JSONText {
    static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }
}
