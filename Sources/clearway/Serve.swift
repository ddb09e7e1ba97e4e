import ArgumentParser
import ClearwayCore
import ClearwayEngine
import ClearwayHTTP
import ClearwayStore
import Foundation
import Hummingbird
import Logging

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the Clearway server (API, SLA timers).")

    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on.") var port = 8080
    @OptionGroup var db: DatabaseOptions
    @OptionGroup var policyOption: PolicyOption
    @OptionGroup var notify: NotificationOptions
    @OptionGroup var sso: SingleSignOnOptions
    @OptionGroup var encoder: EncoderOption
    @Option(help: "Log level: trace, debug, info, notice, warning, error.") var logLevel = "info"
    @Option(help: "File holding the key that seals webhook secrets, created if missing ($CLEARWAY_DATA_KEY wins; give every node the same key).")
    var dataKeyFile = "clearway-data.key"
    @Option(help: "Events waiting to be committed beyond which ingestion answers 429 with Retry-After.") var maxQueuedEvents = 50_000
    @Option(help: "A reverse proxy (address or range, repeatable; also $CLEARWAY_TRUSTED_PROXIES, comma-separated) whose X-Forwarded-For names the client for sign-in and key limits.")
    var trustedProxy: [String] = []
    @Option(help: "Unknown or revoked API keys one client address may send in a minute before it is answered 429 for the rest of it.")
    var failedKeyLimit = 20

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535 (0: any free port)") }
        guard (1...1_000_000).contains(failedKeyLimit) else { throw ValidationError("--failed-key-limit must be 1…1000000") }
        guard (1...10_000_000).contains(maxQueuedEvents) else { throw ValidationError("--max-queued-events must be 1…10000000") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical") }
    }

    func run() async throws {
        let logger = makeLogger(level: Logger.Level(rawValue: logLevel) ?? .info)
        let policy = try policyOption.load()
        let location = try db.location()
        let dataKey: DataKey
        do {
            dataKey = try ProcessInfo.processInfo.environment["CLEARWAY_DATA_KEY"].map { try DataKey(base64: $0) } ?? DataKey.file(dataKeyFile)
        } catch { throw CLIError.badInput("\(error)") }
        var setup = EngineSetup(database: location, policy: policy, dataKey: dataKey, bootstrapToken: try bootstrapTokenFromEnvironment())
        setup.maxQueuedEvents = maxQueuedEvents
        setup.sentenceEncoder = encoder.directory
        setup.notificationChannels = try notify.channels()
        setup.singleSignOn = try sso.settings(publicURL: setup.notificationChannels.publicURL)
        let tracing = try TracingSetup.fromEnvironment()
        if let tracing { setup.telemetry = tracing.telemetry }
        var config = ServeConfiguration(host: host, port: port, engine: setup)
        config.services = tracing.map { [$0.service] } ?? []
        let fromEnvironment = (ProcessInfo.processInfo.environment["CLEARWAY_TRUSTED_PROXIES"] ?? "").split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        config.trustedProxies = trustedProxy + fromEnvironment
        config.failedKeyLimit = failedKeyLimit
        if let problem = config.trustedProxies.lazy.compactMap(ClientAddresses.problem).first { throw CLIError.badInput("--trusted-proxy: \(problem)") }
        let host = self.host
        let (app, _) = try await buildApplication(config, logger: logger, onAdminKey: { outcome in
            switch outcome {
            case .generated(let secret):
                say("""
                    An admin API key was created for this new database. It is shown only now:

                        \(secret)

                    Use it as: Authorization: Bearer <key>
                    """)
            case .createdFromToken:
                say("An admin API key was created from CLEARWAY_BOOTSTRAP_TOKEN.")
            case .keysExist:
                break
            }
        }, onListening: { port in say("Listening on http://\(host):\(port)") })
        say("Clearway on http://\(host):\(port)  database \(location)  policy \(policy.version)")
        if let tracing { say(tracing.summary) }
        if let s = setup.singleSignOn {
            say("Single sign-on through \(s.issuer) (client \(s.clientId)); local passwords \(s.localPasswords ? "on" : "off")")
        }
        try await app.runService()
    }
}
