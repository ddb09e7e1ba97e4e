/// What a notification is about; each person chooses channels per trigger.
public enum NotificationTrigger: String, Sendable, Codable, CaseIterable, Hashable {
    case assigned
    case approvalWaiting = "approval_waiting"
    case atRisk = "at_risk"
    case breached
    case escalation
    case deadLetter = "dead_letter"

    /// How a notification of this kind is titled.
    public var heading: String {
        switch self {
        case .assigned: "Assigned to you"
        case .approvalWaiting: "Approval waiting"
        case .atRisk: "At risk"
        case .breached: "Breached"
        case .escalation: "Escalation"
        case .deadLetter: "Dead letter"
        }
    }
}

/// A decision asks for people to be told something. The engine turns the recipients
/// (roles, queue leads, the assignee) into people when it writes the request, in the same
/// transaction as the change that caused it.
public struct NotificationRequest: Sendable, Hashable {
    public var id: String
    public var trigger: NotificationTrigger
    public var recipients: [EscalationRung.Recipient]
    public var caseId: String?
    public var exceptionId: String?
    public var orderId: String?
    /// The queue and assignee as they stood when the request was made.
    public var queue: String?
    public var assignee: String?
    public var title: String
    public var body: String
    public var at: Instant
    /// Shown in the console only, never sent out: what reports a failed send must not
    /// itself wait on the channel that failed.
    public var consoleOnly: Bool

    public init(id: String, trigger: NotificationTrigger, recipients: [EscalationRung.Recipient], caseId: String?, exceptionId: String?,
                orderId: String?, queue: String?, assignee: String?, title: String, body: String, at: Instant, consoleOnly: Bool = false) {
        self.id = id; self.trigger = trigger; self.recipients = recipients; self.caseId = caseId; self.exceptionId = exceptionId
        self.orderId = orderId; self.queue = queue; self.assignee = assignee; self.title = title; self.body = body; self.at = at
        self.consoleOnly = consoleOnly
    }
}

/// One notification as a person reads it in the console.
public struct NotificationRecord: Sendable, Hashable {
    public var id: String
    public var requestId: String
    /// A username, or `address:MAILBOX` for a distribution address.
    public var recipient: String
    public var trigger: NotificationTrigger
    public var caseId: String?
    public var exceptionId: String?
    public var orderId: String?
    public var title: String
    public var body: String
    public var createdAt: Instant
    public var readAt: Instant?

    public init(id: String, requestId: String, recipient: String, trigger: NotificationTrigger, caseId: String?, exceptionId: String?,
                orderId: String?, title: String, body: String, createdAt: Instant, readAt: Instant? = nil) {
        self.id = id; self.requestId = requestId; self.recipient = recipient; self.trigger = trigger; self.caseId = caseId
        self.exceptionId = exceptionId; self.orderId = orderId; self.title = title; self.body = body; self.createdAt = createdAt
        self.readAt = readAt
    }
}
