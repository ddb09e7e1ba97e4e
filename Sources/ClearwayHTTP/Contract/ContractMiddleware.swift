import ClearwayCore
import Foundation
import Hummingbird
import HummingbirdCore
import NIOCore
import NIOFoundationEssentialsCompat

/// Holds each API request to the contract before a handler sees it: a declared path with
/// an undeclared method gets 405 and `Allow`; query parameters outside their declared
/// length, range, values or format get 422 naming each one. A request with no body where
/// one is declared is read as an empty document.
struct ContractMiddleware<Context: RequestContext>: RouterMiddleware {
    let contract: APIContract

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let route = contract.route(for: request.uri.path) else { return try await next(request, context) }
        var method = request.method.rawValue
        if method == "HEAD" { method = "GET" }
        guard let parameters = route.query[method] else {
            var allowed = route.methods
            if allowed.contains("GET") { allowed.insert("HEAD") }
            let list = allowed.sorted().joined(separator: ", ")
            var response = Problem(status: .methodNotAllowed, title: "Method not allowed",
                                   detail: "\(request.uri.path) answers \(list).", slug: "method-not-allowed").response()
            response.headers[.allow] = list
            return response
        }
        if !parameters.isEmpty {
            var query: [String: String] = [:]
            for (key, value) in request.uri.queryParameters { query[String(key)] = String(value) }
            let problems = APIContract.problems(parameters, in: query)
            if !problems.isEmpty { throw Problem.invalid(problems) }
        }
        guard let schema = route.body[method] else { return try await next(request, context) }
        // Bodies the generated API reads are small documents: refuse more than 1 MiB
        // before reading it whole, then hold the document to its declared schema.
        var request = request
        let tooLarge = Problem(status: .contentTooLarge, title: "Body too large", detail: "Bodies here are limited to 1 MiB.", slug: "too-large")
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > Self.maxBodyBytes { throw tooLarge }
        let buffer: ByteBuffer
        do { buffer = try await request.collectBody(upTo: Self.maxBodyBytes) } catch { throw tooLarge }
        if buffer.readableBytes == 0, request.headers[.contentType] == nil {
            // No body at all: an optional one is absent; a required one's missing fields are
            // named, as for an empty document, or the body itself when it has none.
            let problems = schema.problems(.object([:]))
            if !problems.isEmpty { throw Problem.invalid(problems) }
            if schema.required { throw Problem.invalid([FieldProblem(pointer: "/", detail: "a JSON body is required")]) }
            var head = request.head
            head.headerFields[.contentType] = "application/json"
            return try await next(Request(head: head, body: HummingbirdCore.RequestBody(buffer: ByteBuffer(string: "{}"))), context)
        }
        if buffer.readableBytes > 0, let document = JSONValue.parse(Data(buffer: buffer)) {
            let problems = schema.problems(document)
            if !problems.isEmpty { throw Problem.invalid(problems) }
        }
        return try await next(request, context)
    }

    static var maxBodyBytes: Int { 1 << 20 }
}
