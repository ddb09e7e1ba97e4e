import ClearwayStore
import Foundation
import Logging
import SQLKit
import Testing

/// The short form of `clearway crash-test` (scripts/crash-test.sh runs the long one): the
/// server is killed with SIGKILL under load and started again; the command's own checks
/// decide, and this test requires it to pass and to have survived every kill.
@Suite("Crash safety", .serialized)
struct CrashSafetyTests {
    @Test("SQLite: kill -9 under load loses no acknowledged event and doubles no action")
    func sqlite() async throws {
        let run = try ChildProcess(BrowserTools.clearway, ["crash-test", "--kills", "3", "--seed", "11"])
        let (status, output) = try await run.finish()
        #expect(status == 0, "\(output)")
        #expect(output.contains("3 kills (SIGKILL) survived"), "\(output)")
        #expect(output.contains("PASSED") && !output.contains("FAIL "), "\(output)")
    }

    @Test("PostgreSQL, two nodes: killing either node mid-load loses nothing and doubles nothing",
          .enabled(if: ProcessInfo.processInfo.environment["CLEARWAY_TEST_POSTGRES_URL"].map { !$0.isEmpty } ?? false))
    func postgresTwoNodes() async throws {
        let url = try await Self.crashDatabase()
        let run = try ChildProcess(BrowserTools.clearway, ["crash-test", "--kills", "3", "--nodes", "2", "--seed", "12", "--database", url, "--reset"])
        let (status, output) = try await run.finish()
        #expect(status == 0, "\(output)")
        #expect(output.contains("2 nodes: 3 kills (SIGKILL) survived"), "\(output)")
        #expect(output.contains("PASSED") && !output.contains("FAIL "), "\(output)")
    }

    /// A database of its own beside the test database: the crash test wipes its tables and
    /// its servers know no schema but the default.
    static func crashDatabase() async throws -> String {
        let url = ProcessInfo.processInfo.environment["CLEARWAY_TEST_POSTGRES_URL"] ?? ""
        guard let slash = url.lastIndex(of: "/") else { throw ChildProcessEnded(output: "CLEARWAY_TEST_POSTGRES_URL has no database name") }
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let db = try await Database.open(.postgres(url: url), logger: logger)
        let exists = try await db.read { try await $0.raw("SELECT 1 AS one FROM pg_database WHERE datname = 'clearway_crash_test'").first() } != nil
        if !exists { _ = try? await db.read { try await $0.raw("CREATE DATABASE clearway_crash_test").run() } }
        await db.close()
        return String(url[..<slash]) + "/clearway_crash_test"
    }
}
