import ClearwayCore
import Foundation

/// The text an entity is stored as, for callers that write it before the transaction.
public enum StoredDocument {
    public static func order(_ order: Order) throws -> String { try JSONText.encode(order) }
}

enum JSONText {
    static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }
}
