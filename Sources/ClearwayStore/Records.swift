import ClearwayCore
import Foundation

/// The text an entity is stored as, for callers that write it before the transaction.
public enum StoredDocument {
    public static func order(_ order: Order) throws -> String { try JSONText.encode(order) }
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
