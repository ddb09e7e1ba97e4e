import ClearwayCore
import Hummingbird
import Synchronization

/// What a person needs to use a console route. Every route declares one when it is
/// registered, so there is no route without a decision; the engine checks the permission
/// of each command again, whoever calls it.
enum ConsoleAccess: Sendable, Hashable {
    /// No session needed: the sign-in form, the script, the redirect to the console.
    case anyone
    /// Any signed-in person (signing out).
    case signedIn
    /// A signed-in person whose role has this permission.
    case permission(Permission)
}

/// One console route as registered: the table the console authorization test walks.
struct ConsoleRoute: Sendable, Hashable {
    let method: HTTPRequest.Method
    let path: String
    let access: ConsoleAccess
}

/// The console's routes in the order they were registered.
final class ConsoleRouteTable: Sendable {
    private let routes = Mutex<[ConsoleRoute]>([])
    var all: [ConsoleRoute] { routes.withLock { $0 } }
    func add(_ route: ConsoleRoute) { routes.withLock { $0.append(route) } }
}

extension ConsoleRoutes {
    typealias Form = [String: [String]]
    typealias PageHandler = @Sendable (Request, ClearwayRequestContext, ConsoleSession, Form) async throws -> Response

    /// Registers a page that needs a session (and, for POST, the session's CSRF token)
    /// and a role with `access`'s permission; anything else is refused before `handler` runs.
    func route(_ router: Router<ClearwayRequestContext>, _ method: HTTPRequest.Method, _ path: String, _ access: ConsoleAccess,
               _ handler: @escaping PageHandler) {
        precondition(access != .anyone, "a page with a session handler needs a session")
        table.add(ConsoleRoute(method: method, path: path, access: access))
        router.on(RouterPath(path), method: method) { request, context in
            try await page(request, post: method == .post, access: access) { session, form in
                try await handler(request, context, session, form)
            }
        }
    }

    /// Registers a route anyone may call (no session).
    func open(_ router: Router<ClearwayRequestContext>, _ method: HTTPRequest.Method, _ path: String,
              _ handler: @escaping @Sendable (Request) async throws -> Response) {
        table.add(ConsoleRoute(method: method, path: path, access: .anyone))
        router.on(RouterPath(path), method: method) { request, _ in try await handler(request) }
    }

    /// Refuses a person whose role lacks what the route needs.
    static func check(_ access: ConsoleAccess, _ session: ConsoleSession) throws {
        guard case .permission(let permission) = access, session.user.principal.refusal(permission) != nil else { return }
        throw ConsoleFailure.forbidden("Your role (\(session.user.role.rawValue)) may not \(permission.phrase).")
    }
}
