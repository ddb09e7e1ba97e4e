import Logging
import ServiceLifecycle

/// Keeps the serving classifier in step with the store: loads it at start, then re-reads
/// which version serves on an interval, so a promotion or rollback on another node reaches
/// this one. Intake never waits for it.
public struct ModelRefreshService: Service {
    let engine: ClearwayEngine
    let interval: Duration
    let ticker: any Ticker

    public init(engine: ClearwayEngine, interval: Duration = .seconds(30), ticker: any Ticker = WallTicker()) {
        self.engine = engine; self.interval = interval; self.ticker = ticker
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            await engine.loadServingModel()
            await ticker.nextPass(interval)
        }
    }
}
