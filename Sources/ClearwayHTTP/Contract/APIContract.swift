import ClearwayCore
import Foundation
import Yams

/// What the served `openapi.yaml` promises about each path, read once at start: the
/// methods it declares and each operation's query parameters with their constraints. The
/// generated server decodes types but not `maxLength`, `maximum`, `enum` or `format`;
/// `ContractMiddleware` holds requests to all of them, and a declared path called with an
/// undeclared method is answered 405 with `Allow`.
struct APIContract: Sendable {
    struct QueryParameter: Sendable {
        var name: String
        var type: String
        var minLength: Int?, maxLength: Int?
        var minimum: Double?, maximum: Double?
        var values: [String]?
        var format: String?
    }

    struct Route: Sendable {
        var segments: [String]
        var query: [String: [QueryParameter]]
        /// The JSON request body's schema per method, where one is declared.
        var body: [String: BodySchema]
        var operationIds: [String: String]
        var methods: Set<String> { Set(query.keys) }
    }

    let routes: [Route]

    init(yaml: String) throws {
        guard let document = try Yams.load(yaml: yaml) as? [String: Any], let paths = document["paths"] as? [String: Any] else {
            routes = []
            return
        }
        let schemas = ((document["components"] as? [String: Any])?["schemas"] as? [String: Any]) ?? [:]
        let components = schemas.mapValues(Self.json)
        func resolve(_ schema: [String: Any]) -> [String: Any] {
            guard let ref = schema["$ref"] as? String, let name = ref.split(separator: "/").last else { return schema }
            return schemas[String(name)] as? [String: Any] ?? schema
        }
        routes = paths.map { path, value in
            var query: [String: [QueryParameter]] = [:]
            var body: [String: BodySchema] = [:]
            var operationIds: [String: String] = [:]
            for (method, op) in (value as? [String: Any]) ?? [:] {
                operationIds[method.uppercased()] = (op as? [String: Any])?["operationId"] as? String
                let requestBody = (op as? [String: Any])?["requestBody"] as? [String: Any]
                let content = requestBody?["content"] as? [String: Any]
                if let schema = (content?["application/json"] as? [String: Any])?["schema"] {
                    body[method.uppercased()] = BodySchema(root: Self.json(schema), components: components,
                                                           required: requestBody?["required"] as? Bool ?? false)
                }
                let parameters = ((op as? [String: Any])?["parameters"] as? [[String: Any]]) ?? []
                query[method.uppercased()] = parameters.compactMap { p in
                    guard p["in"] as? String == "query", let name = p["name"] as? String else { return nil }
                    let s = resolve(p["schema"] as? [String: Any] ?? [:])
                    func number(_ key: String) -> Double? { (s[key] as? Double) ?? (s[key] as? Int).map(Double.init) }
                    return QueryParameter(name: name, type: s["type"] as? String ?? "string", minLength: s["minLength"] as? Int, maxLength: s["maxLength"] as? Int,
                                          minimum: number("minimum"), maximum: number("maximum"), values: (s["enum"] as? [Any])?.map { "\($0)" },
                                          format: s["format"] as? String)
                }
            }
            return Route(segments: path.split(separator: "/").map(String.init), query: query, body: body, operationIds: operationIds)
        }
    }

    static let served: APIContract = {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml"),
              let text = try? String(contentsOf: url, encoding: .utf8), let contract = try? APIContract(yaml: text) else { return APIContract.empty }
        return contract
    }()

    private init(routes: [Route]) { self.routes = routes }

    /// YAML as parsed by Yams, as a JSON value (Sendable, and what the checks walk).
    static func json(_ any: Any) -> JSONValue {
        switch any {
        case let d as [String: Any]: .object(d.mapValues(json))
        case let a as [Any]: .array(a.map(json))
        case let b as Bool: .bool(b)
        case let i as Int: .number(Double(i))
        case let d as Double: .number(d)
        case let s as String: .string(s)
        default: .null
        }
    }
    static let empty = APIContract(routes: [])

    /// The declared route for `path`; the most literal match wins, as in routing
    /// (/v1/actions/retry over /v1/actions/{actionId}).
    func route(for path: String) -> Route? {
        let parts = path.split(separator: "/")
        var best: (route: Route, literals: Int)?
        for route in routes where route.segments.count == parts.count {
            guard zip(route.segments, parts).allSatisfy({ $0.hasPrefix("{") || $0 == $1 }) else { continue }
            let literals = route.segments.count { !$0.hasPrefix("{") }
            if literals > (best?.literals ?? -1) { best = (route, literals) }
        }
        return best?.route
    }

    /// Every declared query parameter of this operation that breaks its schema, named.
    static func problems(_ parameters: [QueryParameter], in query: [String: String]) -> [FieldProblem] {
        var problems: [FieldProblem] = []
        for p in parameters {
            guard let value = query[p.name] else { continue }
            let pointer = "/query/\(p.name)"
            if let detail = p.violation(value) { problems.append(FieldProblem(pointer: pointer, detail: detail)) }
        }
        return problems
    }
}

extension APIContract.QueryParameter {
    /// Why `value` breaks this parameter's schema, or nil. Lengths count Unicode code points,
    /// as JSON Schema does (a letter with combining marks is several).
    func violation(_ value: String) -> String? {
        switch type {
        case "integer", "number":
            guard let n = type == "integer" ? Int64(value).map(Double.init) : Double(value), n.isFinite else {
                return "must be \(type == "integer" ? "a whole number" : "a number"), found '\(value.prefix(40))'"
            }
            if let minimum, n < minimum { return "must be at least \(Self.text(minimum))" }
            if let maximum, n > maximum { return "must be at most \(Self.text(maximum))" }
        case "boolean":
            guard value == "true" || value == "false" else { return "must be true or false" }
        default:
            if let minLength, value.unicodeScalars.count < minLength { return minLength == 1 ? "must not be empty" : "must be at least \(minLength) characters" }
            if let maxLength, value.unicodeScalars.count > maxLength { return "must be at most \(maxLength) characters" }
            if let values, !values.contains(value) { return "must be one of \(values.joined(separator: ", "))" }
            if format == "date", LocalDate(value) == nil { return "'\(value.prefix(40))' is not a date (YYYY-MM-DD)" }
        }
        return nil
    }

    static func text(_ n: Double) -> String { n == n.rounded() ? String(Int64(n)) : String(n) }
}
