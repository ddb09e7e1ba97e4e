import ClearwayCore

/// A desk of named people: in working hours each spends their time on what is assigned to
/// them (push routing, earlier claims) and then presses Get next, as themselves, so the
/// record shows who took what and how routing chose.
extension Simulation {
    func workAsStaff(at t: Instant) async throws {
        let hours = min(2, deskWorkedAt.map { t.seconds(since: $0) / 3_600 } ?? 0.5)
        deskWorkedAt = t
        guard deskIsOpen(at: t) else { return }
        try await approveWaitingReleases(at: t)
        let answered = askedCustomers.filter { $0.value <= t }.map(\.key).sorted { $0.exceptionId < $1.exceptionId }
        for item in answered {
            askedCustomers[item] = nil
            await resolve(item, by: askedBy.removeValue(forKey: item))
        }
        for person in world.settings.staff {
            staffCredit[person.username, default: 0] += person.perHour * hours
            var budget = Int(staffCredit[person.username] ?? 0)
            guard budget > 0 else { continue }
            staffCredit[person.username, default: 0] -= Double(budget)
            var mine = try await connection.myWork(as: person.username)
            while budget > 0 {
                let next = mine.isEmpty ? try await connection.getNext(as: person.username) : mine.removeFirst()
                guard let item = next else { break }
                budget -= 1
                if item.type == ExceptionType.creditLimitExceeded.rawValue, try await askForCreditRelease(item, by: person.username) { continue }
                if await askCustomer(item, at: t, by: person.username) { continue }
                await resolve(item, by: person.username)
            }
        }
    }
}
