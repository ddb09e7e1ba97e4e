/// One simulated person on the order desk: who they are, which queues they are skilled for,
/// how much open work they hold at once, and how many exceptions they clear in a working hour.
public struct DeskPerson: Sendable, Hashable {
    public var username: String
    public var displayName: String
    public var queues: [String]
    public var capacity: Double
    public var perHour: Double

    public init(username: String, displayName: String, queues: [String], capacity: Double, perHour: Double) {
        self.username = username; self.displayName = displayName; self.queues = queues; self.capacity = capacity; self.perHour = perHour
    }

    /// The desk of a distributor this size: `count` people, cross-trained so the first four
    /// cover every queue between them; more people add depth where the volume is.
    public static func desk(count: Int) -> [DeskPerson] {
        let everyone: [DeskPerson] = [
            DeskPerson(username: "dana", displayName: "Dana Price", queues: ["pricing", "pricing_escalations", "customer_service"],
                       capacity: 8, perHour: 0.35),
            DeskPerson(username: "lee", displayName: "Lee Stockton", queues: ["inventory", "warehouse", "procurement"], capacity: 8, perHour: 0.35),
            DeskPerson(username: "maria", displayName: "Maria Credito", queues: ["credit", "master_data"], capacity: 6, perHour: 0.3),
            DeskPerson(username: "omar", displayName: "Omar Freight", queues: ["logistics", "customer_service", "procurement"], capacity: 8,
                       perHour: 0.35),
            DeskPerson(username: "kim", displayName: "Kim Allround", queues: ["pricing", "inventory", "customer_service"], capacity: 8, perHour: 0.35),
            DeskPerson(username: "raj", displayName: "Raj Ledger", queues: ["credit", "pricing", "pricing_escalations"], capacity: 8, perHour: 0.35),
            DeskPerson(username: "ines", displayName: "Ines Dock", queues: ["warehouse", "logistics", "master_data"], capacity: 8, perHour: 0.35),
            DeskPerson(username: "tom", displayName: "Tom Buyer", queues: ["procurement", "inventory", "logistics"], capacity: 8, perHour: 0.35),
        ]
        return (0..<max(0, count)).map { i in
            var p = everyone[i % everyone.count]
            if i >= everyone.count { p.username += "\(i / everyone.count + 1)"; p.displayName += " \(i / everyone.count + 1)" }
            return p
        }
    }
}
