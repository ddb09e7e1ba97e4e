import ClearwayCore

/// Turns an EDIFACT ORDERS message (D96A … D01B, EANCOM included) into the data of a
/// `clearway.order.created.v1` event: BGM (PO number), DTM 137/2/10 (dates), CUX
/// (currency), and per LIN group the item ids (LIN, PIA), QTY 21 and PRI AAA/AAB.
public enum EdifactOrders {
    public static func map(_ m: EdifactMessage, interchange: EdifactInterchange, partner: EDIPartner) throws(X12PurchaseOrder.Refusal)
        -> (poNumber: String, orderId: String, data: [String: JSONValue]) {
        let decimal = interchange.decimal
        typealias Refusal = X12PurchaseOrder.Refusal
        guard m.type == "ORDERS" else { throw Refusal(description: "message \(m.type) is not ORDERS") }
        guard let bgm = m.body.first(where: { $0.tag == "BGM" }), let po = bgm.value(2) else {
            throw Refusal(description: "the ORDERS message has no BGM with an order number (BGM 1004)")
        }
        var dates: [String: LocalDate] = [:]
        for d in m.body where d.tag == "DTM" {
            if let q = d.value(1), let v = d.value(1, 2), let date = date(v, format: d.value(1, 3)) { dates[q] = dates[q] ?? date }
        }
        guard let orderDate = dates["137"] else { throw Refusal(description: "the ORDERS message has no document date (DTM 137)") }
        let ship = dates["10"] ?? dates["2"] ?? dates["64"] ?? orderDate
        var lines: [JSONValue] = []
        var current: (number: Int, ids: [(String, String)], quantity: Double?, unit: String, price: Double)?
        func flush() throws(Refusal) {
            guard let l = current else { return }
            guard let sku = partner.productIdQualifiers.lazy.compactMap({ q in l.ids.first { $0.0 == q }?.1 }).first else {
                throw Refusal(description: "LIN \(l.number) has no item id of type \(partner.productIdQualifiers.joined(separator: ", ")); it has \(l.ids.map(\.0).joined(separator: ", "))")
            }
            guard let q = l.quantity, q > 0 else { throw Refusal(description: "LIN \(l.number) needs an ordered quantity above 0 (QTY 21)") }
            lines.append(.object(["lineNumber": .number(Double(l.number)), "sku": .string(sku), "quantity": .number(q),
                                  "unitOfMeasure": .string(partner.unitsOfMeasure[l.unit] ?? l.unit), "unitPrice": .number(l.price)]))
        }
        func number(_ text: String?) -> Double? { text.flatMap { Double(String($0.map { $0 == decimal ? "." : $0 })) } }
        for s in m.body {
            switch s.tag {
            case "LIN":
                try flush()
                var ids: [(String, String)] = []
                if let id = s.value(3), let type = s.value(3, 2) { ids.append((type, id)) }
                current = (s.value(1).flatMap(Int.init) ?? lines.count + 1, ids, nil, "EA", 0)
            case "PIA":
                for e in 2...max(2, s.elements.count) { if let id = s.value(e), let type = s.value(e, 2) { current?.ids.append((type, id)) } }
            case "QTY" where s.value(1) == "21":
                current?.quantity = number(s.value(1, 2))
                if let unit = s.value(1, 3) { current?.unit = unit == "PCE" ? "EA" : unit }
            case "PRI" where s.value(1) == "AAA" || s.value(1) == "AAB":
                current?.price = number(s.value(1, 2)) ?? 0
            default: break
            }
        }
        try flush()
        guard !lines.isEmpty else { throw Refusal(description: "the ORDERS message has no LIN line items") }
        var data: [String: JSONValue] = [
            "orderId": .string("\(partner.customerId)-\(po)"), "customerId": .string(partner.customerId), "site": .string(partner.site),
            "channel": .string("edi"), "orderDate": .string(orderDate.description), "requestedShipDate": .string(ship.description),
            "lines": .array(lines),
            "edifact": .object(["sender": .string(partner.interchangeId), "interchange": .string(interchange.controlReference),
                                "message": .string(m.reference), "orderNumber": .string(po)]),
        ]
        if let cux = m.body.first(where: { $0.tag == "CUX" })?.value(1, 2), cux.count == 3 { data["currency"] = .string(cux) }
        return (po, "\(partner.customerId)-\(po)", data)
    }

    /// DTM formats 102 (CCYYMMDD), 203 (CCYYMMDDHHMM), 101 (YYMMDD); the date part is kept.
    static func date(_ value: String, format: String?) -> LocalDate? {
        switch format ?? "102" {
        case "102", "203", "204": X12PurchaseOrder.date(String(value.prefix(8)))
        case "101": X12PurchaseOrder.date(String(value.prefix(6)))
        default: nil
        }
    }
}
