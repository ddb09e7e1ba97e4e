/// One order line and the quantity an action concerns.
public struct LineQuantity: Sendable, Codable, Hashable {
    public var line: Int
    public var quantity: Double
    public init(line: Int, quantity: Double) { self.line = line; self.quantity = quantity }
}

/// The typed parameters of each action. A request names its kind and gives these fields
/// as a JSON object; every missing or wrong field is reported by its JSON Pointer.
public enum ActionParameters: Sendable, Hashable {
    case releaseHold
    /// Release these lines (and quantities) now; the rest stays on backorder.
    case splitOrder(release: [LineQuantity])
    case allocateFromSite(line: Int, site: String, quantity: Double)
    case approveSubstitution(line: Int, substituteSku: String)
    case rebookCarrier(carrier: String, shipDate: LocalDate)
    case revisePromiseDate(date: LocalDate)
    case expeditePurchaseOrder(purchaseOrder: String, sku: String, requestedDate: LocalDate)
    case overridePrice(line: Int, unitPrice: Money)
    /// Release `amount` of credit for the order (nil: the order's whole value).
    case releaseCredit(amount: Money?)
    case notifyCustomer(subject: String, message: String)
    case postWarehouseCount(sku: String)

    public var kind: ActionKind {
        switch self {
        case .releaseHold: .releaseHold
        case .splitOrder: .splitOrder
        case .allocateFromSite: .allocateFromSite
        case .approveSubstitution: .approveSubstitution
        case .rebookCarrier: .rebookCarrier
        case .revisePromiseDate: .revisePromiseDate
        case .expeditePurchaseOrder: .expeditePurchaseOrder
        case .overridePrice: .overridePrice
        case .releaseCredit: .releaseCredit
        case .notifyCustomer: .notifyCustomer
        case .postWarehouseCount: .postWarehouseCount
        }
    }

    /// The parameters as the API and connectors carry them.
    public var json: JSONValue {
        switch self {
        case .releaseHold: .object([:])
        case .splitOrder(let release):
            .object(["release": .array(release.map { .object(["line": .number(Double($0.line)), "quantity": .number($0.quantity)]) })])
        case .allocateFromSite(let line, let site, let quantity):
            .object(["line": .number(Double(line)), "site": .string(site), "quantity": .number(quantity)])
        case .approveSubstitution(let line, let sku): .object(["line": .number(Double(line)), "substituteSku": .string(sku)])
        case .rebookCarrier(let carrier, let date): .object(["carrier": .string(carrier), "shipDate": .string(date.description)])
        case .revisePromiseDate(let date): .object(["promiseDate": .string(date.description)])
        case .expeditePurchaseOrder(let po, let sku, let date):
            .object(["purchaseOrder": .string(po), "sku": .string(sku), "requestedDate": .string(date.description)])
        case .overridePrice(let line, let price): .object(["line": .number(Double(line)), "unitPrice": .number(price.doubleValue)])
        case .releaseCredit(let amount): .object(amount.map { ["amount": .number($0.doubleValue)] } ?? [:])
        case .notifyCustomer(let subject, let message): .object(["subject": .string(subject), "message": .string(message)])
        case .postWarehouseCount(let sku): .object(["sku": .string(sku)])
        }
    }

    /// Reads the parameters of `kind` from a JSON object, reporting every bad field.
    public static func parse(kind: ActionKind, _ value: JSONValue?, at pointer: String = "/parameters") throws(ValidationFailure) -> ActionParameters {
        let sink = ProblemSink()
        let r = FieldReader(value ?? .object([:]), at: pointer, problems: sink)
        func line() -> Int? { r.number("line", min: 1, max: 100_000).map { Int($0) } }
        let result: ActionParameters?
        switch kind {
        case .releaseHold: result = .releaseHold
        case .splitOrder:
            let items = r.objects("release", minCount: 1).compactMap { item -> LineQuantity? in
                guard let l = item.number("line", min: 1, max: 100_000), let q = item.number("quantity", min: 0.000001) else { return nil }
                return LineQuantity(line: Int(l), quantity: q)
            }
            result = items.isEmpty ? nil : .splitOrder(release: items)
        case .allocateFromSite:
            let l = line(), s = r.string("site"), q = r.number("quantity", min: 0.000001)
            result = l.flatMap { l in s.flatMap { s in q.map { .allocateFromSite(line: l, site: s, quantity: $0) } } }
        case .approveSubstitution:
            let l = line(), s = r.string("substituteSku")
            result = l.flatMap { l in s.map { .approveSubstitution(line: l, substituteSku: $0) } }
        case .rebookCarrier:
            let c = r.string("carrier"), d = r.date("shipDate")
            result = c.flatMap { c in d.map { .rebookCarrier(carrier: c, shipDate: $0) } }
        case .revisePromiseDate:
            result = r.date("promiseDate").map { .revisePromiseDate(date: $0) }
        case .expeditePurchaseOrder:
            let po = r.string("purchaseOrder"), sku = r.string("sku"), d = r.date("requestedDate")
            result = po.flatMap { po in sku.flatMap { sku in d.map { .expeditePurchaseOrder(purchaseOrder: po, sku: sku, requestedDate: $0) } } }
        case .overridePrice:
            let l = line(), p = r.number("unitPrice", min: 0.0001, max: 1e9)
            result = l.flatMap { l in p.map { .overridePrice(line: l, unitPrice: Money($0)) } }
        case .releaseCredit:
            result = .releaseCredit(amount: r.number("amount", required: false, min: 0.01, max: 1e12).map(Money.init(_:)))
        case .notifyCustomer:
            let s = r.string("subject"), m = r.string("message")
            if let s, s.count > 200 { r.fail("subject", "must be at most 200 characters") }
            if let m, m.count > 5_000 { r.fail("message", "must be at most 5000 characters") }
            result = s.flatMap { s in m.map { .notifyCustomer(subject: s, message: $0) } }
        case .postWarehouseCount:
            result = r.string("sku").map { .postWarehouseCount(sku: $0) }
        }
        try sink.check()
        guard let result else { throw ValidationFailure([FieldProblem(pointer: pointer, detail: "is not valid for \(kind.rawValue)")]) }
        return result
    }
}

extension ActionParameters: Codable {
    private enum Keys: String, CodingKey { case kind, parameters }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        let kind = try c.decode(ActionKind.self, forKey: .kind)
        let value = try c.decode(JSONValue.self, forKey: .parameters)
        do { self = try Self.parse(kind: kind, value) } catch {
            throw DecodingError.dataCorruptedError(forKey: .parameters, in: c, debugDescription: "\(error.problems.map(\.detail))")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(kind, forKey: .kind)
        try c.encode(json, forKey: .parameters)
    }
}
