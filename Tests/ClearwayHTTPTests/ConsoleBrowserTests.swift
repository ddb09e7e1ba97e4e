import Foundation
import Testing

/// Where the browser test's tools are. CI sets CLEARWAY_REQUIRE_BROWSER=1 so a missing tool
/// fails the run instead of skipping the test.
enum BrowserTools {
    static let env = ProcessInfo.processInfo.environment
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    static let python = env["CLEARWAY_BROWSER_PYTHON"] ?? repoRoot + "/.venv-e2e/bin/python"
    /// The `clearway` executable built beside this test bundle.
    static let clearway = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("clearway").path
    static var available: Bool {
        if env["CLEARWAY_REQUIRE_BROWSER"] == "1" { return true }
        let fm = FileManager.default
        return fm.isExecutableFile(atPath: python) && fm.isExecutableFile(atPath: "/usr/bin/chromium")
            && fm.isExecutableFile(atPath: "/usr/bin/chromedriver") && fm.isExecutableFile(atPath: clearway)
    }
}

/// The console as a person uses it: `clearway demo` started the way the README says (with a
/// small, frozen history), and a real Chromium driven by `Tests/Browser/console_test.py`.
@Suite struct ConsoleBrowserTests {
    @Test(.enabled(if: BrowserTools.available, "needs chromium, chromedriver and selenium in .venv-e2e"))
    func agentResolvesTopInventoryCaseAndViewerCannot() async throws {
        let db = FileManager.default.temporaryDirectory.appendingPathComponent("clearway-browser-\(UUID().uuidString).db").path
        defer { for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: db + s) } }
        let demo = try ChildProcess(BrowserTools.clearway, ["demo", "--port", "0", "--database-file", db, "--no-live", "--seed", "3",
                                                            "--days", "10", "--orders-per-day", "80", "--customers", "120", "--products", "300", "--staffing", "3"])
        defer { demo.stop() }
        let banner = try await demo.output(until: "History is in")
        let url = try #require(banner.firstMatch(of: /(http:\/\/127\.0\.0\.1:\d+)\/console/)?.1)
        /// The demo prints one line per role: "    agent       password demo-…".
        func password(_ user: String) throws -> String {
            let line = banner.split(separator: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix(user + " ") }
            return try #require(line?.split(separator: " ").last.map(String.init), "the demo printed no sign-in for \(user):\n\(banner)")
        }
        let browser = try ChildProcess(BrowserTools.python, [BrowserTools.repoRoot + "/Tests/Browser/console_test.py", String(url),
                                                             try password("agent"), try password("viewer"), BrowserTools.repoRoot + "/docs/screenshots",
                                                             try password("approver")])
        let (status, text) = try await browser.finish()
        #expect(status == 0, "console_test.py failed:\n\(text)")
    }
}

/// Single sign-on as a person meets it: `clearway serve` with local passwords off and a real
/// OpenID provider on loopback, driven by `Tests/Browser/sso_test.py` in Chromium.
@Suite struct SingleSignOnBrowserTests {
    @Test("a person signs in through the identity provider in the browser and signs out there too",
          .enabled(if: BrowserTools.available && MockIdentityProvider.available, "needs chromium, selenium and oidc-provider-mock"))
    func signInThroughProvider() async throws {
        let db = FileManager.default.temporaryDirectory.appendingPathComponent("clearway-sso-\(UUID().uuidString).db").path
        defer { for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: db + s) } }
        try await MockIdentityProvider.with { provider in
            // The provider sends people back to the public URL, so the port is chosen first.
            let port = Int.random(in: 40_000..<50_000)
            let server = try ChildProcess(BrowserTools.clearway, [
                "serve", "--port", "\(port)", "--database", "sqlite:\(db)", "--public-url", "http://127.0.0.1:\(port)",
                "--oidc-issuer", provider.issuer, "--oidc-client-id", "clearway-console",
                "--oidc-roles", "clearway-supervisors=supervisor,clearway-agents=agent", "--local-passwords", "off",
            ], environment: ["CLEARWAY_OIDC_CLIENT_SECRET": "console-secret"])
            defer { server.stop() }
            _ = try await server.listeningURL()
            let browser = try ChildProcess(BrowserTools.python, [BrowserTools.repoRoot + "/Tests/Browser/sso_test.py", "http://127.0.0.1:\(port)",
                                                                 provider.issuer, BrowserTools.repoRoot + "/docs/screenshots"])
            let (status, text) = try await browser.finish()
            #expect(status == 0, "sso_test.py failed:\n\(text)")
        }
    }
}
