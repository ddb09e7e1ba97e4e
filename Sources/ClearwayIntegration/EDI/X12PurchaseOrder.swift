import ClearwayCore

/// Turns an 850 purchase order into the data of a `clearway.order.created.v1` event, with
/// the partner's product id qualifiers and units of measure applied and the transaction set
/// itself kept (as X12 text) for audit.
public enum X12PurchaseOrder {
    public struct Refusal: Error, Sendable, Hashable, CustomStringConvertible {
        public var description: String
        public init(description: String) { self.description = description }
    }

    public struct Mapped: Sendable {
        public var poNumber: String
        public var poDate: LocalDate
        public var orderId: String
        public var data: [String: JSONValue]
        /// PO101 as the partner sent it, and the product id qualifier used, per line number.
        public var lineIds: [Int: String]
        public var qualifiers: [Int: String]
    }

    /// Requested dates in order of preference: ship (010), ship not before (037),
    /// delivery requested (002), ship no later (038).
    static let shipQualifiers = ["010", "037", "002", "038"]

    /// `group` gives the answer's envelope (the partner's application code and version).
    public static func map(_ t: X12Transaction, interchange: X12Interchange, group: X12Group, partner: EDIPartner) throws(Refusal) -> Mapped {
        guard t.code == "850" else { throw Refusal(description: "transaction set \(t.code) is not a purchase order") }
        guard let beg = t.body.first(where: { $0.id == "BEG" }), let po = beg[3] else {
            throw Refusal(description: "the 850 has no BEG segment with a purchase order number (BEG03)")
        }
        guard let orderDate = beg[5].flatMap(date) else { throw Refusal(description: "BEG05 must be the purchase order date, found '\(beg[5] ?? "")'") }
        let dates = Dictionary(t.body.filter { $0.id == "DTM" }.compactMap { d in d[1].flatMap { q in d[2].flatMap(date).map { (q, $0) } } },
                               uniquingKeysWith: { a, _ in a })
        let ship = shipQualifiers.lazy.compactMap { dates[$0] }.first ?? orderDate
        var lines: [JSONValue] = []
        var lineIds: [Int: String] = [:], qualifiers: [Int: String] = [:]
        for (index, po1) in t.body.filter({ $0.id == "PO1" }).enumerated() {
            let number = po1[1].flatMap { Int($0) } ?? index + 1
            guard let quantity = po1[2].flatMap(Double.init), quantity > 0 else {
                throw Refusal(description: "PO1 line \(po1[1] ?? String(number)) (segment \(po1.position)) needs a quantity above 0 in PO102")
            }
            let ids = stride(from: 6, through: 24, by: 2).compactMap { n in po1[n].flatMap { q in po1[n + 1].map { (q, $0) } } }
            guard let (qualifier, sku) = partner.productIdQualifiers.lazy.compactMap({ q in ids.first { $0.0 == q } }).first else {
                throw Refusal(description: "PO1 line \(po1[1] ?? String(number)) (segment \(po1.position)) has no product id qualified \(partner.productIdQualifiers.joined(separator: ", ")); it has \(ids.map(\.0).joined(separator: ", "))")
            }
            let unit = po1[3] ?? "EA"
            lineIds[number] = po1[1] ?? String(number)
            qualifiers[number] = qualifier
            lines.append(.object([
                "lineNumber": .number(Double(number)), "sku": .string(sku), "quantity": .number(quantity),
                "unitOfMeasure": .string(partner.unitsOfMeasure[unit] ?? unit), "unitPrice": .number(po1[4].flatMap(Double.init) ?? 0),
            ]))
        }
        guard !lines.isEmpty else { throw Refusal(description: "the 850 has no PO1 line items") }
        let writer = X12Writer(delimiters: interchange.delimiters, lineBreaks: false)
        let raw = ([X12Segment("ST", [t.code, t.controlNumber])] + t.body).map(writer.segment).joined()
        var data: [String: JSONValue] = [
            "orderId": .string("\(partner.customerId)-\(po)"), "customerId": .string(partner.customerId), "site": .string(partner.site),
            "channel": .string("edi"), "orderDate": .string(orderDate.description), "requestedShipDate": .string(ship.description),
            "lines": .array(lines),
            // What an 855 will need, and the transaction set itself for audit.
            "edi": .object([
                "partner": .string(partner.interchangeId), "purchaseOrder": .string(po), "purchaseOrderDate": .string(beg[5] ?? ""),
                "application": .string(group.sender), "version": .string(String(group.version.prefix(6))),
                "lineIds": .object(lineIds.reduce(into: [:]) { $0[String($1.key)] = .string($1.value) }),
                "qualifiers": .object(qualifiers.reduce(into: [:]) { $0[String($1.key)] = .string($1.value) }),
                "acknowledgeImmediately": .bool(partner.acknowledgeImmediately),
                "interchange": .string(interchange.controlNumber), "transactionSet": .string(t.controlNumber), "document": .string(raw),
            ]),
        ]
        if let currency = t.body.first(where: { $0.id == "CUR" })?[2], currency.count == 3 { data["currency"] = .string(currency) }
        return Mapped(poNumber: po, poDate: orderDate, orderId: "\(partner.customerId)-\(po)", data: data, lineIds: lineIds, qualifiers: qualifiers)
    }

    /// CCYYMMDD, or YYMMDD (before 004010; years 00–49 read as 20xx).
    static func date(_ text: String) -> LocalDate? {
        let digits = text.filter(\.isNumber)
        guard digits.count == text.count else { return nil }
        if digits.count == 8 { return LocalDate("\(digits.prefix(4))-\(digits.dropFirst(4).prefix(2))-\(digits.suffix(2))") }
        if digits.count == 6, let yy = Int(digits.prefix(2)) {
            return LocalDate("\(yy < 50 ? 2000 + yy : 1900 + yy)-\(digits.dropFirst(2).prefix(2))-\(digits.suffix(2))")
        }
        return nil
    }
}
