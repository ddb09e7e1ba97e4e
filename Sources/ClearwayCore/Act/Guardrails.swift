/// The preconditions an action must meet before Clearway carries it out, whoever asks:
/// a person, a touchless rule or a recommendation. Each check says why it passed or failed.
public enum Guardrails {
    public static func check(_ p: ActionParameters, context c: ActionContext, settings g: GuardrailSettings) -> [GuardrailCheck] {
        var checks: [GuardrailCheck] = []
        let needsOrder = ![.notifyCustomer, .postWarehouseCount, .expeditePurchaseOrder].contains(p.kind)
        if needsOrder { checks.append(orderActive(c)) }
        switch p {
        case .releaseHold:
            checks.append(masterDataComplete(c))
            checks.append(creditWithinTolerance(c, amount: c.order?.total ?? .zero, g))
        case .splitOrder(let release):
            checks.append(allowsSplit(c))
            for item in release { checks.append(contentsOf: releasable(item, c)) }
        case .allocateFromSite(let number, let site, let quantity):
            guard let line = lineCheck(number, c, into: &checks) else { break }
            checks.append(GuardrailCheck(id: "site.alternate", passed: site != c.order?.site,
                                         detail: site != c.order?.site ? "\(site) is not the order's own DC" : "\(site) is already the order's DC"))
            checks.append(quantityWithinLine(quantity, line))
            let available = c.available(site: site, sku: line.sku)
            checks.append(GuardrailCheck(id: "stock.available", passed: (available ?? 0) + 1e-9 >= quantity,
                                         detail: "\(site) has \(available.map(\.quantityText) ?? "no reported stock") of \(line.sku) available; \(quantity.quantityText) needed"))
            if (c.order?.lines.count ?? 0) > 1 { checks.append(allowsSplit(c)) }
            checks.append(meetsPromise(c, transferDays: g.transferDays))
        case .approveSubstitution(let number, let substitute):
            guard let line = lineCheck(number, c, into: &checks) else { break }
            let allows = c.customer?.allowsSubstitutions == true
            checks.append(GuardrailCheck(id: "customer.allows_substitution", passed: allows,
                                         detail: allows ? "the customer accepts substitutions" : "the customer does not accept substitutions"))
            guard let product = c.products[substitute], product.active else {
                checks.append(GuardrailCheck(id: "product.substitute_known", passed: false, detail: "\(substitute) is not an active product"))
                break
            }
            let available = c.order.flatMap { c.available(site: $0.site, sku: substitute) } ?? 0
            checks.append(GuardrailCheck(id: "stock.available", passed: available + 1e-9 >= line.quantity,
                                         detail: "\(available.quantityText) of \(substitute) available; \(line.quantity.quantityText) needed"))
            checks.append(marginFloor(price: line.unitPrice, product: product, c))
        case .rebookCarrier(let carrier, let date):
            checks.append(notPast(date, c, what: "ship date"))
            let lane = c.order?.lane ?? "?"
            if let slot = c.carrierCapacity.first(where: { $0.carrier == carrier && $0.shipDate == date }) {
                checks.append(GuardrailCheck(id: "carrier.capacity", passed: slot.remaining >= 1,
                                             detail: "\(carrier) has \(slot.remaining) of \(slot.capacity) slots left on \(lane) on \(date)"))
            } else {
                checks.append(GuardrailCheck(id: "carrier.capacity", passed: false, detail: "\(carrier) reported no capacity on \(lane) for \(date)"))
            }
        case .revisePromiseDate(let date):
            checks.append(notPast(date, c, what: "promise date"))
            let arrivals = (c.order?.skus ?? []).compactMap { sku -> LocalDate? in
                guard let etas = c.supplierETAs[sku], let site = c.order?.site, let available = c.available(site: site, sku: sku),
                      let need = c.order?.lines.filter({ $0.sku == sku }).reduce(0, { $0 + $1.quantity }), available < need else { return nil }
                return etas.map(\.eta).min()
            }
            if let latest = arrivals.max() {
                checks.append(GuardrailCheck(id: "date.after_supply", passed: latest <= date,
                                             detail: "short items arrive by \(latest); the new promise is \(date)"))
            }
        case .expeditePurchaseOrder(let po, let sku, let date):
            checks.append(notPast(date, c, what: "requested date"))
            if let line = c.supplierETAs[sku]?.first(where: { $0.purchaseOrder == po }) {
                checks.append(GuardrailCheck(id: "po.earlier", passed: date < line.eta,
                                             detail: "\(po) is due \(line.eta); asked for \(date)"))
            } else {
                checks.append(GuardrailCheck(id: "po.exists", passed: false, detail: "no open purchase order \(po) for \(sku) at the order's DC"))
            }
        case .overridePrice(let number, let price):
            guard let line = lineCheck(number, c, into: &checks) else { break }
            let (reference, basis) = referencePrice(line, c)
            let change = deviation(price, from: reference)
            checks.append(GuardrailCheck(id: "price.change_limit", passed: change <= g.maxPriceChangePercent + 1e-9,
                                         detail: "\(price) is \(percentText(change)) from the \(basis) \(reference) (limit \(percentText(g.maxPriceChangePercent)))"))
            if let product = c.products[line.sku] { checks.append(marginFloor(price: price, product: product, c)) } else {
                checks.append(GuardrailCheck(id: "margin.floor", passed: false, detail: "\(line.sku) is not in the product master; margin unknown"))
            }
        case .releaseCredit(let amount):
            checks.append(creditWithinTolerance(c, amount: amount ?? c.order?.total ?? .zero, g))
        case .notifyCustomer:
            checks.append(GuardrailCheck(id: "customer.known", passed: c.customer != nil,
                                         detail: c.customer != nil ? "the customer is in the master" : "the customer is not in the master"))
        case .postWarehouseCount(let sku):
            let site = c.order?.site ?? ""
            if let position = c.inventory[site]?[sku] {
                let gap = abs(position.erpOnHand - position.wmsOnHand)
                checks.append(GuardrailCheck(id: "count.adjustment_limit", passed: gap <= g.maxCountAdjustmentUnits + 1e-9,
                                             detail: "posting the WMS count moves ERP stock by \(gap.quantityText) units (limit \(g.maxCountAdjustmentUnits.quantityText))"))
            } else {
                checks.append(GuardrailCheck(id: "inventory.known", passed: false, detail: "no stock position for \(sku) at \(site)"))
            }
        }
        return checks
    }

    /// What the action commits, for the approval thresholds.
    public static func impact(_ p: ActionParameters, context c: ActionContext, settings g: GuardrailSettings) -> ActionImpact {
        let total = c.order?.total ?? .zero
        switch p {
        case .overridePrice(let number, let price):
            guard let line = c.line(number) else { return ActionImpact(amount: .zero) }
            return ActionImpact(amount: price * line.quantity, priceChangePercent: deviation(price, from: referencePrice(line, c).0))
        case .releaseCredit(let amount):
            let released = amount ?? total
            return ActionImpact(amount: released, overCreditLimit: overLimit(c, adding: released))
        case .releaseHold:
            return ActionImpact(amount: total, overCreditLimit: overLimit(c, adding: total))
        default:
            return ActionImpact(amount: total)
        }
    }

    /// The price an override is measured against: the customer's valid contract price,
    /// else the list price, else the price on the order.
    static func referencePrice(_ line: OrderLine, _ c: ActionContext) -> (Money, String) {
        if let contract = c.contracts[line.sku], let order = c.order, contract.isValid(on: order.orderDate), contract.price > .zero {
            return (contract.price, "contract price")
        }
        if let product = c.products[line.sku], product.listPrice > .zero { return (product.listPrice, "list price") }
        return (line.unitPrice, "order price")
    }

    static func deviation(_ price: Money, from reference: Money) -> Double {
        reference > .zero ? abs(price.doubleValue - reference.doubleValue) / reference.doubleValue * 100 : 0
    }

    static func overLimit(_ c: ActionContext, adding amount: Money) -> Bool {
        guard let customer = c.customer else { return false }
        return c.exposure(adding: amount) > customer.creditLimit
    }

    static func orderActive(_ c: ActionContext) -> GuardrailCheck {
        guard let order = c.order else { return GuardrailCheck(id: "order.active", passed: false, detail: "the order is not known to Clearway") }
        return GuardrailCheck(id: "order.active", passed: order.status.isActive,
                              detail: "the order is \(order.status.rawValue)")
    }

    static func lineCheck(_ number: Int, _ c: ActionContext, into checks: inout [GuardrailCheck]) -> OrderLine? {
        let line = c.line(number)
        checks.append(GuardrailCheck(id: "line.exists", passed: line != nil,
                                     detail: line.map { "line \(number) is \($0.quantity.quantityText) × \($0.sku)" } ?? "the order has no line \(number)"))
        return line
    }

    static func allowsSplit(_ c: ActionContext) -> GuardrailCheck {
        let allows = c.customer?.allowsSplitShipments == true
        return GuardrailCheck(id: "customer.allows_split", passed: allows,
                              detail: allows ? "the customer accepts split shipments" : "the customer does not accept split shipments")
    }

    static func releasable(_ item: LineQuantity, _ c: ActionContext) -> [GuardrailCheck] {
        guard let line = c.line(item.line) else { return [GuardrailCheck(id: "line.exists", passed: false, detail: "the order has no line \(item.line)")] }
        let available = c.order.flatMap { c.available(site: $0.site, sku: line.sku) } ?? 0
        return [quantityWithinLine(item.quantity, line),
                GuardrailCheck(id: "stock.available", passed: available + 1e-9 >= item.quantity,
                               detail: "line \(item.line): \(available.quantityText) of \(line.sku) available to release \(item.quantity.quantityText)")]
    }

    static func quantityWithinLine(_ quantity: Double, _ line: OrderLine) -> GuardrailCheck {
        GuardrailCheck(id: "quantity.within_line", passed: quantity <= line.quantity + 1e-9,
                       detail: "\(quantity.quantityText) of the \(line.quantity.quantityText) ordered on line \(line.lineNumber)")
    }

    static func meetsPromise(_ c: ActionContext, transferDays: Int) -> GuardrailCheck {
        guard let order = c.order else { return GuardrailCheck(id: "promise.met", passed: false, detail: "no order") }
        let due = order.promiseDate ?? order.requestedShipDate
        let arrives = c.today.adding(days: transferDays)
        return GuardrailCheck(id: "promise.met", passed: arrives <= due,
                              detail: "a transfer arrives \(arrives) (\(transferDays) days); the order is due \(due)")
    }

    static func marginFloor(price: Money, product: Product, _ c: ActionContext) -> GuardrailCheck {
        let floor = c.detection.marginFloor(family: product.family)
        let margin = price > .zero ? (price.doubleValue - product.unitCost.doubleValue) / price.doubleValue : -1
        return GuardrailCheck(id: "margin.floor", passed: margin + 1e-9 >= floor,
                              detail: "margin \(percentText(margin * 100)) at \(price) against the \(product.family) floor of \(percentText(floor * 100))")
    }

    static func masterDataComplete(_ c: ActionContext) -> GuardrailCheck {
        let missing = c.customer?.missingMasterData ?? ["customer"]
        return GuardrailCheck(id: "masterdata.complete", passed: missing.isEmpty,
                              detail: missing.isEmpty ? "the customer's master data is complete" : "missing: \(missing.joined(separator: ", "))")
    }

    static func creditWithinTolerance(_ c: ActionContext, amount: Money, _ g: GuardrailSettings) -> GuardrailCheck {
        guard let customer = c.customer else { return GuardrailCheck(id: "credit.within_tolerance", passed: false, detail: "the customer is not known") }
        let after = c.exposure(adding: amount)
        let ceiling = customer.creditLimit * (1 + g.creditReleaseTolerancePercent / 100)
        return GuardrailCheck(id: "credit.within_tolerance", passed: after <= ceiling,
                              detail: "exposure after release \(after) against limit \(customer.creditLimit) + \(percentText(g.creditReleaseTolerancePercent)) = \(ceiling)")
    }

    static func notPast(_ date: LocalDate, _ c: ActionContext, what: String) -> GuardrailCheck {
        GuardrailCheck(id: "date.not_past", passed: date >= c.today, detail: "\(what) \(date); today is \(c.today)")
    }
}
