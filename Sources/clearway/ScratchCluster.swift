import ClearwayStore
import Foundation
import Logging

/// What the crash test and the cluster benchmark both set up: a scratch folder, a database
/// (the one given, or a new SQLite file in the folder) wiped and migrated, and `serve`
/// nodes on it sharing one admin token and one data key. The database URL reaches the
/// nodes by environment, so a password never shows in the process list.
struct ScratchCluster {
    let dir: String
    let location: DatabaseLocation
    let database: Database
    let token: String
    private let dataKey = Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()

    /// Runs `body` with the cluster's database open; closes it afterwards. `purpose` names
    /// the run in the folder and in the refusal to wipe PostgreSQL without `--reset`.
    static func with<T: Sendable>(database: String?, reset: Bool, nodes: Int, purpose: String,
                                  _ body: (ScratchCluster) async throws -> T) async throws -> T {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("clearway-\(purpose)-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let location: DatabaseLocation
        do { location = try database.map { try DatabaseLocation(parsing: $0) } ?? .sqlite(path: dir + "/\(purpose).db") } catch { throw CLIError.badInput("\(error)") }
        if case .postgres = location, !reset { throw CLIError.badInput("the \(purpose) run wipes Clearway's tables; pass --reset to confirm") }
        if case .sqlite = location, nodes > 1 { throw CLIError.badInput("--nodes above 1 needs PostgreSQL: an SQLite file belongs to one server") }
        let db = try await Database.open(location, logger: makeLogger(level: .warning))
        do {
            if reset { try await db.dropAllForBenchmark() }
            try await db.migrate()
            let value = try await body(ScratchCluster(dir: dir, location: location, database: db, token: "\(purpose)-admin-\(UUID().uuidString)"))
            await db.close()
            return value
        } catch {
            await db.close()
            throw error
        }
    }

    /// `count` nodes (not started), each on a free port with its own log in the folder.
    func nodes(_ count: Int, arguments: [String] = []) throws -> [NodeProcess] {
        let url = switch location {
        case .sqlite(let path): "sqlite:\(path)"
        case .postgres(let url): url
        }
        let env = ["CLEARWAY_BOOTSTRAP_TOKEN": token, "CLEARWAY_DATABASE_URL": url, "CLEARWAY_DATA_KEY": dataKey]
        return try (0..<count).map { i in
            NodeProcess(name: "node \(i + 1)", port: try NodeProcess.freePort(), arguments: ["serve", "--log-level", "warning"] + arguments,
                        environment: env, logPath: "\(dir)/node-\(i + 1).log")
        }
    }

    /// Whether the database server runs on this machine (PostgreSQL on loopback), so its
    /// processes' CPU time can be read and reported beside the nodes'.
    var databaseIsLocal: Bool {
        guard case .postgres(let url) = location, let host = URLComponents(string: url)?.host else { return false }
        return ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host)
    }

    func removeFolder() { try? FileManager.default.removeItem(atPath: dir) }
}
