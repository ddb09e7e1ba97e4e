import Foundation

/// A queue filter a person keeps: private, or shared with the team of a queue.
public struct SavedView: Sendable, Hashable, Codable {
    public var id: String
    public var owner: String
    public var name: String
    /// The queue whose team sees it too; nil keeps it private.
    public var team: String?
    public var queue: String
    public var type: String?
    public var site: String?
    public var customerId: String?
    public var tier: String?
    /// Only exceptions open at least this many hours.
    public var minAgeHours: Double?
    public var sort: String
    public var createdAt: Instant

    public init(id: String, owner: String, name: String, team: String? = nil, queue: String, type: String? = nil, site: String? = nil,
                customerId: String? = nil, tier: String? = nil, minAgeHours: Double? = nil, sort: String = "priority", createdAt: Instant) {
        self.id = id; self.owner = owner; self.name = name; self.team = team; self.queue = queue; self.type = type; self.site = site
        self.customerId = customerId; self.tier = tier; self.minAgeHours = minAgeHours; self.sort = sort; self.createdAt = createdAt
    }

    /// Every problem by field: a blank or long name, a queue or team the policy does not
    /// know, an unknown type, tier or sort, or a negative age.
    public func problems(queues: [String]) -> [FieldProblem] {
        var found: [FieldProblem] = []
        func add(_ pointer: String, _ detail: String) { found.append(FieldProblem(pointer: pointer, detail: detail)) }
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty || trimmed.count > 80 { add("/name", "must be 1–80 characters") }
        if !queues.contains(queue) { add("/queue", "'\(queue)' is not a queue of the policy (\(queues.joined(separator: ", ")))") }
        if let team, !queues.contains(team) { add("/team", "'\(team)' is not a queue whose team could share it") }
        if let type, ExceptionType(rawValue: type) == nil { add("/type", "'\(type)' is not an exception type") }
        if let tier, CustomerTier(rawValue: tier) == nil {
            add("/tier", "'\(tier)' is not a customer tier (\(CustomerTier.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        if QueueFilter.Sort(rawValue: sort) == nil { add("/sort", "must be one of \(QueueFilter.Sort.allCases.map(\.rawValue).joined(separator: ", "))") }
        if let hours = minAgeHours, !(0...8_760).contains(hours) { add("/minAgeHours", "must be between 0 and 8760") }
        for (pointer, value) in [("/site", site), ("/customerId", customerId)] where (value?.count ?? 0) > 64 {
            add(pointer, "must be at most 64 characters")
        }
        return found
    }

    /// The queue filter this view stands for at `now`.
    public func filter(now: Instant) -> QueueFilter {
        var f = QueueFilter(queue: queue)
        f.type = type.flatMap(ExceptionType.init(rawValue:)); f.site = site; f.customerId = customerId
        f.tier = tier.flatMap(CustomerTier.init(rawValue:)); f.sort = QueueFilter.Sort(rawValue: sort) ?? .priority
        f.openedBefore = minAgeHours.map { now.adding(seconds: -$0 * 3_600) }
        return f
    }

    /// Whether `username` (with these queue skills, or a supervisor) sees this view.
    public func isVisible(to username: String, queues: Set<String>, seesAll: Bool) -> Bool {
        owner == username || team.map { seesAll || queues.contains($0) } ?? false
    }
}
