import Foundation

/// OCEL 2.0 in its JSON form (ocel-standard.org): object and event types, objects, and events
/// with their relationships to objects. Read into an `ObjectCentricLog`, and written from one.
public enum OCELJSON {
    struct Document: Codable {
        var objectTypes: [TypeDeclaration]
        var eventTypes: [TypeDeclaration]
        var objects: [Object]
        var events: [Event]
    }

    struct TypeDeclaration: Codable {
        var name: String
        var attributes: [AttributeDeclaration]
    }

    struct AttributeDeclaration: Codable {
        var name: String
        var type: String
    }

    struct Object: Codable {
        var id: String
        var type: String
        var attributes: [TimedAttribute]?
        var relationships: [Relationship]?
    }

    struct Event: Codable {
        var id: String
        var type: String
        var time: String
        var attributes: [Attribute]?
        var relationships: [Relationship]?
    }

    struct Attribute: Codable {
        var name: String
        var value: Scalar
    }

    struct TimedAttribute: Codable {
        var name: String
        var time: String
        var value: Scalar
    }

    struct Relationship: Codable {
        var objectId: String
        var qualifier: String
    }

    /// An attribute value: OCEL allows strings, numbers and booleans.
    struct Scalar: Codable {
        var text: String

        init(_ text: String) { self.text = text }

        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let s = try? c.decode(String.self) { text = s } else if let i = try? c.decode(Int64.self) { text = String(i) } else if let d = try? c.decode(Double.self) { text = String(d) } else if let b = try? c.decode(Bool.self) { text = String(b) } else { text = "" }
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.singleValueContainer()
            try c.encode(text)
        }
    }

    public static func read(_ data: Data) throws(EventLogError) -> ObjectCentricLog {
        let document: Document
        do {
            document = try JSONDecoder().decode(Document.self, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            throw .invalid("OCEL JSON: \(path(context.codingPath + [key])) is missing")
        } catch let DecodingError.typeMismatch(_, context) {
            throw .invalid("OCEL JSON: \(path(context.codingPath)) has the wrong type")
        } catch let DecodingError.valueNotFound(_, context) {
            throw .invalid("OCEL JSON: \(path(context.codingPath)) is null")
        } catch {
            throw .invalid("OCEL JSON: the file is not valid JSON")
        }
        var log = ObjectCentricLog()
        var typeOf: [String: String] = [:]
        for type in document.objectTypes { log.declare(type: type.name) }
        for object in document.objects {
            typeOf[object.id] = object.type
            log.object(id: object.id, type: object.type)
        }
        for (n, event) in document.events.enumerated() {
            guard let time = LogTimestamp.milliseconds(event.time) else {
                throw .invalid("OCEL JSON: events[\(n)].time '\(event.time.prefix(40))' is not an ISO 8601 time")
            }
            let attributes = Dictionary((event.attributes ?? []).map { ($0.name, $0.value.text) }, uniquingKeysWith: { a, _ in a })
            let index: Int32
            do { index = try log.addEvent(id: event.id, activity: event.type, time: time, attributes: attributes) } catch { throw .invalid("OCEL JSON: events[\(n)]: \(error)") }
            for r in event.relationships ?? [] {
                guard let type = typeOf[r.objectId] else {
                    throw .invalid("OCEL JSON: events[\(n)] relates to object \(r.objectId), which is not among the objects")
                }
                log.relate(event: index, object: log.object(id: r.objectId, type: type), qualifier: r.qualifier)
            }
        }
        return log
    }

    public static func write(_ log: ObjectCentricLog) throws -> Data {
        var related = [[Relationship]](repeating: [], count: log.events.count)
        for r in log.relations { related[Int(r.event)].append(Relationship(objectId: log.objects[Int(r.object)].id, qualifier: r.qualifier)) }
        let columns = log.attributeNames.indices.sorted { log.attributeNames[$0] < log.attributeNames[$1] }
        var attributesOf: [Int32: Set<Int>] = [:]
        for (i, e) in log.events.enumerated() {
            for k in columns where log.attributeValues[k][i] != nil { attributesOf[e.activity, default: []].insert(k) }
        }
        let document = Document(
            objectTypes: log.objectTypes.map { TypeDeclaration(name: $0, attributes: []) },
            eventTypes: log.activities.indices.map { a in
                TypeDeclaration(name: log.activities[a], attributes: (attributesOf[Int32(a)] ?? []).map { log.attributeNames[$0] }.sorted().map { AttributeDeclaration(name: $0, type: "string") })
            },
            objects: log.objects.map { Object(id: $0.id, type: log.objectTypes[Int($0.type)], attributes: [], relationships: []) },
            events: log.events.enumerated().map { i, e in
                Event(id: e.id, type: log.activities[Int(e.activity)], time: LogTimestamp.iso8601(milliseconds: e.time),
                      attributes: columns.compactMap { k in log.attributeValues[k][i].map { Attribute(name: log.attributeNames[k], value: Scalar($0)) } },
                      relationships: related[i])
            })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(document)
    }

    static func path(_ keys: [any CodingKey]) -> String {
        var text = ""
        for key in keys {
            if let index = key.intValue { text += "[\(index)]" } else { text += (text.isEmpty ? "" : ".") + key.stringValue }
        }
        return text
    }
}
