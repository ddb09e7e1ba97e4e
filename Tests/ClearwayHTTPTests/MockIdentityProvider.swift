import AsyncHTTPClient
import Foundation
import NIOCore
import Testing

/// A real OpenID provider on loopback (`oidc-provider-mock` from PyPI, installed by
/// `.ci/run` and named by `CLEARWAY_TEST_OIDC_PROVIDER`). Each instance makes a new signing
/// key, so starting another on the same port is a key rotation. The test plays the browser:
/// it submits the provider's sign-in form and reads where the provider sends it back.
final class MockIdentityProvider: Sendable {
    static let executable = ProcessInfo.processInfo.environment["CLEARWAY_TEST_OIDC_PROVIDER"]
    /// CI sets CLEARWAY_REQUIRE_OIDC=1: a missing provider fails there instead of skipping.
    static var available: Bool {
        if executable == nil, ProcessInfo.processInfo.environment["CLEARWAY_REQUIRE_OIDC"] == "1" { return true }
        return executable != nil
    }

    let port: Int
    let process: ChildProcess
    var issuer: String { "http://127.0.0.1:\(port)" }

    private init(port: Int, process: ChildProcess) { self.port = port; self.process = process }

    /// Starts a provider on `port`, or on a free one.
    static func start(port: Int? = nil) async throws -> MockIdentityProvider {
        let path = try #require(executable, "CLEARWAY_TEST_OIDC_PROVIDER names the oidc-provider-mock executable")
        for attempt in 0..<5 {
            let chosen = port ?? Int.random(in: 20_000..<40_000)
            let process = try ChildProcess(path, ["--host", "127.0.0.1", "--port", "\(chosen)", "--require-nonce", "true"])
            do {
                _ = try await process.output(until: "Uvicorn running on")
                return MockIdentityProvider(port: chosen, process: process)
            } catch where attempt < 4 && port == nil {
                continue   // the port was taken: try another
            }
        }
        throw ChildProcessEnded(output: "oidc-provider-mock did not start")
    }

    /// Ends the provider at once (a graceful stop would wait for idle keep-alive
    /// connections to close).
    func stop() async {
        killNow()
        _ = try? await process.finish()
    }

    func killNow() {
        if process.process.isRunning { kill(process.process.processIdentifier, SIGKILL) }
    }

    /// Runs `body` with a provider started for it, and stops the provider however it ends.
    static func with(_ body: (MockIdentityProvider) async throws -> Void) async throws {
        let provider = try await start()
        do { try await body(provider) } catch {
            await provider.stop()
            throw error
        }
        await provider.stop()
    }

    /// Sets a person's claims at the provider (groups, email, name …).
    func setUser(_ sub: String, _ claims: [String: Any]) async throws {
        var request = HTTPClientRequest(url: "\(issuer)/users/\(sub)")
        request.method = .PUT
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: claims)))
        let response = try await Self.client.execute(request, timeout: .seconds(10))
        #expect(response.status.code == 204)
    }

    /// Signs `sub` in on the provider's form at `authorizeURL`; returns where the provider
    /// sends the browser back (the redirect URI with `code` and `state`).
    func authorize(_ authorizeURL: String, as sub: String) async throws -> String {
        var request = HTTPClientRequest(url: authorizeURL)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.body = .bytes(ByteBuffer(string: "sub=\(sub)"))
        let response = try await Self.client.execute(request, timeout: .seconds(10))
        return try #require(response.headers.first(name: "location"), "the provider answered \(response.status)")
    }

    /// An ID token for `clientId` (its audience), through the provider's own code flow:
    /// what a token for another application looks like to Clearway.
    func idToken(for clientId: String, as sub: String) async throws -> String {
        let redirect = "http://app.test/callback"
        let query = "response_type=code&client_id=\(clientId)&redirect_uri=\(redirect)&scope=openid&state=s&nonce=n"
        let back = try await authorize("\(issuer)/oauth2/authorize?\(query)", as: sub)
        let code = try #require(URLComponents(string: back)?.queryItems?.first { $0.name == "code" }?.value)
        var request = HTTPClientRequest(url: "\(issuer)/oauth2/token")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.body = .bytes(ByteBuffer(string: "grant_type=authorization_code&code=\(code)&redirect_uri=\(redirect)&client_id=\(clientId)&client_secret=s"))
        let response = try await Self.client.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 20)
        let json = try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]
        return try #require(json?["id_token"] as? String, "no id_token in \(String(buffer: body))")
    }

    /// Redirects are the browser's business here: the test reads each one.
    static let client = HTTPClient(configuration: .init(redirectConfiguration: .disallow))
}
