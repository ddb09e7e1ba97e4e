import ClearwayCore

/// A request body's JSON Schema from the contract, checked before the generated decoder
/// runs: types, required fields, string lengths, numeric ranges, enums and array sizes,
/// following `$ref`s into the components. Keywords outside that subset are not checked
/// here (the handlers check what they mean).
struct BodySchema: Sendable {
    let root: JSONValue
    let components: [String: JSONValue]
    /// The operation declares its body required (`requestBody.required`).
    var required = false

    func problems(_ value: JSONValue) -> [FieldProblem] {
        var problems: [FieldProblem] = []
        check(value, root, "", &problems, depth: 0)
        return Array(problems.prefix(50))
    }

    private func resolve(_ schema: JSONValue) -> JSONValue {
        guard let ref = schema["$ref"]?.stringValue, let name = ref.split(separator: "/").last.map(String.init),
              let target = components[name] else { return schema }
        return target
    }

    private func check(_ value: JSONValue, _ raw: JSONValue, _ pointer: String, _ problems: inout [FieldProblem], depth: Int) {
        guard depth < 64, problems.count < 50 else { return }
        let schema = resolve(raw)
        let at = pointer.isEmpty ? "/" : pointer
        let types: [String] = switch schema["type"] {
        case .string(let t)?: [t]
        case .array(let ts)?: ts.compactMap(\.stringValue)
        default: []
        }
        if !types.isEmpty, !types.contains(where: { Self.matches(value, $0) }) {
            problems.append(FieldProblem(pointer: at, detail: "must be \(types.joined(separator: " or ")), found \(value.kindName)"))
            return
        }
        if case .array(let allowed)? = schema["enum"], !allowed.contains(value) {
            problems.append(FieldProblem(pointer: at, detail: "must be one of \(allowed.compactMap(\.stringValue).joined(separator: ", "))"))
        }
        switch value {
        case .string(let s):
            if let min = schema["minLength"]?.numberValue, Double(s.unicodeScalars.count) < min { problems.append(FieldProblem(pointer: at, detail: "must be at least \(Int(min)) characters")) }
            if let max = schema["maxLength"]?.numberValue, Double(s.unicodeScalars.count) > max { problems.append(FieldProblem(pointer: at, detail: "must be at most \(Int(max)) characters")) }
        case .number(let n):
            if let min = schema["minimum"]?.numberValue, n < min { problems.append(FieldProblem(pointer: at, detail: "must be at least \(min)")) }
            if let max = schema["maximum"]?.numberValue, n > max { problems.append(FieldProblem(pointer: at, detail: "must be at most \(max)")) }
        case .array(let items):
            if let min = schema["minItems"]?.numberValue, Double(items.count) < min { problems.append(FieldProblem(pointer: at, detail: "must list at least \(Int(min))")) }
            if let max = schema["maxItems"]?.numberValue, Double(items.count) > max { problems.append(FieldProblem(pointer: at, detail: "must list at most \(Int(max))")) }
            if let itemSchema = schema["items"] {
                for (i, item) in items.enumerated() { check(item, itemSchema, "\(pointer)/\(i)", &problems, depth: depth + 1) }
            }
        case .object(let fields):
            if case .array(let required)? = schema["required"] {
                for name in required.compactMap(\.stringValue) where fields[name] == nil {
                    problems.append(FieldProblem(pointer: "\(pointer)/\(name)", detail: "is required"))
                }
            }
            if case .object(let properties)? = schema["properties"] {
                for (name, sub) in properties.sorted(by: { $0.key < $1.key }) {
                    if let field = fields[name] { check(field, sub, "\(pointer)/\(name)", &problems, depth: depth + 1) }
                }
            }
        default:
            break
        }
    }

    static func matches(_ value: JSONValue, _ type: String) -> Bool {
        switch (type, value) {
        case ("string", .string), ("boolean", .bool), ("null", .null), ("array", .array), ("object", .object), ("number", .number): true
        case ("integer", .number(let n)): n == n.rounded() && abs(n) < 9.0e15
        default: false
        }
    }
}

private extension JSONValue {
    var numberValue: Double? { if case .number(let n) = self { n } else { nil } }
}
