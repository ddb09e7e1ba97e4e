/// A traditional event log: one trace per case, each an ordered run of activities with times.
/// Stored as flat arrays (one offset per case), which keeps a million events in a few
/// megabytes and lets the miners walk it without allocating.
public struct FlatLog: Sendable {
    public var activities: [String]
    public var caseIDs: [String] = []
    /// `caseStart[c]..<caseStart[c + 1]` are case `c`'s events in `activity` and `time`.
    public var caseStart: [Int] = [0]
    public var activity: [Int32] = []
    public var time: [Int64] = []

    public init(activities: [String]) { self.activities = activities }

    public var caseCount: Int { caseIDs.count }
    public var eventCount: Int { activity.count }

    public func events(ofCase c: Int) -> Range<Int> { caseStart[c]..<caseStart[c + 1] }

    /// Appends a case whose events are already in order.
    public mutating func appendCase(id: String, events: [(activity: Int32, time: Int64)]) {
        caseIDs.append(id)
        for e in events {
            activity.append(e.activity)
            time.append(e.time)
        }
        caseStart.append(activity.count)
    }
}

extension ObjectCentricLog {
    /// Flattens the log on one object type the way pm4py's `ocel_flattening` does: each
    /// object of that type becomes a case holding every event that touched it, in time order
    /// with equal times in the log's order. Objects no event touched give no case.
    public func flattened(on objectType: String) throws(EventLogError) -> FlatLog {
        let populated = Set(objects.map(\.type))
        guard let type = typeIndex(named: objectType), populated.contains(type) else {
            let names = objectTypes.enumerated().filter { populated.contains(Int32($0.offset)) }.map(\.element)
            throw .invalid("the log has no objects of type '\(objectType)' (it has objects of type: \(names.joined(separator: ", ")))")
        }
        // Relations of this type, grouped by event (compressed rows).
        var perEvent = [Int32](repeating: 0, count: events.count + 1)
        for r in relations where objects[Int(r.object)].type == type { perEvent[Int(r.event) + 1] += 1 }
        for i in 0..<events.count { perEvent[i + 1] += perEvent[i] }
        var fill = perEvent
        var relatedObjects = [Int32](repeating: 0, count: Int(perEvent[events.count]))
        for r in relations where objects[Int(r.object)].type == type {
            relatedObjects[Int(fill[Int(r.event)])] = r.object
            fill[Int(r.event)] += 1
        }
        // Walk the events in time order, appending each to its objects' traces.
        var traces: [Int32: [Int32]] = [:]
        var firstSeen: [Int32] = []
        for e in eventsInTimeOrder() {
            for k in Int(perEvent[Int(e)])..<Int(perEvent[Int(e) + 1]) {
                let object = relatedObjects[k]
                if traces[object] == nil { firstSeen.append(object) }
                if traces[object]?.last != e { traces[object, default: []].append(e) }
            }
        }
        var flat = FlatLog(activities: activities)
        flat.activity.reserveCapacity(relatedObjects.count)
        flat.time.reserveCapacity(relatedObjects.count)
        for object in firstSeen.sorted() {
            flat.appendCase(id: objects[Int(object)].id, events: traces[object]!.map { (events[Int($0)].activity, events[Int($0)].time) })
        }
        return flat
    }
}

extension ObjectCentricLog {
    /// Like `flattened(on:)`, but an empty log for a type with no objects yet (a quiet period).
    public func flattenedIfAny(on objectType: String) throws(EventLogError) -> FlatLog {
        guard let type = typeIndex(named: objectType), objects.contains(where: { $0.type == type }) else { return FlatLog(activities: activities) }
        return try flattened(on: objectType)
    }
}
