import Hummingbird
import NIOCore

/// Hummingbird's request context plus the client's address, which sign-in limits and
/// failed-key throttling count by.
public struct ClearwayRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// The client's IP address as text, or `unknown` (in-process tests have none).
    public var clientAddress: String { remoteAddress?.ipAddress ?? "unknown" }
}
