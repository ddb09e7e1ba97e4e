import ClearwayCore

/// The order desk: a few people who, in working hours, take the highest-priority open
/// exceptions from Clearway's case list, claim them and resolve them with the code their
/// team uses, through the same API a person's browser uses.
extension Simulation {
    static func resolutionCode(for type: String) -> String {
        switch type.split(separator: ".").first.map(String.init) ?? "" {
        case "pricing": "price_corrected"
        case "inventory": "stock_reallocated"
        case "credit": "credit_released"
        case "logistics": "carrier_rebooked"
        case "procurement": "supplier_expedited"
        case "masterdata": "master_data_completed"
        case "warehouse": "substitution_approved"
        default: "customer_answered"
        }
    }

    /// US desk hours on weekdays (13:00–23:00 UTC covers Eastern and Central days).
    func deskIsOpen(at t: Instant) -> Bool {
        let day = LocalDate(dayNumber: Int(t.millis / 86_400_000))
        let hour = Double(t.millis % 86_400_000) / 3_600_000
        return day.weekday < 5 && hour >= 13 && hour < 23
    }

    /// A credit analyst on the desk asks for the order's credit to be released rather than
    /// closing the exception by hand; policy sends most of these for approval. Returns
    /// false when guardrails refuse it (the desk then resolves the usual way).
    func askForCreditRelease(_ item: WorkItem, by person: String? = nil) async throws -> Bool {
        do {
            _ = try await connection.claimAndAsk(item, kind: .releaseCredit, as: person)
            stats.actionsAsked += 1
            if let orderId = item.orderId { orders[orderId]?.held = false }
            return true
        } catch let error as ConnectionError where error.status == 409 || error.status == 403 {
            return false
        }
    }

    /// The credit approver clears what has waited at least two hours, leaving the newest
    /// for whoever is watching the approval inbox.
    func approveWaitingReleases(at t: Instant) async throws {
        for (id, requestedAt) in try await connection.pendingApprovals() where t.seconds(since: requestedAt) >= 7_200 {
            do {
                try await connection.approve(id, reason: "Payment plan agreed with the customer")
                stats.approvalsGiven += 1
            } catch let error as ConnectionError where error.status == 409 || error.status == 403 {
                continue
            }
        }
    }

    func workBacklog(at t: Instant) async throws {
        if !world.settings.staff.isEmpty { return try await workAsStaff(at: t) }
        guard world.settings.agents > 0, deskIsOpen(at: t) else { return }
        deskCredit += Double(world.settings.agents) * world.settings.agentThroughputPerHour * 0.5
        let capacity = Int(deskCredit)
        guard capacity > 0 else { return }
        deskCredit -= Double(capacity)
        try await approveWaitingReleases(at: t)
        // The buyers who answered: the desk corrects the price and closes the exception.
        let answered = askedCustomers.filter { $0.value <= t }.map(\.key).sorted { $0.exceptionId < $1.exceptionId }
        for item in answered {
            askedCustomers[item] = nil
            await resolve(item)
        }
        let work = try await connection.openWork(limit: max(10, capacity * 2))
        for item in work.prefix(capacity) {
            if item.type == ExceptionType.creditLimitExceeded.rawValue, try await askForCreditRelease(item) { continue }
            if await askCustomer(item, at: t) { continue }
            await resolve(item)
        }
    }

    /// Claims (when open) and resolves with the team's code; someone else (a person in the
    /// console) may have got there first, and then it is left to them.
    func resolve(_ item: WorkItem, by person: String? = nil) async {
        do {
            try await connection.claimAndResolve(item, code: Self.resolutionCode(for: item.type), as: person)
            stats.resolvedByDesk += 1
            if let orderId = item.orderId { orders[orderId]?.held = false }
        } catch {
            return
        }
    }

    /// Every third price query (chosen by the exception's id, so runs repeat) is put to the
    /// customer first: the exception waits on the customer, its SLA clock paused, and the
    /// buyer answers four hours later. Returns false when the desk resolves it now.
    func askCustomer(_ item: WorkItem, at t: Instant, by person: String? = nil) async -> Bool {
        guard item.type == ExceptionType.pricingContractMismatch.rawValue,
              item.exceptionId.unicodeScalars.reduce(0, { $0 &+ Int($1.value) }) % 3 == 0 else { return false }
        do {
            try await connection.claimAndWait(item, on: .customer, reason: "Asked the buyer to confirm the price on the PO", as: person)
        } catch {
            return false
        }
        stats.customersAsked += 1
        let waiting = WorkItem(caseId: item.caseId, orderId: item.orderId, exceptionId: item.exceptionId, type: item.type, state: "waiting")
        askedCustomers[waiting] = t.adding(seconds: 4 * 3_600)
        if let person { askedBy[waiting] = person }
        return true
    }
}
