import ClearwayCore
import ClearwayEngine
import Logging
import Synchronization
import Testing

/// A ticker the test steps: a service waiting on it makes its next pass only when told.
final class SteppedTicker: Ticker {
    private struct State {
        var waiters: [CheckedContinuation<Void, any Error>] = []
        var watchers: [CheckedContinuation<Void, Never>] = []
        var stopped = false
    }
    private let state = Mutex(State())

    func wait(_ interval: Duration) async throws {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, any Error>) in
            let (stopped, watchers) = state.withLock { s in
                defer { s.watchers.removeAll() }
                if !s.stopped { s.waiters.append(c) }
                return (s.stopped, s.watchers)
            }
            if stopped { c.resume(throwing: CancellationError()) }
            watchers.forEach { $0.resume() }
        }
    }

    /// Returns once a service is waiting for its next pass (its previous pass is done).
    func waiting() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { s in
                if !s.waiters.isEmpty { return true }
                s.watchers.append(c)
                return false
            }
            if ready { c.resume() }
        }
    }

    /// Lets every waiting service make its next pass.
    func step() {
        let waiters = state.withLock { s in defer { s.waiters.removeAll() }; return s.waiters }
        waiters.forEach { $0.resume() }
    }

    /// Ends every wait, now and later.
    func stop() {
        let waiters = state.withLock { s in s.stopped = true; defer { s.waiters.removeAll() }; return s.waiters }
        waiters.forEach { $0.resume(throwing: CancellationError()) }
    }
}

/// Background services are paced by an injected ticker, not by the wall clock: the SLA
/// timer service makes a pass when stepped and fires what the engine's clock says is due.
@Suite("Service pacing")
struct ServicePacingTests {
    @Test("the SLA timer service fires a due breach on its ticker's step, with an hour's interval and no wall time passing")
    func timerServiceSteps() async throws {
        try await Harness.run(.sqlite) { h in
            _ = try await h.post(events: Events.reference)
            let answer = try await h.post(events: [Events.seedOrder])
            let caseId = try #require((answer.list("results").first?["caseIds"] as? [String])?.first)
            let ticker = SteppedTicker()
            let service = SLATimerService(engine: h.engine, interval: .seconds(3_600), logger: Logger(label: "test"), ticker: ticker)
            let running = Task { try await service.run() }
            await ticker.waiting()
            func escalations() async throws -> [String] {
                try await h.get("/v1/cases/\(caseId)").list("exceptions").compactMap { $0.str("escalation") }.sorted()
            }
            #expect(try await escalations().allSatisfy { $0 == "none" }, "nothing is due at the start")

            h.clock.set(Instant(iso8601: "2026-11-24T23:30:00Z")!)
            #expect(try await escalations().allSatisfy { $0 == "none" }, "the clock moved but the service has not made a pass")
            ticker.step()
            await ticker.waiting()
            let after = try await escalations()
            #expect(!after.isEmpty && after.allSatisfy { $0 == "breached" })

            running.cancel()
            ticker.stop()
            try await running.value
        }
    }
}
