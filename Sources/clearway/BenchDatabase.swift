import ClearwayStore
import Foundation
import Logging

/// Where a benchmark writes: `sqlite:PATH`, a new temporary SQLite file, or PostgreSQL
/// (whose Clearway tables it drops first, so `--reset` must say so).
enum BenchDatabase {
    static func open(_ database: String?, reset: Bool, logger: Logger) async throws -> (Database, DatabaseLocation) {
        let location: DatabaseLocation
        if let database { location = try DatabaseLocation(parsing: database) } else {
            location = .sqlite(path: FileManager.default.temporaryDirectory.appendingPathComponent("clearway-bench-\(UUID().uuidString).db").path)
        }
        if case .postgres = location, !reset { throw CLIError.badInput("benchmarking PostgreSQL wipes Clearway's tables; pass --reset to confirm") }
        let db = try await Database.open(location, logger: logger)
        if reset { try await db.dropAllForBenchmark() }
        return (db, location)
    }
}
