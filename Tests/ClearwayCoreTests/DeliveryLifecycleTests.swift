import ClearwayCore
import Testing

/// The outbox delivery's lifecycle, without a database: each answer settles, retries or
/// dead-letters the delivery and says what the action it carries should do.
@Suite("Delivery lifecycle")
struct DeliveryLifecycleTests {
    static let t0 = Instant(millis: 1_000_000)
    static let settings = ConnectorSettings(url: "https://erp.example/actions", maxAttempts: 3, baseBackoffSeconds: 2, maxBackoffSeconds: 300)

    static func delivery() -> Delivery {
        Delivery(id: "OUT-1", actionId: "ACT-1", kind: .action, target: "erp", payload: .object([:]), idempotencyKey: "k", createdAt: t0)
    }

    @Test("an applied answer settles the delivery and completes the action, naming the attempt")
    func applied() {
        var d = Self.delivery()
        let effects = d.handle(.applied(detail: .string("ok")), settings: Self.settings, jitter: 0.5, now: Self.t0.adding(seconds: 1))
        #expect(d.state == .delivered && d.attempts == 1 && d.deliveredAt == Self.t0.adding(seconds: 1) && d.lastError == nil)
        #expect(effects == [.moveAction(.applied, reason: "Answer from erp on attempt 1", detail: .string("ok"), error: nil)])
    }

    @Test("a refusal settles the delivery and hands the reason to the action")
    func refused() {
        var d = Self.delivery()
        let effects = d.handle(.refused(reason: "credit block"), settings: Self.settings, jitter: 0.5, now: Self.t0)
        #expect(d.state == .delivered && d.lastError == "credit block")
        #expect(effects == [.moveAction(.refused, reason: "erp refused: credit block", detail: nil, error: "credit block")])
    }

    @Test("a retryable answer waits with back-off and jitter; the last allowed attempt dead-letters delivery and action")
    func retriesThenDeadLetters() {
        var d = Self.delivery()
        #expect(d.handle(.retryable(reason: "HTTP 503"), settings: Self.settings, jitter: 1, now: Self.t0) == [.noteActionFailure("HTTP 503")])
        #expect(d.state == .pending && d.nextAttemptAt == Self.t0.adding(seconds: 2))
        _ = d.handle(.retryable(reason: "HTTP 503"), settings: Self.settings, jitter: 0, now: Self.t0)
        #expect(d.nextAttemptAt == Self.t0.adding(seconds: 2), "the second wait is between 2 and 4 s; jitter 0 takes the least")
        let last = d.handle(.retryable(reason: "timeout"), settings: Self.settings, jitter: 0.5, now: Self.t0)
        #expect(d.state == .dead && d.attempts == 3)
        #expect(last == [.deadLettered, .moveAction(.exhausted, reason: "3 attempts to reach erp failed; last: timeout", detail: nil, error: "timeout")])
    }

    @Test("an answer for a delivery already settled changes nothing")
    func settledIsFinal() {
        var d = Self.delivery()
        _ = d.handle(.accepted(detail: nil), settings: Self.settings, jitter: 0.5, now: Self.t0)
        let before = d
        #expect(d.handle(.refused(reason: "late"), settings: Self.settings, jitter: 0.5, now: Self.t0).isEmpty)
        #expect(d == before)
    }
}
