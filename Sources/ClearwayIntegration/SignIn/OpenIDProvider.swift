import AsyncHTTPClient
import ClearwayCore
import Foundation
import JWTKit
import NIOCore

/// One OpenID Connect provider as Clearway uses it: its discovery document, its signing
/// keys, the code exchange, and the signature check of the tokens it issues. Keys are
/// cached; a token naming a key not seen yet fetches them again (the provider rotated),
/// at most once per `refetchSeconds`, so forged key ids cannot make Clearway hammer it.
/// The provider is the operator's own setting, not input: the outbound policy for
/// connectors and webhooks does not apply to it.
public actor OpenIDProvider {
    /// What discovery says, as far as Clearway needs it.
    public struct Endpoints: Sendable {
        public let authorization: String
        public let token: String
        public let jwks: String
        public let endSession: String?
    }

    /// Why the provider could not be used, or a token was refused; said to the operator or
    /// the person, never with the token itself.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let description: String
        public init(description: String) { self.description = description }
    }

    public nonisolated let issuer: String
    let refetchSeconds: Double
    private var endpoints: Endpoints?
    private var keys = JWTKeyCollection()
    private var kids: Set<String> = []
    private var fetchedAt: Instant?

    /// Signature algorithms accepted: asymmetric only, so a provider's public key can never
    /// be used as an HMAC secret, and never `none`.
    static let algorithms: Set<String> = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"]

    public init(issuer: String, refetchSeconds: Double = 30) {
        self.issuer = issuer.hasSuffix("/") ? String(issuer.dropLast()) : issuer
        self.refetchSeconds = refetchSeconds
    }

    /// The provider's endpoints, read once from `<issuer>/.well-known/openid-configuration`.
    public func discover() async throws -> Endpoints {
        if let endpoints { return endpoints }
        let document = try await getJSON(issuer + "/.well-known/openid-configuration", what: "the discovery document")
        let stated = document["issuer"]?.stringValue.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        guard stated == issuer else {
            throw Failure(description: "the discovery document names issuer \(stated ?? "none"), not \(issuer)")
        }
        guard let authorization = document["authorization_endpoint"]?.stringValue, let token = document["token_endpoint"]?.stringValue,
              let jwks = document["jwks_uri"]?.stringValue else {
            throw Failure(description: "the discovery document lacks authorization_endpoint, token_endpoint or jwks_uri")
        }
        let found = Endpoints(authorization: authorization, token: token, jwks: jwks, endSession: document["end_session_endpoint"]?.stringValue)
        endpoints = found
        return found
    }

    /// The claims of a token the provider signed, once its signature checks out against
    /// the provider's published keys. What the claims must say is checked by the caller.
    public func verifiedClaims(_ token: String, now: Instant) async throws -> [String: JSONValue] {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, token.utf8.count <= 16_384,
              let headerData = URLText.base64URLDecode(parts[0]), case .object(let header)? = JSONValue.parse(headerData) else {
            throw Failure(description: "it is not a signed JWT")
        }
        guard let alg = header["alg"]?.stringValue, Self.algorithms.contains(alg) else {
            throw Failure(description: "it is signed with \(header["alg"]?.stringValue ?? "no algorithm"), which is not accepted")
        }
        let kid = header["kid"]?.stringValue
        if let kid, kid.isEmpty || kid.utf8.count > 256 { throw Failure(description: "its key id is not usable") }
        // A token naming a key not seen yet (or naming none, before any key is known):
        // the provider may have rotated its keys.
        if kid.map({ !kids.contains($0) }) ?? kids.isEmpty, refetchDue(now) { try await fetchKeys(now: now) }
        if let kid, !kids.contains(kid) { throw Failure(description: "it is signed with a key the provider does not publish") }
        if kid == nil, kids.count != 1 { throw Failure(description: "it names no signing key, and the provider publishes several") }
        do {
            return try await keys.verify(token, as: SignedClaims.self).claims
        } catch {
            // Without a key id, a rotation shows only as a failed signature: fetch once more.
            if kid == nil, refetchDue(now), (try? await fetchKeys(now: now)) != nil,
               let claims = try? await keys.verify(token, as: SignedClaims.self).claims {
                return claims
            }
            throw Failure(description: "its signature does not verify with the provider's key")
        }
    }

    func refetchDue(_ now: Instant) -> Bool {
        fetchedAt.map { now.seconds(since: $0) >= refetchSeconds || now < $0 } ?? true
    }

    func fetchKeys(now: Instant) async throws {
        fetchedAt = now
        let jwksURL = try await discover().jwks
        let document = try await getJSON(jwksURL, what: "the signing keys")
        let fresh = JWTKeyCollection()
        var found: Set<String> = []
        var published: [JSONValue] = []
        if case .array(let items)? = document["keys"] { published = items }
        // Signing keys only; one the library cannot read is skipped, not fatal.
        let signing = published.filter { $0["use"]?.stringValue ?? "sig" == "sig" && $0["kid"]?.stringValue != nil }
        for key in signing {
            guard let kid = key["kid"]?.stringValue, let jwk = try? JSONDecoder().decode(JWK.self, from: key.canonicalData()) else { continue }
            // The only key is also the one for tokens that name none.
            if (try? await fresh.add(jwk: jwk, isDefault: signing.count == 1)) != nil { found.insert(kid) }
        }
        guard !found.isEmpty else { throw Failure(description: "the provider publishes no usable signing key at \(jwksURL)") }
        keys = fresh
        kids = found
    }

    /// Trades an authorization code (with its PKCE verifier) for tokens; returns the ID token.
    public func exchange(code: String, verifier: String, redirectURI: String, clientId: String, secret: String?) async throws -> String {
        let endpoint = try await discover().token
        var form = [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirectURI), ("code_verifier", verifier)]
        var request = HTTPClientRequest(url: endpoint)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "Accept", value: "application/json")
        if let secret {
            let pair = "\(URLText.encode(clientId)):\(URLText.encode(secret))"
            request.headers.add(name: "Authorization", value: "Basic " + Data(pair.utf8).base64EncodedString())
        } else {
            form.append(("client_id", clientId))
        }
        request.body = .bytes(ByteBuffer(string: URLText.query(form)))
        let (status, body) = try await send(request, what: "the token endpoint")
        guard (200..<300).contains(status), let idToken = body?["id_token"]?.stringValue else {
            let reason = body?["error_description"]?.stringValue ?? body?["error"]?.stringValue ?? "HTTP \(status)"
            throw Failure(description: "the provider did not exchange the sign-in code: \(reason.prefix(200))")
        }
        return idToken
    }

    func getJSON(_ url: String, what: String) async throws -> JSONValue {
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Accept", value: "application/json")
        let (status, body) = try await send(request, what: what)
        guard status == 200, let body else { throw Failure(description: "\(what) at \(RedactedURL.text(url)) answered HTTP \(status)") }
        return body
    }

    func send(_ request: HTTPClientRequest, what: String) async throws -> (Int, JSONValue?) {
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            let bytes = try await response.body.collect(upTo: 1 << 20)
            return (Int(response.status.code), JSONValue.parse(Data(bytes.readableBytesView)))
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(description: "\(what) at \(RedactedURL.text(request.url)) could not be reached (\(HTTPConnector.describe(error)))")
        }
    }
}

/// A token's claims as JSON, whatever they are; the signature is checked by the library,
/// the claims by `TokenClaims`.
struct SignedClaims: JWTPayload {
    let claims: [String: JSONValue]

    init(from decoder: any Decoder) throws {
        guard case .object(let fields) = try JSONValue(from: decoder) else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "claims are not an object"))
        }
        claims = fields
    }

    func encode(to encoder: any Encoder) throws { try JSONValue.object(claims).encode(to: encoder) }

    func verify(using algorithm: some JWTAlgorithm) async throws {}
}
