import ClearwayCore
@testable import ClearwayIntegration
import Testing

@Suite("Delivery resilience")
struct ResilienceTests {
    let t0 = Instant(iso8601: "2026-11-23T15:00:00Z")!

    @Test("the circuit opens after the threshold of consecutive failures, waits, lets one probe through, and closes on its success")
    func breakerCycle() {
        var b = CircuitBreaker(threshold: 3, openSeconds: 30)
        for _ in 0..<2 { do { let ok = b.allow(now: t0); #expect(ok) }; b.recordFailure(now: t0) }
        #expect(!b.isOpen)
        do { let ok = b.allow(now: t0); #expect(ok) }; b.recordFailure(now: t0)
        #expect(b.isOpen)
        do { let ok = b.allow(now: t0.adding(seconds: 29)); #expect(!ok) }
        do { let ok = b.allow(now: t0.adding(seconds: 30)); #expect(ok) }      // the probe
        do { let ok = b.allow(now: t0.adding(seconds: 30)); #expect(!ok) }     // only one at a time
        b.recordSuccess()
        #expect(b.name == "closed")
        do { let ok = b.allow(now: t0.adding(seconds: 31)); #expect(ok) }
    }

    @Test("a failed probe opens the circuit again for a full period")
    func failedProbe() {
        var b = CircuitBreaker(threshold: 1, openSeconds: 10)
        b.recordFailure(now: t0)
        do { let ok = b.allow(now: t0.adding(seconds: 10)); #expect(ok) }
        b.recordFailure(now: t0.adding(seconds: 10))
        do { let ok = b.allow(now: t0.adding(seconds: 19)); #expect(!ok) }
        do { let ok = b.allow(now: t0.adding(seconds: 20)); #expect(ok) }
    }

    @Test("back-off doubles per attempt up to the cap, and jitter keeps it between half and all of that")
    func backoff() {
        #expect(Backoff.delay(attempt: 1, base: 2, cap: 300, random: 1) == 2)
        #expect(Backoff.delay(attempt: 4, base: 2, cap: 300, random: 1) == 16)
        #expect(Backoff.delay(attempt: 4, base: 2, cap: 300, random: 0) == 8)
        #expect(Backoff.delay(attempt: 20, base: 2, cap: 300, random: 1) == 300)
        #expect(Backoff.delay(attempt: 20, base: 2, cap: 300, random: 0) == 150)
    }

    @Test("a system's HTTP answer maps to applied, accepted, refused or retry")
    func answers() {
        #expect(HTTPConnector.outcome(status: 200, body: nil) == .applied(detail: nil))
        #expect(HTTPConnector.outcome(status: 202, body: nil) == .accepted(detail: nil))
        let rejected: JSONValue = .object(["status": .string("rejected"), "reason": .string("price locked")])
        #expect(HTTPConnector.outcome(status: 200, body: rejected) == .refused(reason: "price locked"))
        #expect(HTTPConnector.outcome(status: 422, body: .object(["detail": .string("unknown order")])) == .refused(reason: "unknown order"))
        for status in [408, 409, 429, 500, 503] {
            if case .retryable = HTTPConnector.outcome(status: status, body: nil) {} else { Issue.record("HTTP \(status) should be retried") }
        }
    }
}
