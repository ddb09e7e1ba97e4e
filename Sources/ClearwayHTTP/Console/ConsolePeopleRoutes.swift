import ClearwayCore
import ClearwayEngine
import Foundation
import Hummingbird

/// The daily job: My work with Get next, saved views, the supervisor's Workload page and
/// people's skills, capacity and availability.
extension ConsoleRoutes {
    func registerPeople(on router: Router<ClearwayRequestContext>) {
        route(router, .get, "/console/work", .permission(.readCases)) { request, _, session, _ in
            let principal = session.user.principal
            async let work = engine.myWork(by: principal)
            async let views = engine.savedViews(by: principal)
            return ConsoleHTTP.html(WorkPages.myWork(try await work, views: try await views, session: session, now: engine.clock.now(),
                                                     notice: Layout.notice(ConsoleHTTP.notice(request, session))))
        }
        route(router, .post, "/console/work/next", .permission(.workExceptions)) { _, _, session, _ in
            switch try await engine.getNext(by: session.user.principal) {
            case .claimed(let c, _, let reason):
                return ConsoleHTTP.redirect("/console/cases/\(c.id)" + ConsoleHTTP.done(reason, session))
            case .nothing(let reason):
                return ConsoleHTTP.redirect("/console/work" + ConsoleHTTP.done("Nothing to take: " + reason, session))
            }
        }
        route(router, .post, "/console/views", .permission(.readCases)) { _, _, session, form in
            func text(_ key: String) -> String? { form[key]?.first.flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 } }
            let queue = text("queue") ?? ""
            let draft = SavedView(id: "", owner: session.user.username, name: text("name") ?? "", team: form["share"]?.first == "1" ? queue : nil,
                                  queue: queue, type: text("type"), site: text("site"), customerId: text("customer"), tier: text("tier"),
                                  minAgeHours: text("minAgeHours").flatMap(Double.init), sort: text("sort") ?? "priority", createdAt: engine.clock.now())
            do {
                let view = try await engine.saveView(draft, by: session.user.principal)
                return ConsoleHTTP.redirect(WorkPages.link(view) + "&" + String(ConsoleHTTP.done("View '\(view.name)' saved", session).dropFirst()))
            } catch EngineError.invalidFields(let problems) {
                throw ConsoleFailure.badRequest("The view was not saved: " + problems.map { "\($0.pointer.dropFirst()) \($0.detail)" }.joined(separator: "; ") + ".")
            }
        }
        route(router, .post, "/console/views/:view/delete", .permission(.readCases)) { _, context, session, _ in
            try await engine.deleteView(try context.parameters.require("view"), by: session.user.principal)
            return ConsoleHTTP.redirect("/console/work" + ConsoleHTTP.done("View deleted", session))
        }
        route(router, .get, "/console/workload", .permission(.readCases)) { request, _, session, _ in
            let report = try await engine.workload(days: 7, by: session.user.principal)
            return ConsoleHTTP.html(WorkPages.workload(report, session: session, notice: Layout.notice(ConsoleHTTP.notice(request, session))))
        }
        route(router, .get, "/console/people", .permission(.readCases)) { request, _, session, _ in
            let people = try await engine.roster(by: session.user.principal)
            return ConsoleHTTP.html(PeoplePages.list(people, session: session, now: engine.clock.now(),
                                                     notice: Layout.notice(ConsoleHTTP.notice(request, session))))
        }
        route(router, .get, "/console/people/:username", .permission(.readCases)) { request, context, session, _ in
            let entry = try await engine.person(try context.parameters.require("username"), by: session.user.principal)
            let everyone = try await engine.roster(by: session.user.principal).map(\.user.username)
            return ConsoleHTTP.html(PeoplePages.edit(entry, policy: engine.policy, everyone: everyone, session: session, now: engine.clock.now(),
                                                     notice: Layout.notice(ConsoleHTTP.notice(request, session))))
        }
        route(router, .post, "/console/people/:username", .permission(.workExceptions)) { _, context, session, form in
            let username = try context.parameters.require("username")
            var profile = try await engine.person(username, by: session.user.principal).profile
            try PeoplePages.apply(form, to: &profile, supervisor: session.user.role.allows(.assignOthers), now: engine.clock.now())
            do {
                try await engine.savePerson(profile, by: session.user.principal)
            } catch EngineError.invalidFields(let problems) {
                throw ConsoleFailure.badRequest("Not saved: " + problems.map { "\(PeoplePages.label($0.pointer)) \($0.detail)" }.joined(separator: "; ") + ".")
            }
            return ConsoleHTTP.redirect("/console/people/\(username)" + ConsoleHTTP.done("Saved; work moves at once if availability changed", session))
        }
    }
}
