import ClearwayCore
import ClearwayEngine
import ClearwayIntegration
import Foundation
import Testing

/// The documented event catalogue (`docs/events`) and the code agree: every type has a
/// schema and an example, the example is accepted, and exactly the fields the schema calls
/// required are refused when missing.
@Suite("Event catalogue in docs/events")
struct EventCatalogueTests {
    static let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs/events")

    func load(_ name: String) throws -> JSONValue {
        try #require(JSONValue.parse(try Data(contentsOf: Self.docs.appendingPathComponent(name))), "\(name) is not JSON")
    }

    func problems(_ event: JSONValue) throws -> [FieldProblem] {
        do {
            _ = try CloudEventCodec.decode(body: event.canonicalData(), mode: .single, policy: try DefaultPolicy.load(), receivedAt: Instant(millis: 0))
            return []
        } catch let rejection as CloudEventCodec.Rejection {
            guard case .invalid(let problems) = rejection else { Issue.record("malformed: \(rejection)"); return [] }
            return problems
        }
    }

    @Test("each event type's example is accepted as it stands", arguments: EventType.allCases)
    func exampleAccepted(_ type: EventType) throws {
        let example = try load("\(type.docName).example.json")
        #expect(example["type"] == .string(type.rawValue))
        #expect(try problems(example).isEmpty)
        let decoded = try CloudEventCodec.decode(body: example.canonicalData(), mode: .single, policy: try DefaultPolicy.load(), receivedAt: Instant(millis: 0))
        #expect(throws: Never.self) { try decoded.first?.payload.get() }
    }

    @Test("removing a field the schema requires is refused by name; removing an optional one is not", arguments: EventType.allCases)
    func requiredFieldsMatch(_ type: EventType) throws {
        let schema = try load("\(type.docName).schema.json")
        let example = try load("\(type.docName).example.json")
        guard case .object(var event) = example, case .object(let data)? = event["data"],
              case .array(let requiredList)? = schema["properties"]?["data"]?["required"] else {
            Issue.record("schema or example of \(type.rawValue) lacks data/required"); return
        }
        let required = Set(requiredList.compactMap(\.stringValue))
        for field in data.keys.sorted() {
            var stripped = data
            stripped.removeValue(forKey: field)
            event["data"] = .object(stripped)
            let found = try problems(.object(event)).map(\.pointer)
            if required.contains(field) {
                #expect(found.contains("/data/\(field)"), "\(type.rawValue): missing \(field) must be named")
            } else {
                #expect(found.isEmpty, "\(type.rawValue): \(field) is optional in the schema but refused: \(found)")
            }
        }
        #expect(required.isSubset(of: Set(data.keys)), "the example of \(type.rawValue) must show every required field")
    }
}
