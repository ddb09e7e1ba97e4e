/// What the policy says about acting: guardrail limits, who must approve what, which
/// exceptions Clearway may resolve without a person, and how each source system is reached.
public struct ActionPolicy: Sendable, Hashable {
    public var guardrails: GuardrailSettings
    public var approvals: [ApprovalRule]
    public var autoResolution: AutoResolutionPolicy
    public var connectors: [String: ConnectorSettings]

    public init(guardrails: GuardrailSettings = GuardrailSettings(), approvals: [ApprovalRule] = ApprovalRule.defaults,
                autoResolution: AutoResolutionPolicy = AutoResolutionPolicy(), connectors: [String: ConnectorSettings] = [:]) {
        self.guardrails = guardrails; self.approvals = approvals; self.autoResolution = autoResolution; self.connectors = connectors
    }
}

/// Limits the guardrails apply on top of the detection settings (margin floors come from there).
public struct GuardrailSettings: Sendable, Hashable {
    /// Credit exposure after a release may exceed the limit by at most this share (percent).
    public var creditReleaseTolerancePercent: Double
    /// Days a transfer from another DC takes; an allocation must still meet the promise date.
    public var transferDays: Int
    /// A price override may move the price by at most this much (percent) from the order price.
    public var maxPriceChangePercent: Double
    /// The largest ERP/WMS difference (units) a posted count may settle without a recount.
    public var maxCountAdjustmentUnits: Double

    public init(creditReleaseTolerancePercent: Double = 10, transferDays: Int = 2, maxPriceChangePercent: Double = 25,
                maxCountAdjustmentUnits: Double = 50) {
        self.creditReleaseTolerancePercent = creditReleaseTolerancePercent; self.transferDays = transferDays
        self.maxPriceChangePercent = maxPriceChangePercent; self.maxCountAdjustmentUnits = maxCountAdjustmentUnits
    }
}

/// How one source system is reached: an HTTP/JSON endpoint with its delivery limits.
public struct ConnectorSettings: Sendable, Hashable {
    public var url: String
    /// Seconds to wait for the system's answer before the attempt counts as failed.
    public var timeoutSeconds: Double
    /// Attempts before the action goes to the outbox dead letters.
    public var maxAttempts: Int
    /// First retry delay in seconds; doubles per attempt up to `maxBackoffSeconds`, with jitter.
    public var baseBackoffSeconds: Double
    public var maxBackoffSeconds: Double
    /// Consecutive failures that open the circuit, and how long it stays open.
    public var breakerFailures: Int
    public var breakerOpenSeconds: Double
    /// Environment variable holding the bearer token (never the token itself).
    public var tokenEnv: String?

    public init(url: String, timeoutSeconds: Double = 10, maxAttempts: Int = 8, baseBackoffSeconds: Double = 2,
                maxBackoffSeconds: Double = 300, breakerFailures: Int = 5, breakerOpenSeconds: Double = 30, tokenEnv: String? = nil) {
        self.url = url; self.timeoutSeconds = timeoutSeconds; self.maxAttempts = maxAttempts
        self.baseBackoffSeconds = baseBackoffSeconds; self.maxBackoffSeconds = maxBackoffSeconds
        self.breakerFailures = breakerFailures; self.breakerOpenSeconds = breakerOpenSeconds; self.tokenEnv = tokenEnv
    }
}
