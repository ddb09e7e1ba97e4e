import ClearwayCore
@testable import ClearwayInsights
import Foundation
import Testing

@Suite("Process mining")
struct ProcessMiningTests {
    @Test("flattening on a type gives one case per object, events in time order, ties in the log's order")
    func flattening() throws {
        let log = try OCELCSVReader.read(Array(EventLogReadingTests.sampleCSV.utf8))
        let orders = try log.flattened(on: "orders")
        #expect(orders.caseIDs == ["o1", "o2"])
        let trace = orders.events(ofCase: 0).map { orders.activities[Int(orders.activity[$0])] }
        #expect(trace == ["place order", "confirm order", "pay order"])
        let items = try log.flattened(on: "items")
        #expect(items.caseIDs.sorted() == ["i1", "i2", "i3"])
        #expect(throws: EventLogError.invalid("the log has no objects of type 'packages' (it has objects of type: orders, items)")) {
            try log.flattened(on: "packages")
        }
    }

    @Test("the directly-follows graph counts each adjacent pair, with numpy's median transition time")
    func directlyFollows() throws {
        let log = try OCELCSVReader.read(Array(EventLogReadingTests.sampleCSV.utf8))
        let map = ProcessMap(try log.flattened(on: "orders"))
        #expect(map.edges.map { "\($0.from)>\($0.to)=\($0.count)" } == [
            "place order>confirm order=2", "confirm order>pay order=1",
        ])
        // o1 waits 4 h, o2 waits 3 h: the median of two is their mean.
        #expect(map.edges[0].medianSeconds == 3.5 * 3600)
        #expect(map.edges[1].medianSeconds == 0)
        #expect(map.variants == [
            .init(variant: ["place order", "confirm order"], count: 1),
            .init(variant: ["place order", "confirm order", "pay order"], count: 1),
        ])
        #expect(map.caseDurations == [4 * 3600, 3 * 3600])
        #expect(map.startActivities == ["place order": 2])
        #expect(map.endActivities == ["pay order": 1, "confirm order": 1])
    }

    @Test("an activity repeated within a case counts once per case as rework")
    func rework() {
        var flat = FlatLog(activities: ["open", "assign", "resolve"])
        flat.appendCase(id: "a", events: [(0, 0), (1, 1), (1, 2), (1, 3), (2, 4)])
        flat.appendCase(id: "b", events: [(0, 0), (1, 1), (2, 2)])
        flat.appendCase(id: "c", events: [(0, 0), (1, 1), (2, 2), (1, 3), (2, 4)])
        let map = ProcessMap(flat)
        #expect(map.rework == ["assign": 2, "resolve": 1])
        #expect(map.edges.first { $0.from == "assign" && $0.to == "assign" }?.count == 2)
        #expect(map.variants.map(\.count) == [1, 1, 1])
    }
}
