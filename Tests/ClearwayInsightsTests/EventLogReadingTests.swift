import ClearwayCore
@testable import ClearwayInsights
import Foundation
import Testing

@Suite("Reading event logs")
struct EventLogReadingTests {
    @Test("timestamps in the forms logs write them parse to the same instant")
    func timestampForms() throws {
        let utc = try #require(LogTimestamp.milliseconds("2019-05-20T07:07:47Z"))
        #expect(LogTimestamp.milliseconds("2019-05-20 07:07:47.000Z") == utc)
        #expect(LogTimestamp.milliseconds("2019-05-20T09:07:47+02:00") == utc)
        #expect(LogTimestamp.milliseconds("2019-05-20 07:07:47") == utc)
        #expect(LogTimestamp.milliseconds("2019-05-20T07:07:47.25Z") == utc + 250)
        #expect(utc == 1_558_336_067_000)
        #expect(LogTimestamp.iso8601(milliseconds: utc + 5) == "2019-05-20T07:07:47.005Z")
        #expect(LogTimestamp.milliseconds("2024-02-29") != nil)
        for bad in ["2023-02-29", "2019-13-01", "20190520", "2019-05-20T25:00:00Z", "yesterday", "2019-05-20T07:07:47Zjunk"] {
            #expect(LogTimestamp.milliseconds(bad) == nil, "\(bad) should be refused")
        }
    }

    @Test("CSV fields keep quoted commas, doubled quotes and line breaks; an open quote is reported with its line")
    func csvQuoting() {
        var reader = CSVReader(bytes: Array("a,\"b,c\",\"say \"\"hi\"\"\"\r\nx,\"two\nlines\",z\n".utf8))
        #expect(reader.next()?.fields == ["a", "b,c", "say \"hi\""])
        let second = reader.next()
        #expect(second?.fields == ["x", "two\nlines", "z"])
        #expect(second?.line == 2)
        #expect(reader.next() == nil)
        var broken = CSVReader(bytes: Array("a,b\nc,\"never closed\n".utf8))
        _ = broken.next()
        #expect(broken.next() == nil)
        #expect(broken.failure == .unterminatedQuote(line: 2))
    }

    @Test("an OCEL CSV names its objects per type column; a missing column or bad time names the problem")
    func ocelCSV() throws {
        let log = try OCELCSVReader.read(Array(Self.sampleCSV.utf8))
        #expect(log.events.count == 5)
        #expect(log.objectTypes.sorted() == ["items", "orders"])
        #expect(log.objects.filter { log.objectTypes[Int($0.type)] == "items" }.count == 3)
        #expect(log.attribute("price", of: 0) == "10.5")

        #expect(throws: EventLogError.invalid("the header has no ocel:timestamp column (found: ocel:eid, ocel:activity, ocel:type:orders)")) {
            try OCELCSVReader.read(Array("ocel:eid,ocel:activity,ocel:type:orders\n1,a,['o1']\n".utf8))
        }
        #expect(throws: EventLogError.invalid("line 3: ocel:timestamp 'soon' is not an ISO 8601 time")) {
            try OCELCSVReader.read(Array("ocel:eid,ocel:activity,ocel:timestamp,ocel:type:orders\n1,a,2020-01-01,['o1']\n2,b,soon,['o1']\n".utf8))
        }
        #expect(throws: EventLogError.invalid("line 2: ocel:type:orders '['o1'' is not a list of object ids")) {
            try OCELCSVReader.read(Array("ocel:eid,ocel:activity,ocel:timestamp,ocel:type:orders\n1,a,2020-01-01,\"['o1'\"\n".utf8))
        }
        #expect(throws: EventLogError.invalid("line 3: event id 1 appears twice")) {
            try OCELCSVReader.read(Array("ocel:eid,ocel:activity,ocel:timestamp,ocel:type:orders\n1,a,2020-01-01,['o1']\n1,b,2020-01-02,['o1']\n".utf8))
        }
    }

    @Test("OCEL 2.0 JSON written by Clearway reads back to the same process")
    func jsonRoundTrip() throws {
        let log = try OCELCSVReader.read(Array(Self.sampleCSV.utf8))
        let data = try OCELJSON.write(log)
        let back = try OCELJSON.read(data)
        #expect(back.events.count == log.events.count)
        #expect(back.attribute("price", of: 0) == "10.5")
        for type in ["orders", "items"] {
            let before = ProcessMap(try log.flattened(on: type)), after = ProcessMap(try back.flattened(on: type))
            #expect(before.edges == after.edges)
            #expect(before.variants == after.variants)
            #expect(before.caseDurations == after.caseDurations)
        }
        #expect(throws: EventLogError.invalid("OCEL JSON: events[0].time is missing")) {
            try OCELJSON.read(Data(#"{"objectTypes":[],"eventTypes":[],"objects":[],"events":[{"id":"e1","type":"a"}]}"#.utf8))
        }
        #expect(throws: EventLogError.invalid("OCEL JSON: events[0] relates to object o9, which is not among the objects")) {
            try OCELJSON.read(Data(#"{"objectTypes":[],"eventTypes":[],"objects":[],"events":[{"id":"e1","type":"a","time":"2020-01-01T00:00:00Z","relationships":[{"objectId":"o9","qualifier":""}]}]}"#.utf8))
        }
    }

    /// Two orders and three items; event 4 and 5 share a timestamp, listed 5 before 4 in time
    /// order by the file (5 is earlier in the file? no: 4 is), so the file order breaks the tie.
    static let sampleCSV = """
    ocel:eid,ocel:activity,ocel:timestamp,ocel:type:orders,ocel:type:items,price
    1,place order,2020-01-01 08:00:00.000Z,['o1'],"['i1','i2']",10.5
    2,place order,2020-01-01 09:00:00.000Z,['o2'],['i3'],
    3,pick item,2020-01-01 10:00:00.000Z, ,"['i1', 'i3']",
    4,confirm order,2020-01-01 12:00:00.000Z,"['o1','o2']", ,
    5,pay order,2020-01-01 12:00:00.000Z,['o1'], ,
    """
}
