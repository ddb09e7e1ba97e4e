/// JSON written by hand, for the few documents stored so often that Codable's cost shows
/// (an order's document is written for every order event). Fields are written in the
/// order given: give them sorted to match the store's `sortedKeys` documents. Strings and
/// numbers are written exactly as Foundation's `JSONEncoder` writes them (`/` escaped,
/// `\b` and `\f` short, other control characters as `\u00xx`; a number in its shortest
/// form without a trailing `.0`), so a hand-written document equals the Codable one.
public struct JSONBytes {
    public private(set) var bytes: [UInt8] = []
    private var first = true

    public init(capacity: Int = 512) { bytes.reserveCapacity(capacity) }

    public var text: String { String(decoding: bytes, as: UTF8.self) }

    public mutating func beginObject(_ key: String? = nil) { open(key, UInt8(ascii: "{")) }
    public mutating func endObject() { close(UInt8(ascii: "}")) }
    public mutating func beginArray(_ key: String) { open(key, UInt8(ascii: "[")) }
    public mutating func endArray() { close(UInt8(ascii: "]")) }

    /// A text field; nothing when `value` is nil (as `encodeIfPresent` leaves it out).
    public mutating func field(_ key: String, _ value: String?) {
        guard let value else { return }
        name(key)
        string(value)
    }

    public mutating func field(_ key: String, _ value: Bool) {
        name(key)
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    public mutating func field(_ key: String, _ value: Int) {
        name(key)
        bytes.append(contentsOf: String(value).utf8)
    }

    /// A number; not-a-number and infinity have no JSON form and are refused.
    public mutating func field(_ key: String, _ value: Double) throws {
        guard value.isFinite else {
            throw EncodingError.invalidValue(value, .init(codingPath: [], debugDescription: "\(key) is \(value), which JSON cannot hold"))
        }
        name(key)
        let text = value.description
        bytes.append(contentsOf: text.hasSuffix(".0") ? text.utf8.dropLast(2) : text.utf8[...])
    }

    private mutating func open(_ key: String?, _ bracket: UInt8) {
        if let key { name(key) } else { separate() }
        bytes.append(bracket)
        first = true
    }

    private mutating func close(_ bracket: UInt8) {
        bytes.append(bracket)
        first = false
    }

    private mutating func name(_ key: String) {
        separate()
        string(key)
        bytes.append(UInt8(ascii: ":"))
    }

    private mutating func string(_ s: String) {
        JSONWriter.string(s, into: &bytes, foundationStyle: true)
    }

    private mutating func separate() {
        if !first { bytes.append(UInt8(ascii: ",")) }
        first = false
    }
}
