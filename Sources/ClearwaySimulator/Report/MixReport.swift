import ClearwayCore

/// The exception mix Clearway actually detected over a simulated period, read back through
/// the case API and set beside the calibration targets.
public struct MixReport: Sendable {
    public struct Row: Sendable, Hashable {
        public var name: String
        public var orders: Int
        public var share: Double
        public var target: Double
        public var tolerance: Double
        public var withinTolerance: Bool { abs(share - target) <= tolerance + 1e-12 }
    }

    public var ordersCreated: Int
    public var rows: [Row]
    /// Exceptions detected, by taxonomy type.
    public var byType: [String: Int]
    public var openCases: Int
    public var stats: SimulationStats
    /// Share of resolved exceptions closed with no person, as `/v1/insights/kpis` reports it.
    public var touchlessRate = 0.0
    public var touchlessResolved = 0

    public var withinTolerance: Bool { rows.allSatisfy(\.withinTolerance) }

    /// Reads every case Clearway holds and counts, per family, the orders that met at least
    /// one exception of that family (and overall). A family is named by its types' home
    /// queue, whatever queue policy routed an exception to (a customer asking where an
    /// order is goes to logistics, but is still a customer request).
    public static func read(from connection: ClearwayConnection, stats: SimulationStats) async throws -> MixReport {
        var ordersByQueue: [String: Set<String>] = [:]
        var anyException = Set<String>()
        var byType: [String: Int] = [:]
        var openCases = 0
        var offset = 0
        while true {
            let page = try await connection.call("GET", "/v1/cases?limit=500&offset=\(offset)", key: connection.agentKey)
            guard case .array(let items)? = page["items"], !items.isEmpty else { break }
            offset += items.count
            for c in items {
                if let state = c["state"]?.stringValue, state == "open" || state == "in_progress" { openCases += 1 }
                guard case .array(let exceptions)? = c["exceptions"] else { continue }
                let order = c["orderId"]?.stringValue
                for e in exceptions {
                    guard let queue = e["queue"]?.stringValue, let type = e["type"]?.stringValue else { continue }
                    byType[type, default: 0] += 1
                    if let order {
                        ordersByQueue[ExceptionType(rawValue: type)?.defaultQueue ?? queue, default: []].insert(order)
                        anyException.insert(order)
                    }
                }
            }
        }
        let n = max(1, stats.ordersCreated)
        let rows = Calibration.targets.map { t in
            let count = t.name == "orders with an exception" ? anyException.count : ordersByQueue[t.name]?.count ?? 0
            return Row(name: t.name, orders: count, share: Double(count) / Double(n), target: t.share, tolerance: t.tolerance)
        }
        let kpis = try await connection.call("GET", "/v1/insights/kpis", key: connection.agentKey)
        var report = MixReport(ordersCreated: stats.ordersCreated, rows: rows, byType: byType, openCases: openCases, stats: stats)
        if case .number(let rate)? = kpis["touchlessRate"] { report.touchlessRate = rate }
        if case .number(let n)? = kpis["touchlessResolved"] { report.touchlessResolved = Int(n) }
        return report
    }

    /// The report as a table for a terminal.
    public var text: String {
        func pct(_ x: Double) -> String { String(format: "%5.2f%%", x * 100) }
        var out = "Orders created: \(ordersCreated)   events sent: \(stats.eventsSent)   open cases now: \(openCases)\n"
        out += "Resolved by the order desk: \(stats.resolvedByDesk)   fixes made in source systems: \(stats.sourceFixes)\n"
        out += "Price queries put to the customer first (SLA clock paused while waiting): \(stats.customersAsked)\n"
        out += "Orders entered off contract price: \(stats.ordersMispriced)\n"
        out += "Resolved touchless: \(touchlessResolved) (\(pct(touchlessRate)) of resolved exceptions)   actions carried out by the simulated systems: \(stats.actionsPlayed)\n"
        out += "Credit releases asked by the desk: \(stats.actionsAsked)   approved by the simulated credit analyst: \(stats.approvalsGiven)\n\n"
        out += "share of orders            orders   actual   target  ±tol    \n"
        for r in rows {
            out += r.name.padding(toLength: 26, withPad: " ", startingAt: 0)
                + String(repeating: " ", count: max(0, 7 - String(r.orders).count)) + "\(r.orders)  " + pct(r.share) + "  " + pct(r.target)
                + "  " + pct(r.tolerance) + "  " + (r.withinTolerance ? "ok" : "OUT OF TOLERANCE") + "\n"
        }
        out += "\nexceptions by type\n"
        for (type, count) in byType.sorted(by: { $0.value > $1.value }) {
            out += "  " + type.padding(toLength: 36, withPad: " ", startingAt: 0) + "\(count)\n"
        }
        return out
    }
}
