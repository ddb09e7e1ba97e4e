import ClearwayCore
import ClearwayIntegration
import ClearwayStore

/// Writes the 855 for an order that came by EDI, from what Clearway made of it: each line
/// accepted (IA), backordered (IB: a shortage not cleared from another DC), price changed
/// (IP: a price override carried out), or rejected (IR: an unknown item, or the order
/// cancelled). BAK02 says whether anything changed (AD: no, AC: yes, RJ: rejected).
enum PurchaseOrderAcknowledgment {
    /// Writes and stores the 855 if the order came by EDI and has not been acknowledged.
    static func acknowledge(orderId: String, caseId: String?, tx: StoreTransaction, policy: Policy, now: Instant) async throws {
        guard let context = try await tx.unacknowledgedEDIOrder(orderId), let order = try await tx.order(orderId) else { return }
        let exceptions: [ExceptionRecord] = if let caseId { try await tx.exceptions(caseId: caseId) } else { [] }
        var actions: [ActionRecord] = []
        for e in exceptions { actions += try await tx.actions(exceptionId: e.id) }
        let text = document(order: order, context: context, exceptions: exceptions, actions: actions, policy: policy, now: now)
        try await tx.storeOutbound(EDIOutbound(id: "EDI855-\(orderId)-\(now.millis)", partner: context.partner, kind: "855", orderId: orderId,
                                               purchaseOrder: context.purchaseOrder, createdAt: now, document: text))
    }

    static func document(order: Order, context: EDIOrderContext, exceptions: [ExceptionRecord], actions: [ActionRecord], policy: Policy, now: Instant) -> String {
        var body: [X12Segment] = []
        var statuses: [String] = []
        for line in order.lines {
            let key = "line:\(line.lineNumber)"
            let mine = exceptions.filter { $0.finding.key == key }
            var status = "IA"
            var price = line.unitPrice
            if order.status == .cancelled || mine.contains(where: { $0.type == .masterdataUnknownProduct }) {
                status = "IR"
            } else if let shortage = mine.first(where: { $0.type == .inventoryShortage }),
                      shortage.lifecycle.resolution?.code != ActionKind.allocateFromSite.resolutionCode {
                status = "IB"
            } else if let override = actions.first(where: { $0.state == .completed && mine.map(\.id).contains($0.exceptionId) }),
                      case .overridePrice(_, let newPrice) = override.parameters {
                status = "IP"
                price = newPrice
            }
            statuses.append(status)
            let qualifier = context.qualifiers[String(line.lineNumber)] ?? "VP"
            body.append(X12Segment("PO1", [context.lineIds[String(line.lineNumber)] ?? String(line.lineNumber), line.quantity.x12, line.unitOfMeasure,
                                           price.description, "", qualifier, line.sku]))
            body.append(X12Segment("ACK", [status, status == "IR" ? "0" : line.quantity.x12, line.unitOfMeasure, "068",
                                           (order.promiseDate ?? order.requestedShipDate).x12]))
        }
        let purpose = statuses.allSatisfy { $0 == "IR" } ? "RJ" : statuses.allSatisfy { $0 == "IA" } ? "AD" : "AC"
        body.insert(X12Segment("BAK", ["00", purpose, context.purchaseOrder, context.purchaseOrderDate, "", "", "", order.id, now.localDate.x12]), at: 0)
        body.append(X12Segment("CTT", [String(order.lines.count)]))
        let ours = policy.edi.interchangeId.split(separator: ":", maxSplits: 1).map(String.init)
        let theirs = context.partner.split(separator: ":", maxSplits: 1).map(String.init)
        return X12Writer().interchange(from: X12Writer.Party(qualifier: ours.first ?? "ZZ", id: ours.last ?? "CLEARWAY"),
                                       to: X12Writer.Party(qualifier: theirs.first ?? "ZZ", id: theirs.last ?? "", application: context.application),
                                       at: now, controlNumber: Int(now.millis / 1000 % 1_000_000_000), functionalId: "PR",
                                       version: context.version, sets: [X12Writer.Set(code: "855", body: body)])
    }
}

extension Double {
    /// X12 numbers: no trailing ".0".
    var x12: String { self == rounded() && abs(self) < 1e15 ? String(Int64(self)) : String(self) }
}

extension LocalDate {
    var x12: String { description.replacingOccurrences(of: "-", with: "") }
}

extension Instant {
    var localDate: LocalDate { LocalDate(String(iso8601.prefix(10))) ?? LocalDate(year: 2000, month: 1, day: 1) }
}
