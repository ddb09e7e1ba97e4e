import ClearwayCore
import ClearwayEngine
import ClearwayStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

@testable import ClearwayHTTP

/// Every console route, as the console registers it, called by anonymous visitors and by a
/// person of every role: each answers exactly where the route's declared permission says,
/// and refuses (403) everywhere else. A new route is in the table the moment it is
/// registered, so it is covered without anyone remembering to add it here.
@Suite("Console authorization")
struct ConsoleAuthorizationMatrixTests {
    static let password = "matrix-password-12"

    /// The routes the console registers, read from a router built the way the server builds it.
    static func routes(_ engine: ClearwayEngine) -> [ConsoleRoute] {
        ConsoleRoutes(engine: engine, logger: Logger(label: "matrix")).register(on: Router(context: ClearwayRequestContext.self))
    }

    static func concrete(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false)
            .map { $0.hasPrefix(":") ? "X-\($0.dropFirst())" : String($0) }.joined(separator: "/")
    }

    @Test("every console route answers or refuses each role exactly as its declared permission says")
    func everyRouteEveryRole() async throws {
        try await Harness.run(.sqlite) { h in
            let routes = Self.routes(h.engine)
            #expect(routes.count > 30, "the table holds the console's routes")
            #expect(Set(routes.map { "\($0.method) \($0.path)" }).count == routes.count, "each route is declared once")
            for role in Role.allCases {
                _ = try await h.engine.database.createUser(username: "m-\(role.rawValue)", displayName: role.rawValue, role: role,
                                                           password: Self.password, at: h.clock.now(), by: "test setup", rounds: 1_000)
            }
            for route in routes where route.access != .anyone {
                let path = Self.concrete(route.path)
                let anonymous = try await h.send(route.method, path, as: nil, contentType: "application/x-www-form-urlencoded", body: "")
                #expect(anonymous.status == .seeOther, "\(route.method) \(path) without a session")
                #expect(anonymous.headers[.location]?.hasPrefix("/console/login") == true)
                for role in Role.allCases {
                    // The live streams never end for a person allowed to watch them: only refusals are checked.
                    if ConsoleRoutes.streams.contains(route.path), ConsoleRoutes.allows(route.access, role) { continue }
                    let (cookie, csrf) = try await Self.session(h, role)
                    let response = try await h.send(route.method, path, as: nil, contentType: "application/x-www-form-urlencoded",
                                                    body: "csrf=\(csrf)", headers: [.cookie: cookie])
                    let allowed = ConsoleRoutes.allows(route.access, role)
                    if allowed {
                        // Answered: not refused and not sent to sign in (a form may redirect back to its page).
                        let toSignIn = response.status == .seeOther && response.headers[.location]?.hasPrefix("/console/login") == true
                        #expect(response.status != .forbidden && !toSignIn || route.path == "/console/logout",
                                "\(route.method) \(route.path) should answer \(role.rawValue): got \(response.status)")
                    } else {
                        #expect(response.status == .forbidden, "\(route.method) \(route.path) should refuse \(role.rawValue): got \(response.status)")
                    }
                }
            }
        }
    }

    @Test("the engine refuses model promotion, rollback and comments to roles without the permission, whoever calls it")
    func engineChecksEveryCommand() async throws {
        try await Harness.run(.sqlite) { h in
            let viewer = Principal(id: "usr_v", name: "vic", role: .viewer)
            await #expect(throws: EngineError.self) { try await h.engine.promoteModel(version: 1, by: viewer, reason: nil) }
            await #expect(throws: EngineError.self) { try await h.engine.rollbackModel(by: viewer, reason: nil) }
            await #expect(throws: EngineError.self) { _ = try await h.engine.comment(caseId: "C-1", exceptionId: nil, text: "hi", by: viewer) }
            let agent = Principal(id: "usr_a", name: "ann", role: .agent)
            do {
                try await h.engine.promoteModel(version: 1, by: agent, reason: nil)
                Issue.record("an agent promoted a model")
            } catch let error as EngineError {
                #expect(error == .forbidden("role agent may not change which model serves"))
            }
        }
    }

    /// A signed-in session for a role's person: its cookie and CSRF token.
    static func session(_ h: Harness, _ role: Role) async throws -> (cookie: String, csrf: String) {
        let user = try #require(try await h.engine.database.credentials(username: "m-\(role.rawValue)")?.user)
        let (token, session) = try await h.engine.database.createSession(for: user, at: h.clock.now())
        return ("clearway_session=\(token)", session.csrfToken)
    }
}

extension ConsoleRoutes {
    static func allows(_ access: ConsoleAccess, _ role: Role) -> Bool {
        switch access {
        case .anyone, .signedIn: true
        case .permission(let p): role.allows(p)
        }
    }
}
