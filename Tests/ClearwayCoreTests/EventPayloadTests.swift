import ClearwayCore
import Foundation
import Testing

@Suite("Event payload validation")
struct EventPayloadTests {
    let context = EventPayloads.Context(source: "erp-legacy", time: Instant(millis: 0),
                                        policy: Policy(version: "t", global: SitePolicy(calendar: .alwaysOpen, rules: [:], priority: PriorityWeights(), detection: DetectionSettings()),
                                                       statusMaps: ["erp-legacy": ["10": .open]]))

    func read(_ type: EventType, _ json: String) throws -> (CanonicalEvent?, [FieldProblem]) {
        let sink = ProblemSink()
        let value = try #require(JSONValue.parse(Data(json.utf8)))
        let event = try EventPayloads.read(type, FieldReader(value, at: "/data", problems: sink), context)
        return (event, sink.problems)
    }

    @Test("every bad field of an order is named at once, by JSON Pointer")
    func everyBadField() throws {
        let (event, problems) = try read(.orderCreated, """
            {"orderId": "", "customerId": 7, "site": "DC-CHI", "channel": "fax", "orderDate": "2026-13-01",
             "requestedShipDate": "2026-11-24", "lines": [{"lineNumber": 1, "sku": "A", "quantity": 0, "unitOfMeasure": "EA"}]}
            """)
        #expect(event == nil)
        let pointers = Set(problems.map(\.pointer))
        #expect(pointers == ["/data/orderId", "/data/customerId", "/data/channel", "/data/orderDate", "/data/lines/0/quantity", "/data/lines/0/unitPrice"])
        #expect(problems.first { $0.pointer == "/data/channel" }?.detail.contains("edi") == true)
    }

    @Test("a required text of spaces, tabs or no-break spaces is refused as empty; text with a letter in it is kept as sent")
    func blankTextIsEmpty() throws {
        for blank in ["   ", "\\t \\t", "\u{00A0}\u{2003}"] {
            let sink = ProblemSink()
            let value = try #require(JSONValue.parse(Data(#"{"id": "\#(blank)"}"#.utf8)))
            #expect(FieldReader(value, at: "/data", problems: sink).string("id") == nil)
            #expect(sink.problems.map(\.detail) == ["must not be empty"], "\(blank.unicodeScalars.map(\.value))")
        }
        let sink = ProblemSink()
        let value = try #require(JSONValue.parse(Data(#"{"id": " SO-1 "}"#.utf8)))
        #expect(FieldReader(value, at: "/data", problems: sink).string("id") == " SO-1 ")
        #expect(sink.problems.isEmpty)
    }

    @Test("a source's status code is mapped through the policy; an unmapped code is unprocessable, not invalid")
    func statusMapping() throws {
        let order = """
            {"orderId": "SO-1", "customerId": "C", "site": "S", "channel": "edi", "status": "%@", "orderDate": "2026-11-22",
             "requestedShipDate": "2026-11-24", "lines": [{"lineNumber": 1, "sku": "A", "quantity": 1, "unitOfMeasure": "EA", "unitPrice": 2}]}
            """
        let (mapped, _) = try read(.orderCreated, order.replacingOccurrences(of: "%@", with: "10"))
        guard case .order(let o)? = mapped else { Issue.record("expected an order"); return }
        #expect(o.status == .open && o.sourceStatus == "10")
        #expect(throws: UnprocessableEvent.self) { _ = try read(.orderCreated, order.replacingOccurrences(of: "%@", with: "55")) }
    }

    @Test("repeated line numbers are refused")
    func repeatedLines() throws {
        let (_, problems) = try read(.orderCreated, """
            {"orderId": "SO-1", "customerId": "C", "site": "S", "channel": "edi", "orderDate": "2026-11-22", "requestedShipDate": "2026-11-24",
             "lines": [{"lineNumber": 1, "sku": "A", "quantity": 1, "unitOfMeasure": "EA", "unitPrice": 2},
                       {"lineNumber": 1, "sku": "B", "quantity": 1, "unitOfMeasure": "EA", "unitPrice": 2}]}
            """)
        #expect(problems == [FieldProblem(pointer: "/data/lines/1/lineNumber", detail: "repeats line number 1")])
    }

    @Test("money keeps ten-thousandths exactly")
    func money() {
        #expect(Money(10.40).tenThousandths == 104_000)
        #expect(Money(11.95) - Money(10.40) == Money(1.55))
        #expect(Money(10.4025).description == "10.4025")
        #expect(Money(3).description == "3.00")
    }

    @Test("dates: validation, arithmetic and weekdays")
    func dates() {
        #expect(LocalDate("2026-02-29") == nil)
        #expect(LocalDate("2028-02-29") != nil)
        #expect(LocalDate("2026-11-22")!.weekday == 6)
        #expect(LocalDate("2026-12-31")!.adding(days: 1) == LocalDate("2027-01-01"))
    }
}
