/// Ship dates the lane's carriers cannot take, and shipments that failed or run late.
enum LogisticsDetector {
    static func findings(order: Order, context: ReferenceContext) -> [Finding] {
        var result: [Finding] = []
        if order.status != .shipped, let lane = order.lane {
            let onDate = context.carrierCapacity.filter {
                $0.lane == lane && $0.shipDate == order.requestedShipDate && (order.carrier == nil || $0.carrier == order.carrier)
            }
            if !onDate.isEmpty, onDate.allSatisfy({ $0.remaining <= 0 }) {
                let capacity = onDate.reduce(0) { $0 + $1.capacity }
                let booked = onDate.reduce(0) { $0 + $1.booked }
                result.append(Finding(
                    type: .logisticsCarrierCapacity, key: "ship:\(order.requestedShipDate)",
                    summary: "No carrier capacity on lane \(lane) for \(order.requestedShipDate) (\(booked) booked of \(capacity))",
                    evidence: [
                        EvidenceItem(label: "capacity on \(order.requestedShipDate)", expected: "> \(booked)", actual: "\(capacity)"),
                        EvidenceItem(label: "carriers", actual: onDate.map(\.carrier).sorted().joined(separator: ", ")),
                    ],
                    moneyAtRisk: order.total, decidedBy: "rule:logistics.lane_capacity"))
            }
        }
        result += deliveryFindings(order: order, context: context)
        result += ProcurementDetector.findings(order: order, context: context)
        return result
    }

    /// Shipments whose latest milestone failed or runs past the promised delivery.
    static func deliveryFindings(order: Order, context: ReferenceContext) -> [Finding] {
        var result: [Finding] = []
        for milestone in latestPerShipment(context.milestones) where milestone.isProblem {
            var evidence = [EvidenceItem(label: "milestone", expected: MilestoneStatus.delivered.rawValue, actual: milestone.status.rawValue)]
            if let p = milestone.promisedDelivery {
                evidence.append(EvidenceItem(label: "delivery date", expected: p.description, actual: milestone.estimatedDelivery?.description))
            }
            if let reason = milestone.reason { evidence.append(EvidenceItem(label: "carrier reason", note: reason)) }
            result.append(Finding(
                type: .logisticsDeliveryFailed, key: "shipment:\(milestone.shipmentId)",
                summary: "Shipment \(milestone.shipmentId) via \(milestone.carrier): \(milestone.status.rawValue.replacingOccurrences(of: "_", with: " "))\(milestone.reason.map { " (\($0))" } ?? "")",
                evidence: evidence, moneyAtRisk: order.total, decidedBy: "rule:logistics.milestone"))
        }
        return result
    }

    static func latestPerShipment(_ milestones: [ShipmentMilestone]) -> [ShipmentMilestone] {
        var latest: [String: ShipmentMilestone] = [:]
        for m in milestones where latest[m.shipmentId].map({ $0.occurredAt <= m.occurredAt }) ?? true {
            latest[m.shipmentId] = m
        }
        return latest.values.sorted { $0.shipmentId < $1.shipmentId }
    }
}

/// Backordered lines whose only replenishment arrives after the date promised to the customer.
enum ProcurementDetector {
    static func findings(order: Order, context: ReferenceContext) -> [Finding] {
        guard order.status != .shipped else { return [] }
        let promise = order.promiseDate ?? order.requestedShipDate
        var result: [Finding] = []
        for line in order.lines {
            guard let position = context.inventory[line.sku], position.available + 1e-9 < line.quantity,
                  let etas = context.supplierETAs[line.sku], let earliest = etas.min(by: { $0.eta < $1.eta }),
                  promise < earliest.eta else { continue }
            result.append(Finding(
                type: .procurementSupplierDelay, key: "line:\(line.lineNumber)",
                summary: "Supplier \(earliest.supplierId) now delivers \(line.sku) on \(earliest.eta) (PO \(earliest.purchaseOrder)), after the promise date \(promise)",
                evidence: [
                    EvidenceItem(label: "supplier ETA", expected: "≤ \(promise)", actual: earliest.eta.description),
                    EvidenceItem(label: "previous ETA", actual: earliest.previousEta?.description),
                    EvidenceItem(label: "purchase order", actual: earliest.purchaseOrder),
                ],
                moneyAtRisk: line.amount, decidedBy: "rule:procurement.eta_vs_promise"))
        }
        return result
    }
}
