import ClearwayCore
import ClearwayEngine
import ClearwayTestSupport
import Foundation
import HTTPTypes
import Testing
@testable import ClearwayHTTP
import ClearwayInsights

@Suite("The console's insights page")
struct ConsoleInsightsTests {
    @Test("a viewer sees the period's KPIs and the backlog chart, filters them, and downloads both tables as CSV; a bad filter is named")
    func insightsPage() async throws {
        try await Harness.run(.sqlite) { h in
            try await ConsoleTests.addPeople(h)
            try await h.post(events: Events.reference + [Events.seedOrder, Events.stockArrives])
            let vic = try #require(try await ConsoleTests.signIn(h, "vic", "vic-password-12").cookie)

            let page = String(buffer: try await h.send(.get, "/console/insights?from=2026-11-01&to=2026-12-01", as: nil, headers: [.cookie: vic]).body)
            #expect(page.contains("<td data-kpi=\"opened\">3</td>"))
            #expect(page.contains("<td data-kpi=\"touchlessRate\">100.0%</td>"))
            #expect(page.contains("<svg role=\"img\" aria-label=\"Open backlog by age at the end of the period\""))
            #expect(page.contains("No exception type concentrates far above its baseline in this period."))
            #expect(page.contains("href=\"/console/insights/kpis.csv?from=2026-11-01&amp;to=2026-12-01\""))

            let pricing = String(buffer: try await h.send(.get, "/console/insights?from=2026-11-01&to=2026-12-01&type=pricing.contract_mismatch", as: nil,
                                                          headers: [.cookie: vic]).body)
            #expect(pricing.contains("<td data-kpi=\"opened\">1</td>"))

            let csv = try await h.send(.get, "/console/insights/kpis.csv?from=2026-11-01&to=2026-12-01", as: nil, headers: [.cookie: vic])
            #expect(csv.headers[.contentType] == "text/csv; charset=utf-8")
            let lines = String(buffer: csv.body).components(separatedBy: "\r\n")
            #expect(lines.first == "kpi,value")
            #expect(lines.contains("opened,3"))
            #expect(lines.contains("from,2026-11-01"))
            let causes = String(buffer: try await h.send(.get, "/console/insights/root-causes.csv", as: nil, headers: [.cookie: vic]).body)
            #expect(causes.hasPrefix("type,dimension,value,count,typeTotal,share,baselineShare,lift,excess,leading,statement\r\n"))

            let bad = try await h.send(.get, "/console/insights?from=last-week", as: nil, headers: [.cookie: vic])
            #expect(bad.status == .badRequest)
            #expect(String(buffer: bad.body).contains("from: &#39;last-week&#39; is not a date (YYYY-MM-DD)"))
            #expect(try await h.send(.get, "/console/insights", as: nil).status == .seeOther, "signed-out visitors go to the sign-in page")
        }
    }

    @Test("the process map draws how exceptions were handled, with its tables, and downloads its transitions as CSV")
    func processMap() async throws {
        try await Harness.run(.sqlite) { h in
            try await ConsoleTests.addPeople(h)
            try await h.post(events: Events.reference + [Events.seedOrder, Events.stockArrives])
            let vic = try #require(try await ConsoleTests.signIn(h, "vic", "vic-password-12").cookie)
            let page = String(buffer: try await h.send(.get, "/console/insights/process?from=2026-11-01&to=2026-12-01", as: nil, headers: [.cookie: vic]).body)
            #expect(page.contains("3 exceptions"))
            #expect(page.contains("class=\"process-map\""))
            #expect(page.contains("opened in inventory → cleared (cause gone)"))
            #expect(page.contains("<a href=\"/v1/insights/ocel?from=2026-11-01&amp;to=2026-12-01\">OCEL 2.0 export</a>"))
            let csv = String(buffer: try await h.send(.get, "/console/insights/process.csv?from=2026-11-01&to=2026-12-01", as: nil, headers: [.cookie: vic]).body)
            #expect(csv.hasPrefix("from,to,count,medianSeconds,meanSeconds\r\n"))
            #expect(csv.contains("opened in inventory,cleared (cause gone),1,"))
            let quiet = String(buffer: try await h.send(.get, "/console/insights/process?from=2026-01-01&to=2026-02-01", as: nil, headers: [.cookie: vic]).body)
            #expect(quiet.contains("No steps recorded in this period."))
        }
    }

    @Test("an imported external log is listed and mined on the object type chosen; unknown types and logs are named")
    func importedLog() async throws {
        try await Harness.run(.sqlite) { h in
            try await ConsoleTests.addPeople(h)
            let csv = """
            ocel:eid,ocel:activity,ocel:timestamp,ocel:type:orders,ocel:type:items
            1,place order,2020-01-01 08:00:00Z,['o1'],"['i1','i2']"
            2,place order,2020-01-01 09:00:00Z,['o2'],['i3']
            3,pick item,2020-01-01 10:00:00Z,,"['i1','i3']"
            4,confirm order,2020-01-01 12:00:00Z,"['o1','o2']",
            """
            let log = try OCELCSVReader.read(Array(csv.utf8))
            let stored = try await h.engine.importEventLog(log, name: "orders <2020>", by: Principal(id: "cli", name: "test", role: .admin))
            #expect(stored.objectTypes == ["orders", "items"])
            let vic = try #require(try await ConsoleTests.signIn(h, "vic", "vic-password-12").cookie)
            let list = String(buffer: try await h.send(.get, "/console/insights/logs", as: nil, headers: [.cookie: vic]).body)
            #expect(list.contains("<a href=\"/console/insights/logs/\(stored.id)\">orders &lt;2020&gt;</a>"))
            let orders = String(buffer: try await h.send(.get, "/console/insights/logs/\(stored.id)", as: nil, headers: [.cookie: vic]).body)
            #expect(orders.contains("2 cases, 4 events, 1 variants"))
            #expect(orders.contains("place order → confirm order"))
            let items = String(buffer: try await h.send(.get, "/console/insights/logs/\(stored.id)?objectType=items", as: nil, headers: [.cookie: vic]).body)
            #expect(items.contains("3 cases, 5 events"))
            let wrong = try await h.send(.get, "/console/insights/logs/\(stored.id)?objectType=packages", as: nil, headers: [.cookie: vic])
            #expect(wrong.status == .badRequest)
            #expect(String(buffer: wrong.body).contains("This log has no objects of type packages; it has orders, items."))
            #expect(try await h.send(.get, "/console/insights/logs/LOG-NOPE", as: nil, headers: [.cookie: vic]).status == .notFound)
            let transitions = String(buffer: try await h.send(.get, "/console/insights/logs/\(stored.id)/transitions.csv?objectType=items", as: nil, headers: [.cookie: vic]).body)
            #expect(transitions.contains("place order,pick item,2,"))
        }
    }

    @Test("a supervisor tries a changed policy on the history in the console; a viewer may not, and a broken policy is named by line")
    func backtestPage() async throws {
        try await Harness.run(.sqlite) { h in
            try await ConsoleTests.addPeople(h)
            _ = try await h.engine.database.createUser(username: "sue", displayName: "Sue Supervisor", role: .supervisor, password: "sue-password-123",
                                                       at: h.clock.now(), by: "test setup", rounds: 1_000)
            try await h.post(events: Events.reference + [Events.seedOrder])
            let sue = try #require(try await ConsoleTests.signIn(h, "sue", "sue-password-123").cookie)
            let formPage = String(buffer: try await h.send(.get, "/console/insights/backtest", as: nil, headers: [.cookie: sue]).body)
            #expect(formPage.contains("approveUpToVariancePercent: 10"), "the form starts from the policy that ships")
            let csrf = try #require(formPage.firstMatch(of: /name="csrf" value="([^"]+)"/)?.1)
            let policy = try String(contentsOf: try #require(DefaultPolicy.url), encoding: .utf8)
                .replacingOccurrences(of: "      maxVariancePercent: 10 ", with: "      maxVariancePercent: 2  ")
                .replacingOccurrences(of: "      approveUpToVariancePercent: 10 ", with: "      approveUpToVariancePercent: 20 ")
            func post(_ text: String, as cookie: String) async throws -> (HTTPResponse.Status, String) {
                let body = "csrf=\(csrf)&from=2026-11-01&to=2026-12-01&policy=" + (text.addingPercentEncoding(withAllowedCharacters: ConsoleHTTP.unreserved) ?? "")
                let r = try await h.send(.post, "/console/insights/backtest", as: nil, contentType: "application/x-www-form-urlencoded", body: body,
                                         headers: [.cookie: cookie])
                return (r.status, String(buffer: r.body))
            }
            let (status, result) = try await post(policy, as: sue)
            #expect(status == .ok)
            // The 14.9% price on SO-1 is left to people today; with an approval limit of 20% it goes to a pricing approver.
            #expect(result.contains("<td data-backtest=\"pricing approvals needed\">1</td>"), "\(result.prefix(3000))")
            let (badStatus, bad) = try await post("version: \"x\"\nautoResolution:\n  mode: sometimes\n", as: sue)
            #expect(badStatus == .badRequest)
            #expect(bad.contains("line 3, column 9: autoResolution.mode must be act or recommend_only, found &#39;sometimes&#39;"), "\(bad.prefix(2000))")
            let vic = try #require(try await ConsoleTests.signIn(h, "vic", "vic-password-12").cookie)
            #expect(try await h.send(.get, "/console/insights/backtest", as: nil, headers: [.cookie: vic]).status == .forbidden)
        }
    }

    @Test("CSV cells that would run as spreadsheet formulas are quoted")
    func csvFormulaGuard() {
        #expect(CSVText.cell("=HYPERLINK(\"x\")") == "\"'=HYPERLINK(\"\"x\"\")\"")
        #expect(CSVText.cell("-12.5") == "-12.5")
        #expect(CSVText.cell("@cmd") == "'@cmd")
        #expect(CSVText.cell("a,b") == "\"a,b\"")
    }
}
