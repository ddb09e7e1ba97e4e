/// Booked versus available carrier capacity on one lane for one ship date.
public struct CarrierCapacity: Sendable, Codable, Hashable {
    public var carrier: String
    public var lane: String
    public var shipDate: LocalDate
    public var capacity: Int
    public var booked: Int

    public init(carrier: String, lane: String, shipDate: LocalDate, capacity: Int, booked: Int) {
        self.carrier = carrier; self.lane = lane; self.shipDate = shipDate
        self.capacity = capacity; self.booked = booked
    }

    public var remaining: Int { capacity - booked }
}

public enum MilestoneStatus: String, Sendable, Codable, CaseIterable, Hashable {
    case pickedUp = "picked_up", inTransit = "in_transit", outForDelivery = "out_for_delivery"
    case delivered, failed, delayed
}

/// The latest transport milestone of one shipment of an order.
public struct ShipmentMilestone: Sendable, Codable, Hashable {
    public var orderId: String
    public var shipmentId: String
    public var carrier: String
    public var status: MilestoneStatus
    public var occurredAt: Instant
    public var reason: String?
    public var promisedDelivery: LocalDate?
    public var estimatedDelivery: LocalDate?

    public init(orderId: String, shipmentId: String, carrier: String, status: MilestoneStatus, occurredAt: Instant,
                reason: String? = nil, promisedDelivery: LocalDate? = nil, estimatedDelivery: LocalDate? = nil) {
        self.orderId = orderId; self.shipmentId = shipmentId; self.carrier = carrier; self.status = status
        self.occurredAt = occurredAt; self.reason = reason
        self.promisedDelivery = promisedDelivery; self.estimatedDelivery = estimatedDelivery
    }

    /// Failed outright, or running past what the customer was promised.
    public var isProblem: Bool {
        if status == .failed || status == .delayed { return true }
        if status != .delivered, let p = promisedDelivery, let e = estimatedDelivery, p < e { return true }
        return false
    }
}

/// What the warehouse actually picked for one order line.
public struct PickedLine: Sendable, Codable, Hashable {
    public var lineNumber: Int
    public var sku: String
    public var pickedQuantity: Double
    /// The item the WMS put in the carton instead, when it substituted.
    public var substitutedSku: String?

    public init(lineNumber: Int, sku: String, pickedQuantity: Double, substitutedSku: String? = nil) {
        self.lineNumber = lineNumber; self.sku = sku; self.pickedQuantity = pickedQuantity
        self.substitutedSku = substitutedSku
    }
}

/// A WMS pick confirmation for an order (the latest one replaces earlier ones).
public struct PickConfirmation: Sendable, Codable, Hashable {
    public var orderId: String
    public var site: String
    public var lines: [PickedLine]
    public var confirmedAt: Instant

    public init(orderId: String, site: String, lines: [PickedLine], confirmedAt: Instant) {
        self.orderId = orderId; self.site = site; self.lines = lines; self.confirmedAt = confirmedAt
    }
}

/// A free-text message from a customer (e-mail, portal note, CSR note).
public struct CustomerMessage: Sendable, Codable, Hashable {
    public var messageId: String
    public var customerId: String
    public var orderId: String?
    public var channel: String
    public var subject: String?
    public var body: String
    public var receivedAt: Instant
    /// How Clearway read the message when it arrived: set once, at intake.
    public var triage: MessageTriage?

    public init(messageId: String, customerId: String, orderId: String?, channel: String, subject: String?,
                body: String, receivedAt: Instant, triage: MessageTriage? = nil) {
        self.messageId = messageId; self.customerId = customerId; self.orderId = orderId
        self.channel = channel; self.subject = subject; self.body = body; self.receivedAt = receivedAt; self.triage = triage
    }

    /// Subject and body, as one text to read.
    public var text: String { [subject, body].compactMap { $0 }.joined(separator: "\n") }

    /// How much of a message the classifier, the rules and the extractor read: a customer
    /// decides how long a message is, Clearway decides how much of it costs work.
    public static let readableScalars = 16_384

    /// The first `readableScalars` of `text`.
    public var readableText: String { Self.readable(text) }

    public static func readable(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let end = scalars.index(scalars.startIndex, offsetBy: readableScalars, limitedBy: scalars.endIndex) else { return text }
        return String(scalars[..<end])
    }
}
