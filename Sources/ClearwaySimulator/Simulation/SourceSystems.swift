import ClearwayCore

/// The source systems' day: master data, stock counts, credit exposure, carrier capacity
/// and supplier dates, each drifting the way it does at a real distributor.
extension Simulation {
    static let ample = StockPosition(erp: 5_000, wms: 5_000)

    func planDay(_ d: Int) {
        let midnight = instant(day: d, hourUTC: 0)
        if d == 0 { planReferenceData(at: midnight) }
        planNewcomers(day: d, at: midnight)
        planStockDrift(day: d, at: midnight.adding(seconds: 60))
        planShortages(day: d, at: midnight.adding(seconds: 120))
        planCredit(day: d, at: midnight.adding(seconds: 180))
        planLaneCuts(day: d, at: midnight.adding(seconds: 240))
        planOrders(day: d)
    }

    func planReferenceData(at t: Instant) {
        for p in world.products {
            schedule.add(.send(event("pim", "product-\(p.sku)", .productUpserted, [
                "sku": .string(p.sku), "description": .string("\(p.family.capitalized) item \(p.sku.dropFirst(4))"), "family": .string(p.family),
                "unitsOfMeasure": .array([.string("EA"), .string("BX")]), "unitCost": .number(p.cost), "listPrice": .number(p.listPrice),
            ], at: t)), at: t)
        }
        for c in world.customers where c.arrivesOnDay == nil { sendCustomer(c, complete: true, at: t) }
        for site in world.sites {
            let positions = world.products.map { ($0.sku, Self.ample) }
            sendSnapshot(site: site.id, positions, at: t)
        }
    }

    func sendCustomer(_ c: DistributorWorld.Customer, complete: Bool, at t: Instant, fix: Bool = false) {
        var data: [String: JSONValue] = [
            "customerId": .string(c.id), "name": .string(c.name), "tier": .string(c.tier.rawValue), "segment": .string(c.segment),
            "creditLimit": .number(c.creditLimit), "creditExposure": .number(0), "paymentTerms": .string("NET30"),
            "allowsSplitShipments": .bool(c.tier != .standard),
        ]
        if complete {
            data["taxId"] = .string("US-\(c.id.dropFirst(2))-\(c.name.count)")
            data["shipTo"] = .string("Dock \(c.id.suffix(2)), \(world.sites[c.site].id) region")
        }
        let e = event("crm", nextEventId("customer"), .customerUpserted, data, at: t)
        if fix {
            schedule.add(.fix(orderId: nil, e), at: t)
            for (id, o) in orders where world.customers[o.customer].id == c.id { orders[id]?.held = false }
        } else {
            schedule.add(.send(e), at: t)
        }
        guard !fix else { return }
        let index = world.customers.firstIndex(of: c) ?? 0
        for sku in c.contractSKUs {
            schedule.add(.send(event("erp", "contract-\(c.id)-\(sku)", .contractUpserted, [
                "customerId": .string(c.id), "sku": .string(world.products[sku].sku),
                "price": .number(world.contractPrice(customer: world.customers[index], sku: sku)), "tolerancePercent": .number(2),
            ], at: t)), at: t)
        }
    }

    /// New accounts opened by sales; many arrive before finance has their tax id and ship-to.
    func planNewcomers(day d: Int, at t: Instant) {
        for c in world.customers where c.arrivesOnDay == d {
            let incomplete = rng.chance(Calibration.incompleteNewcomerShare)
            sendCustomer(c, complete: !incomplete, at: t)
            if incomplete {
                sendCustomer(c, complete: true, at: t.adding(seconds: Double(rng.int(20...70)) * 3_600), fix: true)
            }
        }
    }

    /// The WMS of one site loses count of part of one product family; the weekly cycle count
    /// moves the drift to other SKUs.
    func planStockDrift(day d: Int, at t: Instant) {
        let site = DistributorWorld.driftingStockSite
        var positions: [(String, StockPosition)] = []
        for (i, p) in world.products.enumerated() where p.family == DistributorWorld.driftingStockFamily {
            let key = "\(site)|\(p.sku)"
            var position = stock[key] ?? Self.ample
            if position.erp < 100 { continue }  // out of stock: the count drift does not matter until it is restocked
            position.wms = world.stockDrifts(sku: i, day: d) ? position.erp - Double(3 + i % 9) : position.erp
            guard position != (stock[key] ?? Self.ample) else { continue }
            stock[key] = position
            positions.append((p.sku, position))
        }
        if !positions.isEmpty { sendSnapshot(site: site, positions, at: t) }
    }

    /// Items that run out at a site, with the replenishment PO, the supplier's slips and
    /// the delivery that restocks them.
    func planShortages(day d: Int, at t: Instant) {
        let expected = Double(world.products.count) * Calibration.scarceSKUShare
        for site in world.sites {
            var positions: [(String, StockPosition)] = []
            // Whole items a day, plus one more with the remaining fraction as its chance.
            let count = Int(expected) + (rng.chance(expected - Double(Int(expected))) ? 1 : 0)
            for _ in 0..<count {
                let i = rng.int(0...(world.products.count - 1))
                let p = world.products[i]
                let onHand = Double(rng.int(0...4))
                let position = StockPosition(erp: onHand, wms: onHand)
                stock["\(site.id)|\(p.sku)"] = position
                positions.append((p.sku, position))
                var eta = start.adding(days: d + p.leadTimeDays / 2)
                let po = "PO-\(site.id.suffix(3))-\(d)-\(i)"
                let etaData: (LocalDate, LocalDate?) -> [String: JSONValue] = { eta, previous in
                    var data: [String: JSONValue] = ["purchaseOrder": .string(po), "supplierId": .string(p.supplier), "site": .string(site.id),
                                                     "sku": .string(p.sku), "quantity": .number(500), "eta": .string(eta.description)]
                    if let previous { data["previousEta"] = .string(previous.description) }
                    return data
                }
                schedule.add(.send(event("srm", nextEventId("eta"), .supplierEtaUpdated, etaData(eta, nil), at: t)), at: t)
                if rng.chance(Calibration.supplierSlipShare) {
                    let slipAt = t.adding(seconds: Double(rng.int(12...60)) * 3_600)
                    let slipped = eta.adding(days: rng.int(4...12))
                    schedule.add(.send(event("srm", nextEventId("eta"), .supplierEtaUpdated, etaData(slipped, eta), at: slipAt)), at: slipAt)
                    eta = slipped
                }
                let arrival = instant(day: eta.dayNumber - start.dayNumber, hourUTC: 14)
                schedule.add(.restock(site: site.id, sku: p.sku), at: arrival)
            }
            if !positions.isEmpty { sendSnapshot(site: site.id, positions, at: t) }
        }
    }

    /// Exposure of the customers who run close to their limit climbs through the month and
    /// falls when they pay at the start of the next.
    func planCredit(day d: Int, at t: Instant) {
        let date = start.adding(days: d)
        let daysInMonth = LocalDate(year: date.month == 12 ? date.year + 1 : date.year, month: date.month % 12 + 1, day: 1).dayNumber
            - LocalDate(year: date.year, month: date.month, day: 1).dayNumber
        let progress = Double(date.day) / Double(daysInMonth)
        for c in world.customers where c.tightCredit && (c.arrivesOnDay ?? 0) <= d {
            let exposure = (c.creditLimit * (0.45 + 0.62 * progress * progress * progress)).rounded()
            let e = event("finance", nextEventId("credit"), .creditStatusChanged, [
                "customerId": .string(c.id), "standing": .string("good"), "exposure": .number(exposure), "creditLimit": .number(c.creditLimit),
            ], at: t)
            schedule.add(date.day <= 2 ? .fix(orderId: nil, e) : .send(e), at: t)
        }
    }

    /// The saturated lane's carrier cuts capacity for a ship date a few days out; half the
    /// time it finds a truck again later.
    func planLaneCuts(day d: Int, at t: Instant) {
        guard rng.chance(Calibration.laneCutShare) else { return }
        let shipDate = start.adding(days: d + rng.int(1...3)).description
        let cut: [String: JSONValue] = ["carrier": .string("NORTHEAST-LTL"), "lane": .string(DistributorWorld.saturatedLane),
                                        "shipDate": .string(shipDate), "capacity": .number(24), "booked": .number(24)]
        schedule.add(.send(event("tms", nextEventId("capacity"), .carrierCapacity, cut, at: t)), at: t)
        if rng.chance(0.5) {
            var restored = cut
            restored["capacity"] = .number(40)
            let at = t.adding(seconds: Double(rng.int(4...30)) * 3_600)
            schedule.add(.fix(orderId: nil, event("tms", nextEventId("capacity"), .carrierCapacity, restored, at: at)), at: at)
        }
    }

    func sendSnapshot(site: String, _ positions: [(String, StockPosition)], at t: Instant) {
        var rest = positions[...]
        while !rest.isEmpty {
            let chunk = Array(rest.prefix(250))
            rest = rest.dropFirst(chunk.count)
            schedule.add(.send(snapshotEvent(site: site, chunk, at: t)), at: t)
        }
    }

    func snapshotEvent(site: String, _ positions: [(String, StockPosition)], at t: Instant) -> JSONValue {
        event("wms", nextEventId("stock"), .inventorySnapshot, [
            "site": .string(site),
            "positions": .array(positions.map { .object(["sku": .string($0.0), "erpOnHand": .number($0.1.erp), "wmsOnHand": .number($0.1.wms)]) }),
        ], at: t)
    }
}
