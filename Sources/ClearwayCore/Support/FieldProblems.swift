/// One field that failed validation, named by its JSON Pointer (RFC 6901) so a client can
/// find it in what it sent.
public struct FieldProblem: Sendable, Hashable, Codable {
    public var pointer: String
    public var detail: String

    public init(pointer: String, detail: String) {
        self.pointer = pointer
        self.detail = detail
    }
}

/// Thrown when input is well-formed JSON but breaks the contract; lists every bad field,
/// not just the first, so a partner fixes a message in one round trip.
public struct ValidationFailure: Error, Sendable, Equatable {
    public var problems: [FieldProblem]
    public init(_ problems: [FieldProblem]) { self.problems = problems }
}

/// Reads a JSON object field by field, collecting a problem for each missing or mistyped
/// field instead of stopping at the first.
public struct FieldReader {
    public let pointer: String
    private let fields: [String: JSONValue]
    private let sink: ProblemSink

    public init(_ value: JSONValue?, at pointer: String = "", problems: ProblemSink) {
        self.pointer = pointer
        self.sink = problems
        if case .object(let f)? = value {
            fields = f
        } else {
            fields = [:]
            if let value {
                problems.add(pointer.isEmpty ? "/" : pointer, "must be an object, found \(value.kindName)")
            } else {
                problems.add(pointer.isEmpty ? "/" : pointer, "is required")
            }
        }
    }

    func path(_ key: String) -> String { "\(pointer)/\(key)" }

    public func has(_ key: String) -> Bool {
        if let v = fields[key], v != .null { return true }
        return false
    }

    public func raw(_ key: String) -> JSONValue? { fields[key] }

    /// Number of elements when the field is an array, else nil.
    public func arrayCount(_ key: String) -> Int? {
        if case .array(let items)? = fields[key] { return items.count }
        return nil
    }

    public func string(_ key: String, required: Bool = true, nonEmpty: Bool = true) -> String? {
        guard let v = fields[key], v != .null else {
            if required { sink.add(path(key), "is required") }
            return nil
        }
        guard case .string(let s) = v else {
            sink.add(path(key), "must be a string, found \(v.kindName)")
            return nil
        }
        // Blank: every scalar is a tab or a space separator (what `.whitespaces` holds);
        // the check stops at the first scalar that is not.
        if nonEmpty && s.unicodeScalars.allSatisfy({ $0 == "\t" || $0.properties.generalCategory == .spaceSeparator }) {
            sink.add(path(key), "must not be empty")
            return nil
        }
        return s
    }

    public func number(_ key: String, required: Bool = true, min: Double? = nil, max: Double? = nil) -> Double? {
        guard let v = fields[key], v != .null else {
            if required { sink.add(path(key), "is required") }
            return nil
        }
        guard case .number(let n) = v, n.isFinite else {
            sink.add(path(key), "must be a number, found \(v.kindName)")
            return nil
        }
        if let min, n < min { sink.add(path(key), "must be at least \(Self.format(min)), found \(Self.format(n))"); return nil }
        if let max, n > max { sink.add(path(key), "must be at most \(Self.format(max)), found \(Self.format(n))"); return nil }
        return n
    }

    public func money(_ key: String, required: Bool = true) -> Money? {
        number(key, required: required, min: 0).map(Money.init(_:))
    }

    public func bool(_ key: String, required: Bool = true) -> Bool? {
        guard let v = fields[key], v != .null else {
            if required { sink.add(path(key), "is required") }
            return nil
        }
        guard case .bool(let b) = v else {
            sink.add(path(key), "must be true or false, found \(v.kindName)")
            return nil
        }
        return b
    }

    public func oneOf<T: RawRepresentable & CaseIterable>(_ key: String, _ type: T.Type, required: Bool = true) -> T? where T.RawValue == String {
        guard let s = string(key, required: required) else { return nil }
        if let value = T(rawValue: s) { return value }
        let allowed = T.allCases.map(\.rawValue).joined(separator: ", ")
        sink.add(path(key), "must be one of \(allowed), found \"\(s)\"")
        return nil
    }

    public func date(_ key: String, required: Bool = true) -> LocalDate? {
        guard let s = string(key, required: required) else { return nil }
        if let d = LocalDate(s) { return d }
        sink.add(path(key), "must be a date as YYYY-MM-DD, found \"\(s)\"")
        return nil
    }

    public func timestamp(_ key: String, required: Bool = true) -> Instant? {
        guard let s = string(key, required: required) else { return nil }
        if let t = Instant(iso8601: s) { return t }
        sink.add(path(key), "must be an RFC 3339 timestamp, found \"\(s)\"")
        return nil
    }

    public func object(_ key: String, required: Bool = true) -> FieldReader? {
        guard let v = fields[key], v != .null else {
            if required { sink.add(path(key), "is required") }
            return nil
        }
        return FieldReader(v, at: path(key), problems: sink)
    }

    /// Visits each element of an array of objects; `minCount` names the smallest valid size.
    public func objects(_ key: String, required: Bool = true, minCount: Int = 0) -> [FieldReader] {
        guard let v = fields[key], v != .null else {
            if required { sink.add(path(key), "is required") }
            return []
        }
        guard case .array(let items) = v else {
            sink.add(path(key), "must be an array, found \(v.kindName)")
            return []
        }
        if items.count < minCount { sink.add(path(key), "must have at least \(minCount) item(s)") }
        return items.enumerated().map { FieldReader($1, at: "\(path(key))/\($0)", problems: sink) }
    }

    public func strings(_ key: String, required: Bool = false) -> [String] {
        guard let v = fields[key], v != .null else {
            if required { sink.add(path(key), "is required") }
            return []
        }
        guard case .array(let items) = v else {
            sink.add(path(key), "must be an array of strings, found \(v.kindName)")
            return []
        }
        var result: [String] = []
        for (i, item) in items.enumerated() {
            if case .string(let s) = item { result.append(s) } else { sink.add("\(path(key))/\(i)", "must be a string, found \(item.kindName)") }
        }
        return result
    }

    public func fail(_ key: String, _ detail: String) { sink.add(path(key), detail) }

    static func format(_ n: Double) -> String {
        n == n.rounded() && abs(n) < 1e15 ? String(Int64(n)) : String(n)
    }
}

/// Collects problems while a `FieldReader` tree walks a document.
public final class ProblemSink {
    public private(set) var problems: [FieldProblem] = []
    public init() {}
    public func add(_ pointer: String, _ detail: String) { problems.append(FieldProblem(pointer: pointer, detail: detail)) }
    public func check() throws(ValidationFailure) {
        if !problems.isEmpty { throw ValidationFailure(problems) }
    }
}
