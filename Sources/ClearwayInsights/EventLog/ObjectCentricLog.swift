/// An object-centric event log (OCEL 2.0): events, the objects they touch, and which event
/// touched which object. Names are interned once, so mining works on small integers and a
/// log of millions of events stays compact.
public struct ObjectCentricLog: Sendable {
    public struct Event: Sendable, Equatable {
        public var id: String
        /// Index into `activities`.
        public var activity: Int32
        /// Milliseconds since 1970-01-01 UTC.
        public var time: Int64
    }

    public struct Object: Sendable, Equatable {
        public var id: String
        /// Index into `objectTypes`.
        public var type: Int32
    }

    public struct Relation: Sendable, Equatable {
        public var event: Int32
        public var object: Int32
        public var qualifier: String
    }

    public private(set) var activities: [String] = []
    public private(set) var objectTypes: [String] = []
    /// Events in the order the log listed them (the tie-break for equal timestamps).
    public private(set) var events: [Event] = []
    public private(set) var objects: [Object] = []
    public private(set) var relations: [Relation] = []
    /// Event attribute names; `attributeValues[k]` holds attribute k for every event, `nil`
    /// where an event has none.
    public private(set) var attributeNames: [String] = []
    public private(set) var attributeValues: [[String?]] = []

    private var activityIndex: [String: Int32] = [:]
    private var typeIndex: [String: Int32] = [:]
    private var objectIndex: [[String: Int32]] = []
    private var eventIDs: Set<String> = []

    public init() {}

    /// Adds an event and returns its index. Attributes not yet seen become new columns.
    @discardableResult
    public mutating func addEvent(id: String, activity: String, time: Int64, attributes: [String: String] = [:]) throws(EventLogError) -> Int32 {
        guard !id.isEmpty else { throw .invalid("an event has an empty id") }
        guard eventIDs.insert(id).inserted else { throw .invalid("event id \(id) appears twice") }
        let index = Int32(events.count)
        events.append(Event(id: id, activity: intern(activity: activity), time: time))
        for k in attributeValues.indices { attributeValues[k].append(nil) }
        for (name, value) in attributes { setAttribute(attributeColumn(name), of: index, to: value) }
        return index
    }

    /// The column of an event attribute, added (empty for earlier events) on first use.
    public mutating func attributeColumn(_ name: String) -> Int {
        if let k = attributeNames.firstIndex(of: name) { return k }
        attributeNames.append(name)
        attributeValues.append(Array(repeating: nil, count: events.count))
        return attributeNames.count - 1
    }

    public mutating func setAttribute(_ column: Int, of event: Int32, to value: String) {
        attributeValues[column][Int(event)] = value
    }

    /// One attribute of one event, by name.
    public func attribute(_ name: String, of event: Int) -> String? {
        attributeNames.firstIndex(of: name).flatMap { attributeValues[$0][event] }
    }

    /// The index of the object with this id and type, added on first sight.
    @discardableResult
    public mutating func object(id: String, type: String) -> Int32 {
        let t = intern(type: type)
        if let existing = objectIndex[Int(t)][id] { return existing }
        let index = Int32(objects.count)
        objects.append(Object(id: id, type: t))
        objectIndex[Int(t)][id] = index
        return index
    }

    /// Records that an event touched an object; a repeated pair is kept once.
    public mutating func relate(event: Int32, object: Int32, qualifier: String = "") {
        if let last = relations.last, last.event == event, last.object == object { return }
        relations.append(Relation(event: event, object: object, qualifier: qualifier))
    }

    public func typeIndex(named name: String) -> Int32? { typeIndex[name] }

    /// Declares an object type before any object of it is seen (a log may name empty types).
    @discardableResult
    public mutating func declare(type: String) -> Int32 { intern(type: type) }

    /// Event indices in time order, equal times in the log's own order.
    public func eventsInTimeOrder() -> [Int32] {
        var order = (0..<Int32(events.count)).map { $0 }
        if events.indices.dropFirst().contains(where: { events[$0 - 1].time > events[$0].time }) {
            order.sort { a, b in
                let ta = events[Int(a)].time, tb = events[Int(b)].time
                return ta != tb ? ta < tb : a < b
            }
        }
        return order
    }

    private mutating func intern(activity: String) -> Int32 { Self.intern(activity, &activities, &activityIndex) }

    private mutating func intern(type: String) -> Int32 {
        let index = Self.intern(type, &objectTypes, &typeIndex)
        if objectIndex.count == objectTypes.count - 1 { objectIndex.append([:]) }
        return index
    }

    /// The index of `name` in `names`, appended on first sight.
    private static func intern(_ name: String, _ names: inout [String], _ index: inout [String: Int32]) -> Int32 {
        if let i = index[name] { return i }
        let i = Int32(names.count)
        names.append(name)
        index[name] = i
        return i
    }
}

/// Why a log could not be read or analysed; the message names the place and the problem.
public enum EventLogError: Error, Equatable, CustomStringConvertible {
    case invalid(String)

    public var description: String {
        switch self {
        case .invalid(let message): message
        }
    }
}
