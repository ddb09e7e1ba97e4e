import ClearwayCore
import Foundation

/// The text an entity is stored as, for callers that write it before the transaction.
public enum StoredDocument {
    /// The order as `JSONText.encode` writes it (sorted keys, absent optionals left out),
    /// written by hand: it is stored for every order event, and Codable was 5% of a node's
    /// CPU under load.
    public static func order(_ order: Order) throws -> String {
        var json = JSONBytes(capacity: 160 + 96 * order.lines.count)
        json.beginObject()
        json.field("carrier", order.carrier)
        json.field("channel", order.channel.rawValue)
        json.field("currency", order.currency)
        json.field("customerId", order.customerId)
        json.field("id", order.id)
        json.field("lane", order.lane)
        json.beginArray("lines")
        for line in order.lines {
            json.beginObject()
            json.field("lineNumber", line.lineNumber)
            try json.field("quantity", line.quantity)
            json.field("sku", line.sku)
            json.field("unitOfMeasure", line.unitOfMeasure)
            try json.field("unitPrice", line.unitPrice.doubleValue)
            json.endObject()
        }
        json.endArray()
        json.field("orderDate", order.orderDate.description)
        json.field("promiseDate", order.promiseDate?.description)
        json.field("requestedShipDate", order.requestedShipDate.description)
        json.field("site", order.site)
        json.field("sourceStatus", order.sourceStatus)
        json.field("status", order.status.rawValue)
        json.endObject()
        return json.text
    }
}

/// JSON columns. One encoder and one decoder serve every call: their options never change,
/// and each call keeps its own state.
enum JSONText {
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()
    private static let decoder = JSONDecoder()

    static func encode<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try decoder.decode(type, from: Data(text.utf8))
    }
}
