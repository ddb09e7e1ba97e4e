/// RFC 4180 comma-separated values read from bytes: quoted fields with `""` escapes and line
/// breaks inside quotes, LF or CRLF row ends, a UTF-8 byte-order mark skipped. Each row comes
/// with the line it starts on, so a caller's error can point at it.
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
    private var line = 1
    /// Set when the text is malformed; iteration stops there.
    public private(set) var failure: Failure?

    public init(bytes: [UInt8]) {
        self.bytes = bytes
        position = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
    }

    public mutating func next() -> Row? {
        guard failure == nil, position < bytes.count else { return nil }
        let startLine = line
        var fields: [String] = []
        var field: [UInt8] = []
        var quoted = false
        while true {
            if position >= bytes.count {
                if quoted { failure = .unterminatedQuote(line: startLine); return nil }
                fields.append(String(decoding: field, as: UTF8.self))
                return Row(line: startLine, fields: fields)
            }
            let b = bytes[position]
            position += 1
            if quoted {
                if b == 0x22 {
                    if position < bytes.count, bytes[position] == 0x22 {
                        field.append(0x22)
                        position += 1
                    } else {
                        quoted = false
                        if position < bytes.count, ![0x2C, 0x0A, 0x0D].contains(bytes[position]) {
                            failure = .textAfterQuote(line: line)
                            return nil
                        }
                    }
                } else {
                    if b == 0x0A { line += 1 }
                    field.append(b)
                }
                continue
            }
            switch b {
            case 0x2C:
                fields.append(String(decoding: field, as: UTF8.self))
                field.removeAll(keepingCapacity: true)
            case 0x22 where field.isEmpty:
                quoted = true
            case 0x0D, 0x0A:
                if b == 0x0D, position < bytes.count, bytes[position] == 0x0A { position += 1 }
                line += 1
                fields.append(String(decoding: field, as: UTF8.self))
                return Row(line: startLine, fields: fields)
            default:
                field.append(b)
            }
        }
    }
}
