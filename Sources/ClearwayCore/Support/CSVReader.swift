/// RFC 4180 comma-separated values read from bytes: quoted fields with `""` escapes and line
/// breaks inside quotes, LF or CRLF row ends, a UTF-8 byte-order mark skipped. Each row comes
/// with the line it starts on, so a caller's error can point at it.
///
/// `advance()` reads a row into reused buffers (`field(_:)` gives a field's bytes, `string(_:)`
/// makes a `String` only when asked), so large files are read without an allocation per
/// field; `next()` gives whole rows of strings for convenience.
public struct CSVReader: Sequence, IteratorProtocol {
    public struct Row: Sendable {
        public var line: Int
        public var fields: [String]
    }

    public enum Failure: Error, Equatable, CustomStringConvertible {
        case unterminatedQuote(line: Int)
        case textAfterQuote(line: Int)

        public var description: String {
            switch self {
            case .unterminatedQuote(let line): "line \(line): a quoted field is never closed"
            case .textAfterQuote(let line): "line \(line): text follows a closing quote inside a field"
            }
        }
    }

    private let bytes: [UInt8]
    private var position: Int
    private var nextLine = 1
    /// Set when the text is malformed; reading stops there.
    public private(set) var failure: Failure?
    /// The line the current row starts on.
    public private(set) var line = 0
    /// The current row's field contents, unescaped, back to back; `bounds` cut it into fields.
    public private(set) var buffer: [UInt8] = []
    public private(set) var bounds: [Range<Int>] = []

    public init(bytes: [UInt8]) {
        self.bytes = bytes
        position = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
    }

    public var fieldCount: Int { bounds.count }
    public func field(_ index: Int) -> ArraySlice<UInt8> { buffer[bounds[index]] }
    public func string(_ index: Int) -> String { String(decoding: buffer[bounds[index]], as: UTF8.self) }

    public mutating func next() -> Row? {
        guard advance() else { return nil }
        return Row(line: line, fields: (0..<bounds.count).map(string))
    }

    /// Reads the next row into `buffer` and `bounds`; false at the end or on malformed text.
    public mutating func advance() -> Bool {
        guard failure == nil, position < bytes.count else { return false }
        line = nextLine
        buffer.removeAll(keepingCapacity: true)
        bounds.removeAll(keepingCapacity: true)
        var fieldStart = 0
        var quoted = false
        let count = bytes.count
        return bytes.withUnsafeBufferPointer { b in
            while true {
                if position >= count {
                    if quoted { failure = .unterminatedQuote(line: line); return false }
                    bounds.append(fieldStart..<buffer.count)
                    return true
                }
                let c = b[position]
                position += 1
                if quoted {
                    if c == 0x22 {
                        if position < count, b[position] == 0x22 {
                            buffer.append(0x22)
                            position += 1
                        } else {
                            quoted = false
                            if position < count, b[position] != 0x2C, b[position] != 0x0A, b[position] != 0x0D {
                                failure = .textAfterQuote(line: nextLine)
                                return false
                            }
                        }
                    } else {
                        if c == 0x0A { nextLine += 1 }
                        buffer.append(c)
                    }
                    continue
                }
                switch c {
                case 0x2C:
                    bounds.append(fieldStart..<buffer.count)
                    fieldStart = buffer.count
                case 0x22 where buffer.count == fieldStart:
                    quoted = true
                case 0x0D, 0x0A:
                    if c == 0x0D, position < count, b[position] == 0x0A { position += 1 }
                    nextLine += 1
                    bounds.append(fieldStart..<buffer.count)
                    return true
                default:
                    buffer.append(c)
                }
            }
        }
    }
}
