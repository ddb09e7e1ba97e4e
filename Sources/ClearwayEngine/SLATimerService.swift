import ClearwayCore
import Logging
import ServiceLifecycle

/// Fires due SLA timers on an interval. Timers are rows, so a restart loses none: the next
/// tick after start fires everything that came due while the node was down.
public struct SLATimerService: Service {
    let engine: ClearwayEngine
    let interval: Duration
    let logger: Logger
    let ticker: any Ticker

    public init(engine: ClearwayEngine, interval: Duration = .seconds(1), logger: Logger, ticker: any Ticker = WallTicker()) {
        self.engine = engine; self.interval = interval; self.logger = logger; self.ticker = ticker
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                await engine.refreshBreachRisk()
                let fired = try await engine.fireDueTimers()
                if fired > 0 { logger.info("SLA timers fired", metadata: ["timers.fired": "\(fired)"]) }
                // Escalated and new work in push queues, absences and returns find their owner.
                let routed = try await engine.routeWork()
                if routed > 0 { logger.info("work routed", metadata: ["routing.moved": "\(routed)"]) }
            } catch {
                logger.error("SLA timer pass failed", metadata: ["error": "\(error)"])
            }
            // Wake at once on shutdown rather than at the end of the interval.
            await ticker.nextPass(interval)
        }
    }
}
