import SQLKit

extension Database {
    /// For memory benchmarks only: copies one real open case with a single exception (and
    /// its SLA timer) `count` times under new ids and order keys, in one statement per table,
    /// so a store holds a million open cases in seconds. Returns the number of cases added.
    /// Column names come from the table itself and the ids from fixed prefixes, never input.
    public func cloneOpenCasesForBenchmark(count: Int) async throws -> Int {
        try await transaction { tx in
            guard let template = try await tx.sql.raw("""
                SELECT c.id AS case_id, e.id AS exception_id FROM cases c JOIN exceptions e ON e.case_id = c.id
                WHERE c.closed_at IS NULL AND c.exception_count = 1 ORDER BY c.id LIMIT 1
                """).first() else { return 0 }
            let caseId = try template.decode(column: "case_id", as: String.self)
            let exceptionId = try template.decode(column: "exception_id", as: String.self)
            func columns(_ table: String) async throws -> [String] {
                try await tx.sql.raw("SELECT * FROM \(unsafeRaw: table) LIMIT 1").first()?.allColumns ?? []
            }
            let numbers = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < \(count))"
            func copy(_ table: String, replacing: [String: String], where condition: String, _ key: String) async throws {
                let names = try await columns(table)
                let values = names.map { replacing[$0] ?? "t.\($0)" }
                try await tx.sql.raw(SQLQueryString("""
                    INSERT INTO \(table) (\(names.joined(separator: ", "))) \(numbers)
                    SELECT \(values.joined(separator: ", ")) FROM n, \(table) t WHERE t.\(condition) = 
                    """) + "\(bind: key)").run()
            }
            try await copy("cases", replacing: ["id": "'BENCH-CASE-' || n.i", "order_key": "'BENCH-ORDER-' || n.i", "order_id": "'BENCH-SO-' || n.i"],
                           where: "id", caseId)
            try await copy("exceptions", replacing: ["id": "'BENCH-EXC-' || n.i", "case_id": "'BENCH-CASE-' || n.i"], where: "id", exceptionId)
            try await copy("timers", replacing: ["id": "'BENCH-TMR-' || n.i || '-' || t.kind", "exception_id": "'BENCH-EXC-' || n.i", "case_id": "'BENCH-CASE-' || n.i"],
                           where: "exception_id", exceptionId)
            return count
        }
    }
}

extension StoreTransaction {
    /// The bare write a claim makes, for the routing benchmark's reference.
    public func benchmarkSetAssignee(_ exceptionId: String, to assignee: String) async throws {
        try await sql.raw("UPDATE exceptions SET assignee = \(bind: assignee) WHERE id = \(bind: exceptionId)").run()
    }
}
