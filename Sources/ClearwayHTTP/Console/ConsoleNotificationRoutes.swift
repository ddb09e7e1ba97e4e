import ClearwayCore
import ClearwayEngine
import Hummingbird

/// The bell: a person's notifications, the live unread count and marking them read.
extension ConsoleRoutes {
    func registerNotifications(on router: Router<ClearwayRequestContext>) {
        open(router, .get, "/console/bell.js") { _ in
            var headers = ConsoleHTTP.securityHeaders
            headers[.contentType] = "text/javascript; charset=utf-8"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: NotificationViews.script)))
        }
        route(router, .get, "/console/notifications", .permission(.readCases)) { request, _, session, _ in
            let unreadOnly = request.uri.queryParameters["unread"] == "1"
            let (unread, items) = try await engine.notifications(by: session.user.principal, unreadOnly: unreadOnly, limit: 200)
            return ConsoleHTTP.html(NotificationViews.page(items: items, unread: unread, unreadOnly: unreadOnly, session: session,
                                                           notice: Layout.notice(ConsoleHTTP.notice(request, session))))
        }
        route(router, .get, "/console/notifications/stream", .permission(.readCases)) { _, _, session, _ in
            bellStream(by: session.user.principal)
        }
        route(router, .post, "/console/notifications/read", .permission(.readCases)) { _, _, session, form in
            let ids = form["id"].map { $0.filter { !$0.isEmpty } }
            if let ids, ids.isEmpty { throw ConsoleFailure.badRequest("Choose the notifications to mark read.") }
            let marked = try await engine.markNotificationsRead(ids, by: session.user.principal)
            return ConsoleHTTP.redirect("/console/notifications" + ConsoleHTTP.done("Marked \(marked) read", session))
        }
    }
}

enum NotificationViews {
    static func page(items: [NotificationRecord], unread: Int, unreadOnly: Bool, session: ConsoleSession, notice: HTML) -> HTML {
        let rows = items.map { n -> HTML in
            let link: HTML = n.caseId.map { "<a href=\"/console/cases/\($0)\">\(n.orderId ?? $0)</a>" } ?? ""
            let state: HTML = n.readAt == nil ? "<strong>unread</strong>" : "read"
            let mark: HTML = n.readAt != nil ? "" : """
                <form method="post" action="/console/notifications/read">\(Layout.csrfField(session))<input type="hidden" name="id" value="\(n.id)">\
                <button type="submit" class="secondary">Mark read</button></form>
                """
            return "<tr><td>\(Format.time(n.createdAt))</td><td>\(n.trigger.rawValue)</td><td>\(n.title)<br><span class=\"muted\">\(n.body)</span></td><td>\(link)</td><td>\(state)</td><td>\(mark)</td></tr>"
        }
        let filter: HTML = unreadOnly ? "<a href=\"/console/notifications\">Show all</a>" : "<a href=\"/console/notifications?unread=1\">Only unread</a>"
        let markAll: HTML = unread == 0 ? "" : """
            <form method="post" action="/console/notifications/read" class="actions">\(Layout.csrfField(session))<button type="submit">Mark all \(unread) read</button></form>
            """
        let table: HTML = items.isEmpty ? "<p class=\"muted\">Nothing to show. Escalation ladders in the policy say who is told what.</p>" : """
            <div class="tablewrap"><table><thead><tr><th scope="col">When</th><th scope="col">About</th><th scope="col">What</th><th scope="col">Case</th>\
            <th scope="col">State</th><th scope="col"><span class="sr">Mark read</span></th></tr></thead><tbody>\(rows)</tbody></table></div>
            """
        return Layout.page(title: "Notifications", session: session, body: """
            \(notice)<p>\(unread) unread · \(filter) · <a href="/console/preferences">Where notifications reach you</a></p>\(markAll)\(table)
            """)
    }

    /// Keeps the bell's count live: the server sends it again whenever it changes.
    static let script = """
    (function(){var c=document.getElementById('bell-count'),b=document.getElementById('bell');if(!c||!b||!window.EventSource)return;
    var s=new EventSource('/console/notifications/stream');s.addEventListener('unread',function(e){var n=parseInt(e.data,10)||0;
    c.textContent=n>0?String(n):'';c.hidden=n===0;b.setAttribute('aria-label','Notifications, '+n+' unread');});})();
    """
}
