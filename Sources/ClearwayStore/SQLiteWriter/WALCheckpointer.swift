import Logging
import SQLiteKit
import Synchronization

/// Copies SQLite's write-ahead log back into the database file on a connection of its own.
/// Left to the writer, SQLite checkpoints inside the commit that crosses its threshold, and
/// that commit (and every request waiting behind it) waits for the checkpoint's writes and
/// fsync; profiles of ingestion showed that as a sixth of the writer's waiting. Here a
/// commit that leaves the log past `threshold` frames starts a passive checkpoint (one at a
/// time), which never blocks the writer or the readers.
final class WALCheckpointer: Sendable {
    let connection: SQLiteConnection
    let threshold: Int
    let logger: Logger
    private let running = Mutex<Task<Void, Never>?>(nil)

    init(connection: SQLiteConnection, threshold: Int = 1_000, logger: Logger) {
        self.connection = connection; self.threshold = threshold; self.logger = logger
    }

    /// Called after each commit with the log's length.
    func afterCommit(frames: Int) {
        guard frames >= threshold else { return }
        running.withLock { task in
            guard task == nil else { return }
            task = Task {
                do { _ = try await self.connection.query("PRAGMA wal_checkpoint(PASSIVE)") } catch {
                    self.logger.warning("checkpoint of the write-ahead log failed; the next commit past the threshold tries again",
                                        metadata: ["error": "\(error)"])
                }
                self.running.withLock { $0 = nil }
            }
        }
    }

    /// Waits for a checkpoint in progress, then closes the connection.
    func close() async {
        let task = running.withLock { $0 }
        await task?.value
        try? await connection.close()
    }
}
