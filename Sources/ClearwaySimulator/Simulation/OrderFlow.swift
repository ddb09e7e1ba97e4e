import ClearwayCore

/// Orders through their life: entry by EDI, portal or sales desk with the day's and the
/// month's rhythm, the pick, the shipment and its delivery, and the e-mails customers send.
extension Simulation {
    /// Orders on day `d` compared with an ordinary weekday.
    func volumeFactor(day d: Int) -> Double {
        let date = start.adding(days: d)
        let weekday: Double = [1.25, 1.0, 1.0, 0.95, 0.85, 0.12, 0.04][date.weekday]
        let monthEnd = date.adding(days: 3).month != date.month ? 1.3 : 1.0
        return weekday * monthEnd
    }

    func planOrders(day d: Int) {
        let count = Int((Double(world.settings.ordersPerDay) * volumeFactor(day: d)).rounded())
        let active = world.customers.indices.filter { (world.customers[$0].arrivesOnDay ?? 0) <= d }
        let totalWeight = active.reduce(0.0) { $0 + world.customers[$1].weight }
        for _ in 0..<count {
            var pick = Double.random(in: 0..<totalWeight, using: &rng)
            var chosen = active[0]
            for i in active { pick -= world.customers[i].weight; if pick < 0 { chosen = i; break } }
            planOrder(customer: chosen, day: d)
        }
    }

    func planOrder(customer ci: Int, day d: Int) {
        let c = world.customers[ci]
        let site = world.sites[c.site]
        orderCounter += 1
        let orderId = "SO-\(200_000 + orderCounter)"
        let at = instant(day: d, hourUTC: Double(rng.int(7 * 60...17 * 60)) / 60 - Double(site.utcOffset))
        let channel: OrderChannel = rng.chance(0.75) ? c.channel : [.edi, .portal, .sales][rng.int(0...2)]
        var shipDay = d + rng.int(1...6)
        while start.adding(days: shipDay).weekday >= 5 { shipDay += 1 }
        var lines: [JSONValue] = []
        var plantedPricing = false
        let lineCount = [1, 1, 2, 2, 2, 3, 3, 4, 5][rng.int(0...8)]
        for l in 1...lineCount {
            let fromContract = rng.chance(0.85)
            let skuIndex = fromContract ? c.contractSKUs[rng.int(0...(c.contractSKUs.count - 1))] : rng.int(0...(world.products.count - 1))
            let product = world.products[skuIndex]
            var price = fromContract ? world.contractPrice(customer: c, sku: skuIndex) : product.listPrice
            if fromContract, channel == .portal, world.portalPriceIsStale(customer: c, sku: skuIndex) {
                price = (price * 1.08).rounded(toPlaces: 2)
                plantedPricing = true
            } else if fromContract, channel == .sales, rng.chance(Calibration.salesKeyingError * Double(lineCount)) {
                price = product.listPrice
                plantedPricing = true
            }
            var sku = product.sku
            if channel == .edi, rng.chance(Calibration.unknownPartShare * 4) { sku = "CPN-\(c.id.suffix(4))-\(rng.int(100...999))" }
            let quantity = Double(product.listPrice < 20 ? rng.int(10...120) : rng.int(1...24))
            lines.append(.object(["lineNumber": .number(Double(l)), "sku": .string(sku), "quantity": .number(quantity),
                                  "unitOfMeasure": .string("EA"), "unitPrice": .number(price)]))
        }
        let shipDate = start.adding(days: shipDay)
        let data: [String: JSONValue] = [
            "orderId": .string(orderId), "customerId": .string(c.id), "site": .string(site.id), "channel": .string(channel.rawValue),
            "status": .string("open"), "orderDate": .string(start.adding(days: d).description),
            "requestedShipDate": .string(shipDate.description), "promiseDate": .string(shipDate.adding(days: 2).description),
            "lane": .string(c.lane), "currency": .string("USD"), "lines": .array(lines),
        ]
        orders[orderId] = SimOrder(id: orderId, customer: ci, site: c.site, shipDay: shipDay, data: data)
        stats.ordersCreated += 1
        if plantedPricing { stats.ordersMispriced += 1 }
        schedule.add(.send(event("erp", "order-\(orderId)", .orderCreated, data, at: at)), at: at)
        if plantedPricing, rng.chance(0.55) {
            // The customer-service rep notices the portal price and re-keys the contract price.
            var fixed = data
            fixed["lines"] = .array(lines.map { line in
                guard case .object(var o) = line, let sku = o["sku"]?.stringValue,
                      let idx = world.products.firstIndex(where: { $0.sku == sku }), c.contractSKUs.contains(idx) else { return line }
                o["unitPrice"] = .number(world.contractPrice(customer: c, sku: idx))
                return .object(o)
            })
            let fixAt = at.adding(seconds: Double(rng.int(2...30)) * 3_600)
            schedule.add(.fix(orderId: orderId, event("erp", nextEventId("order-update"), .orderUpdated, fixed, at: fixAt)), at: fixAt)
        }
        schedule.add(.pick(orderId: orderId), at: instant(day: shipDay, hourUTC: 7 - Double(site.utcOffset)))
        schedule.add(.ship(orderId: orderId, attempt: 0), at: instant(day: shipDay, hourUTC: 15 - Double(site.utcOffset)))
        if rng.chance(Calibration.messageShare) {
            let mailAt = at.adding(seconds: Double(rng.int(1...40)) * 3_600)
            schedule.add(.send(messageEvent(orderId: orderId, customer: c, at: mailAt)), at: mailAt)
        }
    }

    func pickEvent(_ orderId: String) -> JSONValue? {
        guard let o = orders[orderId], case .array(let lines)? = o.data["lines"] else { return nil }
        var picked: [JSONValue] = []
        for line in lines {
            guard let n = line["lineNumber"], let sku = line["sku"]?.stringValue, case .number(let q)? = line["quantity"] else { continue }
            var p: [String: JSONValue] = ["lineNumber": n, "sku": .string(sku), "pickedQuantity": .number(q)]
            if rng.chance(Calibration.substitutionShare) {
                p["substitutedSku"] = .string(sku + "-ALT")
            } else if rng.chance(Calibration.shortPickShare), q > 1 {
                p["pickedQuantity"] = .number((q / 2).rounded(.down))
            }
            picked.append(.object(p))
        }
        return event("wms", nextEventId("pick"), .pickConfirmed, [
            "orderId": .string(orderId), "site": .string(world.sites[o.site].id), "confirmedAt": .string(now.iso8601), "lines": .array(picked),
        ], at: now)
    }

    /// Ships an order that nothing holds; a held one waits a day, at most five times.
    func ship(_ orderId: String, attempt: Int) -> [JSONValue] {
        guard var o = orders[orderId] else { return [] }
        if o.held, attempt < 5 {
            schedule.add(.ship(orderId: orderId, attempt: attempt + 1), at: now.adding(seconds: 86_400))
            return []
        }
        orders[orderId] = nil
        stats.ordersShipped += 1
        o.data["status"] = .string("shipped")
        let events = [event("erp", nextEventId("order-update"), .orderUpdated, o.data, at: now)]
        if rng.chance(Calibration.failedDeliveryShare) {
            let failAt = now.adding(seconds: 26 * 3_600)
            let promised = o.data["promiseDate"] ?? .null
            let milestone: (String, Instant) -> JSONValue = { status, at in
                self.event("tms", self.nextEventId("milestone"), .shipmentMilestone, [
                    "orderId": .string(orderId), "shipmentId": .string("PRO-\(orderId.dropFirst(3))"), "carrier": .string("NORTHEAST-LTL"),
                    "status": .string(status), "occurredAt": .string(at.iso8601), "reason": .string("Consignee closed"),
                    "promisedDelivery": promised,
                ], at: at)
            }
            schedule.add(.send(milestone("failed", failAt)), at: failAt)
            let redelivered = failAt.adding(seconds: 30 * 3_600)
            schedule.add(.fix(orderId: nil, milestone("delivered", redelivered)), at: redelivered)
        }
        return events
    }

    func messageEvent(orderId: String, customer c: DistributorWorld.Customer, at: Instant) -> JSONValue {
        let templates = [
            ("Urgent: need \(orderId) sooner", "Hi, can you expedite \(orderId)? Our crew starts on site Monday."),
            ("Change to \(orderId)", "Please increase line 1 on \(orderId) and ship to our other dock instead of the usual one."),
            ("Cancel \(orderId)", "We no longer need \(orderId), please cancel it before it ships."),
            ("Where is \(orderId)?", "Could you tell us when \(orderId) will arrive? We have not had a tracking number."),
            ("Damaged items on \(orderId)", "Two boxes on \(orderId) arrived damaged, this is unacceptable for a key account."),
        ]
        let pick = rng.int(0...(templates.count - 1))
        let (subject, body) = templates[pick]
        var data: [String: JSONValue] = [
            "messageId": .string("MSG-\(eventCounter)"), "customerId": .string(c.id), "orderId": .string(orderId), "channel": .string("email"),
            "subject": .string(subject), "body": .string(body), "receivedAt": .string(at.iso8601),
        ]
        // A customer asking where an order is names it in the text only: the mail gateway
        // cannot tell which order it is about, Clearway reads it from the text.
        if pick == 3 { data["orderId"] = nil }
        return event("mail-gateway", nextEventId("mail"), .customerMessageReceived, data, at: at)
    }
}
