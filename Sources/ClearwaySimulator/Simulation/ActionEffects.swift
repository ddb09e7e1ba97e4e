import ClearwayCore

extension Simulation {
    /// Plays the actions the simulated systems carried out into the world, and returns the
    /// events that follow from them: the ERP re-sends a re-priced order, the WMS reports the
    /// posted count or the transfer, and a system that answered "accepted" reports the result.
    func playActions(_ played: [PlayedAction], at t: Instant) -> [JSONValue] {
        var events: [JSONValue] = []
        for action in played {
            // Each event that follows from the action names it (CloudEvents extension
            // `clearwayaction`), as docs/connectors.md asks of source systems.
            let before = events.count
            defer {
                if let id = action.payload["actionId"]?.stringValue {
                    for k in before..<events.count { if case .object(var o) = events[k] { o["clearwayaction"] = .string(id); events[k] = .object(o) } }
                }
            }
            let p = action.payload
            let parameters = p["parameters"]?.objectValue ?? [:]
            let orderId = p["orderId"]?.stringValue
            let siteId = orderId.flatMap { orders[$0] }.map { world.sites[$0.site].id }
            switch p["kind"]?.stringValue {
            case "override_price":
                guard let id = orderId, var order = orders[id], let line = number(parameters["line"]), let price = parameters["unitPrice"],
                      case .array(let lines)? = order.data["lines"] else { break }
                order.data["lines"] = .array(lines.map { item in
                    guard case .object(var o) = item, number(o["lineNumber"]) == line else { return item }
                    o["unitPrice"] = price
                    return .object(o)
                })
                orders[id] = order
                events.append(event("erp", nextEventId("order-update"), .orderUpdated, order.data, at: t))
            case "post_warehouse_count":
                guard let site = siteId, let sku = parameters["sku"]?.stringValue, var position = stock["\(site)|\(sku)"] else { break }
                position.erp = position.wms
                stock["\(site)|\(sku)"] = position
                events.append(snapshotEvent(site: site, [(sku, position)], at: t))
            case "allocate_from_site":
                guard let site = parameters["site"]?.stringValue, let quantity = number(parameters["quantity"]),
                      let sku = lineSku(orderId, number(parameters["line"])) else { break }
                var position = stock["\(site)|\(sku)"] ?? Self.ample
                position.erp = max(0, position.erp - quantity)
                position.wms = max(0, position.wms - quantity)
                stock["\(site)|\(sku)"] = position
                events.append(snapshotEvent(site: site, [(sku, position)], at: t))
            case "release_credit", "release_hold":
                if let id = orderId { orders[id]?.held = false }
            default:
                break
            }
            if action.reportLater, let id = p["actionId"]?.stringValue, let kind = p["kind"]?.stringValue {
                let system = ActionKind(rawValue: kind)?.system ?? "erp"
                var result = event(system, nextEventId("action-result"), .actionResult,
                                   ["actionId": .string(id), "status": .string("applied"), "reference": .string("\(system.uppercased())-\(id)")], at: t)
                // The result goes back in the trace the action came in (CloudEvents tracing extension).
                if let trace = action.traceparent, case .object(var fields) = result {
                    fields["traceparent"] = .string(trace)
                    result = .object(fields)
                }
                events.append(result)
            }
        }
        stats.actionsPlayed += played.count
        return events
    }

    func number(_ value: JSONValue?) -> Double? {
        if case .number(let n)? = value { return n }
        return nil
    }

    func lineSku(_ orderId: String?, _ line: Double?) -> String? {
        guard let id = orderId, let line, case .array(let lines)? = orders[id]?.data["lines"] else { return nil }
        return lines.first { number($0["lineNumber"]) == line }?["sku"]?.stringValue
    }
}
