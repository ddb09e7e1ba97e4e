import ClearwayCore
import Crypto
import Foundation
import HTTPTypes
import Hummingbird

extension HTTPField.Name {
    static let xForwardedProto = Self("X-Forwarded-Proto")!
    static let forwarded = Self("Forwarded")!
}

/// Cookies, forms and responses for the console. The session cookie is HttpOnly and
/// SameSite=Strict; every form carries the session's CSRF token, checked on each POST.
enum ConsoleHTTP {
    static let sessionCookie = "clearway_session"
    static let loginCookie = "clearway_login"
    static let maxFormBytes = 64 * 1024

    static func sessionToken(_ request: Request) -> String? {
        guard let value = request.cookies[sessionCookie]?.value, !value.isEmpty, value.count <= 128 else { return nil }
        return value
    }

    /// `secure`: the browser reached Clearway over TLS, so the cookie must never travel
    /// over plain HTTP.
    static func cookie(_ name: String, _ value: String, maxAge: Int, secure: Bool) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: "/", secure: secure, httpOnly: true, sameSite: .strict)
    }

    /// Whether the browser's connection is TLS: Clearway serves plain HTTP itself, so TLS
    /// ends at a proxy in front of it, which says so with `X-Forwarded-Proto: https`
    /// (or `Forwarded: proto=https`). Trusting the header can only add `Secure`.
    static func isSecure(_ request: Request) -> Bool {
        if request.headers[.xForwardedProto]?.lowercased().split(separator: ",").first?.trimmingCharacters(in: .whitespaces) == "https" {
            return true
        }
        return request.headers[.forwarded]?.lowercased().contains("proto=https") == true
    }

    /// The query that shows `text` as a notice on the next page, signed with the session's
    /// CSRF secret: only notices the server made for this person are shown, so a link
    /// someone sends cannot put words on a Clearway page.
    static func done(_ text: String, _ session: ConsoleSession) -> String {
        query([("done", text), ("n", noticeSignature(text, session))])
    }

    /// The notice of this request, if the server made it for this session.
    static func notice(_ request: Request, _ session: ConsoleSession) -> String? {
        guard let text = request.uri.queryParameters["done"].map(String.init), text.count <= 2_000,
              let signature = request.uri.queryParameters["n"].map(String.init),
              signature == noticeSignature(text, session) else { return nil }
        return text
    }

    static func noticeSignature(_ text: String, _ session: ConsoleSession) -> String {
        let key = SymmetricKey(data: Data(session.csrfToken.utf8))
        return Hex.string(Data(HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: key)).prefix(16))
    }

    /// Reads an `application/x-www-form-urlencoded` body into name → values.
    static func form(_ request: Request) async throws -> [String: [String]] {
        guard request.headers[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true else {
            throw ConsoleFailure.badRequest("This form must be sent as application/x-www-form-urlencoded.")
        }
        let buffer: ByteBuffer
        do { buffer = try await request.body.collect(upTo: maxFormBytes) } catch {
            throw ConsoleFailure.badRequest("The form is larger than 64 KiB.")
        }
        var fields: [String: [String]] = [:]
        for pair in String(buffer: buffer).split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String { String(s).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "" }
            fields[decode(kv[0]), default: []].append(kv.count > 1 ? decode(kv[1]) : "")
        }
        return fields
    }

    static func html(_ page: HTML, status: HTTPResponse.Status = .ok) -> Response {
        var headers = securityHeaders
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: page.text)))
    }

    /// A download: `text/csv` with a file name.
    static func csv(_ text: String, filename: String) -> Response {
        var headers = securityHeaders
        headers[.contentType] = "text/csv; charset=utf-8"
        headers[.contentDisposition] = "attachment; filename=\"\(filename)\""
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func redirect(_ location: String) -> Response {
        var headers = securityHeaders
        headers[.location] = location
        return Response(status: .seeOther, headers: headers)
    }

    static let securityHeaders: HTTPFields = [
        .contentSecurityPolicy: "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
        .xContentTypeOptions: "nosniff",
        .cacheControl: "no-store",
        HTTPField.Name("Referrer-Policy")!: "same-origin",
        HTTPField.Name("X-Frame-Options")!: "DENY",
    ]

    /// RFC 3986 unreserved characters: everything else in a query value is percent-encoded.
    static let unreserved = URLText.unreserved

    /// Builds a query string from the values that are set, percent-encoded.
    static func query(_ items: [(String, String?)]) -> String {
        let set = items.compactMap { k, v in v.flatMap { $0.isEmpty ? nil : (k, $0) } }
        return set.isEmpty ? "" : "?" + URLText.query(set)
    }
}

/// A console request that cannot go on, shown to the person as a page (never as internals).
enum ConsoleFailure: Error {
    case badRequest(String)
    case forbidden(String)
    case notFound(String)
}

extension HTTPField.Name {
    static let xContentTypeOptions = HTTPField.Name("X-Content-Type-Options")!
}
