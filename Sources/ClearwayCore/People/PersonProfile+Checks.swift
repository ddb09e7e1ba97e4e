extension PersonProfile {
    /// Every problem with this profile, by field: unknown queues, types or calendar, a
    /// capacity out of range, an out-of-office period that ends before it starts, or a
    /// delegate who is unknown, themselves, or away during the period too.
    public func problems(policy: Policy, people: [String: PersonProfile], users: Set<String>) -> [FieldProblem] {
        var found: [FieldProblem] = []
        func add(_ pointer: String, _ detail: String) { found.append(FieldProblem(pointer: pointer, detail: detail)) }
        if !(0...100).contains(capacity) || (capacity * 2).rounded() != capacity * 2 {
            add("/capacity", "must be between 0 and 100 in steps of 0.5, found \(capacity)")
        }
        let queues = Set(policy.queues)
        for queue in skills.queues.sorted() where !queues.contains(queue) {
            add("/skills/queues", "'\(queue)' is not a queue of the policy (\(policy.queues.joined(separator: ", ")))")
        }
        for type in skills.types.sorted() where ExceptionType(rawValue: type) == nil {
            add("/skills/types", "'\(type)' is not an exception type")
        }
        for (pointer, values) in [("/skills/sites", skills.sites), ("/skills/segments", skills.segments), ("/skills/accounts", skills.accounts)] {
            for value in values where value.isEmpty || value.count > 64 { add(pointer, "entries must be 1–64 characters") }
        }
        if let calendar, policy.sites[calendar] == nil {
            add("/calendar", "'\(calendar)' is not a site of the policy (\(policy.sites.keys.sorted().joined(separator: ", ")))")
        }
        found += availabilityProblems(people: people, users: users)
        return found
    }

    private func availabilityProblems(people: [String: PersonProfile], users: Set<String>) -> [FieldProblem] {
        let a = availability
        guard a.status == .outOfOffice else {
            if a.delegate != nil { return [FieldProblem(pointer: "/availability/delegate", detail: "applies only when out of office")] }
            return []
        }
        var found: [FieldProblem] = []
        guard let from = a.from else { return [FieldProblem(pointer: "/availability/from", detail: "is required when out of office")] }
        guard let until = a.until else { return [FieldProblem(pointer: "/availability/until", detail: "is required when out of office")] }
        if until <= from {
            found.append(FieldProblem(pointer: "/availability/until", detail: "must be after from (\(from.iso8601)); the period ends before it starts"))
        }
        guard let delegate = a.delegate else { return found }
        if delegate == username {
            found.append(FieldProblem(pointer: "/availability/delegate", detail: "must be someone else"))
        } else if !users.contains(delegate) {
            found.append(FieldProblem(pointer: "/availability/delegate", detail: "'\(delegate)' is not a person who signs in"))
        } else if let other = people[delegate]?.availability, other.status == .away || other.overlaps(from: from, until: until) {
            found.append(FieldProblem(pointer: "/availability/delegate", detail: "'\(delegate)' is away during that period too; choose someone who is in"))
        }
        return found
    }
}

extension Availability {
    /// Whether an out-of-office period of this availability overlaps [from, until).
    public func overlaps(from: Instant, until: Instant) -> Bool {
        guard status == .outOfOffice else { return false }
        let start = self.from ?? Instant(millis: .min), end = self.until ?? Instant(millis: .max)
        return start < until && from < end
    }
}
