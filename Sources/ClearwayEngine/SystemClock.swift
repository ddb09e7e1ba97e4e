import ClearwayCore
import Foundation

/// The wall clock, for production. Logic never reads it directly: it is injected as a
/// `BusinessClock`, so tests and the simulator can use a `ManualClock` instead.
public struct SystemClock: BusinessClock {
    public init() {}
    public func now() -> Instant { Instant(Date()) }
}
