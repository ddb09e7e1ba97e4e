import ClearwayCore
import ClearwayEngine
import ClearwayIntegration
import Foundation
import Hummingbird
import Logging
import OpenAPIRuntime

/// An RFC 9457 problem. The only error body Clearway sends: `detail` speaks to the client
/// in the product's terms and never carries an internal error's text.
struct Problem: Error, Sendable, Codable, Equatable {
    var type: String
    var title: String
    var status: Int
    var detail: String?
    var errors: [FieldProblem]?
    /// The guardrails that blocked an action, each with its reason.
    var guardrails: [GuardrailCheck]?
    /// Sent as `Retry-After` (seconds) with 429 and 503; not part of the body.
    var retryAfter: Int?

    enum CodingKeys: String, CodingKey { case type, title, status, detail, errors, guardrails }

    init(status: HTTPResponse.Status, title: String, detail: String? = nil, errors: [FieldProblem]? = nil, guardrails: [GuardrailCheck]? = nil, slug: String) {
        self.guardrails = guardrails
        self.type = "https://clearway.dev/problems/\(slug)"
        self.title = title
        self.status = status.code
        self.detail = detail
        self.errors = errors
    }

    static func unauthorized(_ detail: String) -> Problem {
        Problem(status: .unauthorized, title: "Authentication required", detail: detail, slug: "unauthorized")
    }

    static func forbidden(_ detail: String) -> Problem {
        Problem(status: .forbidden, title: "Not allowed for this role", detail: detail, slug: "forbidden")
    }

    static func invalid(_ errors: [FieldProblem], detail: String = "Some fields break the contract; each is listed in errors.") -> Problem {
        Problem(status: .unprocessableContent, title: "Invalid fields", detail: detail, errors: errors, slug: "invalid-fields")
    }

    func response() -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(self)) ?? Data()
        var headers: HTTPFields = [.contentType: "application/problem+json"]
        if status == 401 { headers[.wwwAuthenticate] = "Bearer realm=\"clearway\"" }
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// The one place errors become HTTP answers.
enum ProblemMapping {
    static func problem(for error: any Error, logger: Logger) -> Problem {
        switch error {
        case let problem as Problem:
            return problem
        case let engine as EngineError:
            return problem(for: engine)
        case let rejection as CloudEventCodec.Rejection:
            switch rejection {
            case .malformed(let detail): return Problem(status: .badRequest, title: "Malformed request body", detail: detail, slug: "malformed-body")
            case .invalid(let errors): return .invalid(errors)
            }
        case let server as ServerError:
            // Errors our handlers threw come back wrapped by the generated server.
            if server.underlyingError is Problem || server.underlyingError is EngineError {
                return problem(for: server.underlyingError, logger: logger)
            }
            if let decoding = server.underlyingError as? DecodingError {
                return .invalid([FieldProblem(pointer: pointer(decoding), detail: describe(decoding))],
                                detail: "The request does not match the API contract for \(server.operationID).")
            }
            if server.httpStatus.code >= 400, server.httpStatus.code < 500 {
                return Problem(status: server.httpStatus, title: "Request not accepted",
                               detail: "The request does not match the API contract for \(server.operationID) (parameters, body or content type).",
                               slug: "bad-request")
            }
            return internalError(error, logger: logger)
        case let http as HTTPError:
            let status = http.status
            if status == .contentTooLarge {
                return Problem(status: status, title: "Body too large", detail: "The request body exceeds the limit for this endpoint.", slug: "too-large")
            }
            if status.code < 500 {
                return Problem(status: status, title: status.reasonPhrase, detail: http.body, slug: status.reasonPhrase.lowercased().replacingOccurrences(of: " ", with: "-"))
            }
            return internalError(error, logger: logger)
        default:
            return internalError(error, logger: logger)
        }
    }

    static func problem(for error: EngineError) -> Problem {
        switch error {
        case .notFound(let what, let id):
            Problem(status: .notFound, title: "Not found", detail: "No \(what) with id \(id).", slug: "not-found")
        case .conflict(let detail):
            Problem(status: .conflict, title: "Conflicts with the current state", detail: detail, slug: "conflict")
        case .forbidden(let detail):
            .forbidden(detail)
        case .invalid(let field, let detail):
            .invalid([FieldProblem(pointer: field, detail: detail)])
        case .invalidFields(let problems):
            .invalid(problems)
        case .blocked(let action, let checks):
            Problem(status: .conflict, title: "Blocked by guardrails",
                    detail: "\(action) is not allowed now: " + checks.map(\.detail).joined(separator: "; ") + ".",
                    guardrails: checks, slug: "guardrail-blocked")
        case .saturated(let seconds):
            {
                var p = Problem(status: .tooManyRequests, title: "Busy",
                                detail: "Clearway has as much of this work under way as it takes at once; nothing from this request was stored. Send it again after \(seconds) s.",
                                slug: "saturated")
                p.retryAfter = seconds
                return p
            }()
        }
    }

    /// One sentence for a per-item result in a bulk answer.
    static func sentence(for error: EngineError) -> String {
        if case .invalid(let field, let detail) = error { return "\(field) \(detail)" }
        return problem(for: error).detail ?? problem(for: error).title
    }

    static func internalError(_ error: any Error, logger: Logger) -> Problem {
        logger.error("request failed", metadata: ["error": "\(String(reflecting: error))"])
        return Problem(status: .internalServerError, title: "Internal error",
                       detail: "Clearway could not complete the request; it has been logged. Retry later.", slug: "internal")
    }

    static func pointer(_ error: DecodingError) -> String {
        let path: [any CodingKey] = switch error {
        case .keyNotFound(let key, let ctx): ctx.codingPath + [key]
        case .typeMismatch(_, let ctx), .valueNotFound(_, let ctx), .dataCorrupted(let ctx): ctx.codingPath
        @unknown default: []
        }
        return path.map { "/" + ($0.intValue.map(String.init) ?? $0.stringValue) }.joined()
    }

    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound: "is required"
        case .typeMismatch(let type, _): "has the wrong type (expected \(type))"
        case .valueNotFound: "must not be null"
        case .dataCorrupted: "is not valid"
        @unknown default: "is not valid"
        }
    }
}

/// Turns every thrown error into problem+json, so no route can leak an internal message.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            return ProblemMapping.problem(for: error, logger: logger).response()
        }
    }
}
