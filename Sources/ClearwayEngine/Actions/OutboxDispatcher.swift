import ClearwayCore
import ClearwayIntegration
import AsyncHTTPClient
import ClearwayStore
import Logging
import ServiceLifecycle

/// Delivers the outbox: leases due rows, hands each to its system's connector outside any
/// transaction, then records the answer in one transaction with its effects (action
/// completed, exception resolved or handed back). A retryable failure waits with
/// exponential back-off and jitter; after the connector's `maxAttempts` the action is
/// dead-lettered (visible, retryable). An open circuit leaves its rows waiting untouched.
public final class OutboxDispatcher: Sendable {
    let engine: ClearwayEngine
    let random: @Sendable () -> Double
    let batchSize: Int
    let leaseSeconds: Double

    /// `leaseSeconds` defaults to twice the longest delivery timeout plus 10 s (at least
    /// 20 s): long enough that a live node always records its answer first, short enough
    /// that the work of a node that died is taken over within seconds, not minutes.
    public init(engine: ClearwayEngine, batchSize: Int = 32, leaseSeconds: Double? = nil,
                random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }) {
        self.engine = engine; self.batchSize = batchSize; self.random = random
        self.leaseSeconds = leaseSeconds ?? Self.lease(longestTimeout: engine.policy.actions.connectors.values.map(\.timeoutSeconds)
            .reduce(engine.webhookDelivery.timeoutSeconds, max))
    }

    static func lease(longestTimeout: Double) -> Double { max(20, 2 * longestTimeout + 10) }

    /// One pass: delivers what is due now. Returns the number of rows attempted.
    @discardableResult
    public func dispatchOnce() async throws -> Int {
        try await gatherNotifications()
        let now = engine.clock.now()
        let waiting = engine.connectors.openCircuits(now: now)
        let (limit, lease) = (batchSize, leaseSeconds)
        let rows = try await engine.database.transaction { tx in
            try await tx.leaseDueOutbox(now: now, limit: limit, leaseSeconds: lease, skipping: waiting)
        }
        guard !rows.isEmpty else { return 0 }
        await withTaskGroup(of: Void.self) { group in
            for row in rows {
                group.addTask {
                    // One row's failure must not hold up the others; its lease runs out and
                    // the next pass tries it again.
                    do { try await self.deliverInTrace(row) } catch {
                        self.engine.logger.error("outbox delivery could not be recorded", metadata: ["outbox.id": "\(row.id)", "error": "\(error)"])
                    }
                }
            }
        }
        return rows.count
    }

    /// One delivery as a span in the trace of the decision that queued it.
    func deliverInTrace(_ row: Delivery) async throws {
        try await engine.telemetry.span("clearway.deliver", kind: .consumer, parent: row.trace, attributes: Self.attributes(row)) { _ in
            try await deliver(row)
        }
    }

    static func attributes(_ row: Delivery) -> [String: String] {
        var attributes = ["clearway.outbox.id": row.id, "clearway.delivery.kind": row.kind.rawValue, "clearway.delivery.target": row.target,
                          "clearway.delivery.attempt": "\(row.attempts + 1)"]
        let about = row.kind == .webhook ? row.payload["data"] : row.payload
        for (key, name) in [("caseId", "clearway.case.id"), ("exceptionId", "clearway.exception.id"), ("orderId", "clearway.order.id"),
                            ("actionId", "clearway.action.id")] {
            if let value = about?[key]?.stringValue { attributes[name] = value }
        }
        return attributes
    }

    func deliver(_ row: Delivery) async throws {
        if row.kind == .webhook { return try await deliverWebhook(row) }
        if row.kind == .notification { return try await deliverNotification(row) }
        guard let (connector, settings) = engine.connectors.connector(row.target) else {
            try await record(row, .retryable(reason: "no connector is configured for \(row.target)"), settings: ConnectorSettings(url: "http://unconfigured"))
            return
        }
        if case .wait(let until) = engine.connectors.admit(row.target, now: engine.clock.now()) {
            engine.connectors.count(row.target, "waiting")
            try await engine.database.transaction { tx in
                guard var current = try await tx.outbox(row.id), current.state == .pending else { return }
                current.nextAttemptAt = until
                try await tx.updateOutbox(current)
            }
            return
        }
        let outcome = await connector.deliver(ActionDelivery(actionId: row.actionId ?? row.id, idempotencyKey: row.idempotencyKey, payload: row.payload))
        let healthy = if case .retryable = outcome { false } else { true }
        engine.connectors.record(row.target, outcome: outcome.name, healthy: healthy, now: engine.clock.now())
        try await record(row, outcome, settings: settings)
    }

    func record(_ row: Delivery, _ outcome: DeliveryOutcome, settings: ConnectorSettings) async throws {
        SpanNotes.current?.set("clearway.delivery.outcome", outcome.name)
        if case .refused(let reason) = outcome { SpanNotes.current?.fail(reason) }
        if case .retryable(let reason) = outcome { SpanNotes.current?.fail(reason) }
        let now = engine.clock.now(), policy = engine.policy, engine = self.engine
        let jitter = random()
        let deadLettered = try await engine.database.transaction { tx -> Bool in
            guard var current = try await tx.outbox(row.id), current.state == .pending else { return false }
            let effects = current.handle(outcome, settings: settings, jitter: jitter, now: now)
            var action: ActionRecord? = if let id = current.actionId { try await tx.action(id) } else { nil }
            action?.attempts = current.attempts
            let about = (caseId: action?.caseId, exceptionId: action?.exceptionId)
            let steps = ActionSteps(engine: engine, tx: tx, policy: policy, now: now, actor: "system:outbox")
            var dead = false
            for effect in effects {
                switch effect {
                case .deadLettered:
                    dead = true
                case .noteActionFailure(let reason):
                    action?.lastError = reason
                case .moveAction(let transition, let reason, let detail, let error):
                    // The action's own state decides whether the answer moves it: a result
                    // already reported by its system, or a cancellation, stands.
                    let open: Set<ActionState> = transition == .exhausted ? [.queued] : [.queued, .delivered]
                    guard var a = action, open.contains(a.state) else { continue }
                    if transition == .applied || transition == .accepted { a.result = detail }
                    a.lastError = error
                    if !(transition == .accepted && a.state == .delivered) {
                        try await steps.move(&a, transition, reason: reason, detail: detail)
                    }
                    action = nil
                }
            }
            if let a = action { try await tx.updateAction(a) }
            try await tx.updateOutbox(current)
            if row.kind == .notification {
                try await Self.settleNotification(row, current, tx: tx, engine: engine, policy: policy, now: now)
            } else if dead {
                let what = row.kind == .webhook ? "webhook delivery \(row.id) to subscription \(row.target)"
                    : "action \(row.actionId ?? row.id) to \(row.target)"
                try await Self.deadLetterNotice(what: what, why: current.lastError ?? "", consoleOnly: false, caseId: about.caseId,
                                                exceptionId: about.exceptionId, tx: tx, engine: engine, policy: policy, now: now)
            }
            return dead
        }
        if deadLettered {
            engine.connectors.count(row.target, "dead_lettered")
            engine.logger.warning("action delivery dead-lettered", metadata: ["outbox.id": "\(row.id)", "connector": "\(row.target)"])
        }
    }
}

extension OutboxDispatcher {
    /// Signs and sends one webhook; a subscription removed meanwhile drops its deliveries,
    /// and a receiver answering 410 Gone is unsubscribed.
    func deliverWebhook(_ row: Delivery) async throws {
        let settings = engine.webhookDelivery
        guard let (subscription, secret) = try await engine.database.webhookForDelivery(row.target, key: engine.dataKey),
              subscription.disabledAt == nil else {
            try await record(row, .refused(reason: "the subscription was removed"), settings: settings)
            return
        }
        guard let secret else {
            try await record(row, .retryable(reason: "the signing secret cannot be read with this node's data key"), settings: settings)
            return
        }
        let sender = WebhookSender(client: engine.outbound, timeoutSeconds: settings.timeoutSeconds)
        let outcome = await sender.send(url: subscription.url, secret: secret, id: row.id,
                                        timestamp: engine.clock.now().millis / 1000, body: row.payload.canonicalData())
        if case .refused(let reason) = outcome {
            try await engine.database.disableWebhook(subscription.id, reason: reason, at: engine.clock.now(), by: "system:webhooks",
                                                     policyVersion: engine.policy.version)
        }
        try await record(row, outcome, settings: settings)
    }
}

extension DeliveryOutcome {
    var name: String {
        switch self {
        case .applied: "applied"
        case .accepted: "accepted"
        case .refused: "refused"
        case .retryable: "retryable"
        }
    }
}

/// Runs the dispatcher: straight on while there is work, then every `interval`.
public struct OutboxDispatchService: Service {
    let dispatcher: OutboxDispatcher
    let interval: Duration
    let logger: Logger

    let ticker: any Ticker

    public init(dispatcher: OutboxDispatcher, interval: Duration = .milliseconds(250), logger: Logger, ticker: any Ticker = WallTicker()) {
        self.dispatcher = dispatcher; self.interval = interval; self.logger = logger; self.ticker = ticker
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            var handled = 0
            do { handled = try await dispatcher.dispatchOnce() } catch {
                logger.error("outbox pass failed", metadata: ["error": "\(error)"])
            }
            if handled == 0 { await ticker.nextPass(interval) }
        }
    }
}
