/// Canonical order status after a source system's own codes are mapped by policy.
public enum OrderStatus: String, Sendable, Codable, CaseIterable, Hashable {
    case open, onHold = "on_hold", released, shipped, delivered, cancelled

    /// Orders in these states can still fall out of the standard path.
    public var isActive: Bool { self == .open || self == .onHold || self == .released }
}

/// How an order reached the distributor.
public enum OrderChannel: String, Sendable, Codable, CaseIterable, Hashable {
    case edi, portal, sales, email, phone
}

public struct OrderLine: Sendable, Codable, Hashable {
    public var lineNumber: Int
    public var sku: String
    public var quantity: Double
    public var unitOfMeasure: String
    public var unitPrice: Money

    public init(lineNumber: Int, sku: String, quantity: Double, unitOfMeasure: String, unitPrice: Money) {
        self.lineNumber = lineNumber; self.sku = sku; self.quantity = quantity
        self.unitOfMeasure = unitOfMeasure; self.unitPrice = unitPrice
    }

    public var amount: Money { unitPrice * quantity }
}

/// A sales order as the ERP holds it; Clearway keeps the latest copy it was told about.
public struct Order: Sendable, Codable, Hashable {
    public var id: String
    public var customerId: String
    public var site: String
    public var channel: OrderChannel
    public var status: OrderStatus
    /// The source system's own status code, kept for audit beside the mapped one.
    public var sourceStatus: String?
    public var orderDate: LocalDate
    public var requestedShipDate: LocalDate
    public var promiseDate: LocalDate?
    public var lane: String?
    public var carrier: String?
    public var currency: String
    public var lines: [OrderLine]

    public init(id: String, customerId: String, site: String, channel: OrderChannel, status: OrderStatus = .open,
                sourceStatus: String? = nil, orderDate: LocalDate, requestedShipDate: LocalDate,
                promiseDate: LocalDate? = nil, lane: String? = nil, carrier: String? = nil,
                currency: String = "USD", lines: [OrderLine]) {
        self.id = id; self.customerId = customerId; self.site = site; self.channel = channel
        self.status = status; self.sourceStatus = sourceStatus; self.orderDate = orderDate
        self.requestedShipDate = requestedShipDate; self.promiseDate = promiseDate
        self.lane = lane; self.carrier = carrier; self.currency = currency; self.lines = lines
    }

    public var total: Money { lines.reduce(.zero) { $0 + $1.amount } }
    public var skus: Set<String> { Set(lines.map(\.sku)) }
}
