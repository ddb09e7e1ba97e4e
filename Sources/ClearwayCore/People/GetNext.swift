/// What Get next hands a person: the most urgent open item they are skilled for, or why
/// there is none (and which queues do have work).
public enum NextItem: Sendable, Hashable {
    case take(RoutableItem, reason: String)
    case nothing(reason: String)
}

extension WorkRouter {
    /// Picks from `candidates` (open, unassigned, in pull queues) for `person`.
    /// `waiting` counts the open unassigned items per queue, for the answer when nothing fits.
    public static func next(for person: PersonProfile, candidates: [RoutableItem], roster: Roster, waiting: [String: Int]) -> NextItem {
        let pullQueues = person.skills.queues.filter { roster.settings.mode(of: $0) == .pull }.sorted()
        guard !pullQueues.isEmpty else {
            let why = person.skills.queues.isEmpty ? "you have no queue skills yet" : "none of your queues (\(person.skills.queues.sorted().joined(separator: ", "))) is routed by Get next"
            return .nothing(reason: why + "; " + waitingText(waiting))
        }
        let held = roster.held(person.username)
        var fullFor: String?
        for item in candidates.sorted(by: RoutableItem.urgentFirst) where item.assignee == nil && pullQueues.contains(item.queue) {
            guard person.skills.gap(for: item) == nil else { continue }
            let weight = roster.settings.weight(of: item.type)
            guard held + weight <= person.capacity + 1e-9 else { fullFor = fullFor ?? item.type; continue }
            let reason = "Get next: most urgent \(item.queue) item \(person.username) is skilled for"
                + "\(item.atRisk ? " (at risk)" : ""), \(amount(held)) of \(amount(person.capacity)) capacity"
            return .take(item, reason: reason)
        }
        if let type = fullFor {
            return .nothing(reason: "you hold \(amount(held)) of \(amount(person.capacity)) capacity and the next \(type) item does not fit; finish or hand back work first")
        }
        return .nothing(reason: "nothing open in \(pullQueues.joined(separator: ", ")) that you are skilled for; " + waitingText(waiting))
    }

    static func waitingText(_ waiting: [String: Int]) -> String {
        let queues = waiting.filter { $0.value > 0 }.sorted { $0.key < $1.key }
        guard !queues.isEmpty else { return "no queue has unassigned work" }
        return "queues with unassigned work: " + queues.map { "\($0.key) (\($0.value))" }.joined(separator: ", ")
    }
}

extension WorkRouter {
    /// Where an out-of-office person's open items go: to the delegate when one is named,
    /// else to the least-loaded skilled person in a push queue, else back to the queue.
    public static func handOver(_ items: [RoutableItem], of person: PersonProfile, roster: Roster) -> [(item: RoutableItem, to: String?, reason: String)] {
        var roster = roster
        roster.people.removeAll { $0.username == person.username }
        let until = person.availability.until.map { " until \($0.iso8601.prefix(16))" } ?? ""
        return items.sorted(by: RoutableItem.urgentFirst).map { item in
            if let delegate = person.availability.delegate {
                roster.load[delegate, default: 0] += roster.settings.weight(of: item.type)
                return (item, delegate, "\(person.username) is out of office\(until); delegated to \(delegate)")
            }
            if roster.settings.mode(of: item.queue) == .push, case .person(let who, let why) = choose(item, roster: roster) {
                roster.load[who, default: 0] += roster.settings.weight(of: item.type)
                return (item, who, "\(person.username) is out of office\(until); \(why)")
            }
            return (item, nil, "\(person.username) is out of office\(until); back to the \(item.queue) queue")
        }
    }
}

extension WorkRouter {
    /// People behind on SLA in push queues: whoever holds at least the policy's
    /// `rebalanceWhenBreached` breached items gives up their push-queue items not yet
    /// breached (most urgent first) to the least-loaded skilled person on shift with room
    /// who is not behind too. Breached items stay with whoever is already on them.
    public static func rebalance(_ held: [RoutableItem], roster: Roster) -> [(item: RoutableItem, from: String, to: String, reason: String)] {
        let threshold = roster.settings.rebalanceWhenBreached
        guard threshold > 0 else { return [] }
        let byPerson = Dictionary(grouping: held.filter { $0.assignee != nil }, by: { $0.assignee ?? "" })
        let behind = byPerson.filter { $0.value.filter(\.breached).count >= threshold }
        guard !behind.isEmpty else { return [] }
        var roster = roster
        roster.people.removeAll { behind[$0.username] != nil }
        var moves: [(item: RoutableItem, from: String, to: String, reason: String)] = []
        for (person, items) in behind.sorted(by: { $0.key < $1.key }) {
            let late = items.filter(\.breached).count
            for item in items.filter({ !$0.breached }).sorted(by: RoutableItem.urgentFirst) {
                guard case .person(let to, let why) = choose(item, roster: roster) else { continue }
                roster.load[to, default: 0] += roster.settings.weight(of: item.type)
                moves.append((item, person, to, "push routing: \(person) is behind (\(late) breached); " + why.replacingOccurrences(of: "assigned to", with: "moved to")))
            }
        }
        return moves
    }
}
