import Foundation

/// The thread SQLite's write transactions run on. A transaction's code is set to run here
/// (`withTaskExecutorPreference`), so its statements follow one another on one thread, and
/// the fsync at commit blocks this thread rather than one of the few that serve requests.
/// After `shutdown`, work still sent here (a transaction that began as the store closed)
/// runs on the global executor instead: nothing scheduled is ever dropped.
final class WriterThread: TaskExecutor, @unchecked Sendable {
    private let condition = NSCondition()
    /// Guarded by `condition`.
    private var jobs: [UnownedJob] = []
    private var closed = false

    init() {
        let thread = Thread { [self] in run() }
        thread.name = "clearway-sqlite-writer"
        thread.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        condition.lock()
        if closed {
            condition.unlock()
            globalConcurrentExecutor.enqueue(job)
            return
        }
        jobs.append(UnownedJob(job))
        condition.signal()
        condition.unlock()
    }

    /// Lets the thread finish what is queued and end.
    func shutdown() {
        condition.lock()
        closed = true
        condition.signal()
        condition.unlock()
    }

    private func run() {
        let executor = asUnownedTaskExecutor()
        var batch: [UnownedJob] = []
        while true {
            condition.lock()
            while jobs.isEmpty && !closed { condition.wait() }
            if jobs.isEmpty { condition.unlock(); return }
            swap(&batch, &jobs)
            condition.unlock()
            for job in batch { job.runSynchronously(on: executor) }
            batch.removeAll(keepingCapacity: true)
        }
    }
}
