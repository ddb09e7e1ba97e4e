import Foundation
import SQLKit

extension Database {
    /// The floor for ingestion cost: the same events inserted as bare rows (the inbox's
    /// columns, bound parameters) into a scratch table of the same database, `perTransaction`
    /// rows per transaction from `concurrency` writers, with nothing else done. Returns the
    /// elapsed time; the scratch table is dropped afterwards.
    public func rawInsertBaseline(_ rows: [(source: String, id: String, type: String, event: String)],
                                  perTransaction: Int, concurrency: Int) async throws -> Duration {
        try await withWriter { sql in
            try await sql.raw("DROP TABLE IF EXISTS bench_raw_events").run()
            try await sql.raw("""
                CREATE TABLE bench_raw_events (source TEXT NOT NULL, event_id TEXT NOT NULL, type TEXT NOT NULL,
                    received_at BIGINT NOT NULL, event TEXT NOT NULL, PRIMARY KEY (source, event_id))
                """).run()
        }
        let groups = stride(from: 0, to: rows.count, by: perTransaction).map { Array(rows[$0..<min(rows.count, $0 + perTransaction)]) }
        let perWorker = (groups.count + concurrency - 1) / max(1, concurrency)
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for w in 0..<concurrency {
                let mine = Array(groups[min(groups.count, w * perWorker)..<min(groups.count, (w + 1) * perWorker)])
                group.addTask {
                    for rows in mine {
                        try await self.transaction { tx in
                            let values = rows.map { r in SQLQueryString("(\(bind: r.source), \(bind: r.id), \(bind: r.type), \(bind: Int64(0)), \(bind: r.event))") }
                            var text = SQLQueryString("INSERT INTO bench_raw_events (source, event_id, type, received_at, event) VALUES ")
                            for (i, v) in values.enumerated() { text = i == 0 ? text + v : text + ", " + v }
                            try await tx.sql.raw(text).run()
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let elapsed = ContinuousClock.now - start
        try await withWriter { try await $0.raw("DROP TABLE bench_raw_events").run() }
        return elapsed
    }
}
