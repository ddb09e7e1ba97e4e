import SQLKit

/// Schema changes, applied in order, each once. Append new migrations at the end; never
/// edit one that has shipped. The SQL is literal and the same for both databases: no
/// auto-increment columns (ids are assigned by Clearway), integers for times, text for JSON.
enum Migrations {
    static let all: [(name: String, statements: [String])] = [
        ("0001_core_loop", [
            """
            CREATE TABLE inbox (
                source TEXT NOT NULL, event_id TEXT NOT NULL, type TEXT NOT NULL,
                received_at BIGINT NOT NULL, outcome TEXT NOT NULL, cases TEXT NOT NULL, event TEXT NOT NULL,
                PRIMARY KEY (source, event_id))
            """,
            """
            CREATE TABLE dead_letters (
                id TEXT PRIMARY KEY, source TEXT NOT NULL, event_id TEXT NOT NULL, type TEXT NOT NULL,
                reason_code TEXT NOT NULL, reason TEXT NOT NULL, event TEXT NOT NULL,
                received_at BIGINT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL,
                resolved_at BIGINT)
            """,
            "CREATE INDEX dead_letters_status ON dead_letters (status, received_at)",
            "CREATE UNIQUE INDEX dead_letters_event ON dead_letters (source, event_id)",
            "CREATE TABLE customers (id TEXT PRIMARY KEY, doc TEXT NOT NULL, updated_at BIGINT NOT NULL)",
            "CREATE TABLE products (sku TEXT PRIMARY KEY, doc TEXT NOT NULL, updated_at BIGINT NOT NULL)",
            """
            CREATE TABLE contracts (customer_id TEXT NOT NULL, sku TEXT NOT NULL, doc TEXT NOT NULL,
                updated_at BIGINT NOT NULL, PRIMARY KEY (customer_id, sku))
            """,
            """
            CREATE TABLE inventory (site TEXT NOT NULL, sku TEXT NOT NULL, doc TEXT NOT NULL,
                updated_at BIGINT NOT NULL, PRIMARY KEY (site, sku))
            """,
            """
            CREATE TABLE carrier_capacity (carrier TEXT NOT NULL, lane TEXT NOT NULL, ship_date TEXT NOT NULL,
                doc TEXT NOT NULL, updated_at BIGINT NOT NULL, PRIMARY KEY (carrier, lane, ship_date))
            """,
            "CREATE INDEX carrier_capacity_lane ON carrier_capacity (lane, ship_date)",
            """
            CREATE TABLE supplier_etas (purchase_order TEXT NOT NULL, sku TEXT NOT NULL, site TEXT NOT NULL,
                doc TEXT NOT NULL, updated_at BIGINT NOT NULL, PRIMARY KEY (purchase_order, sku))
            """,
            "CREATE INDEX supplier_etas_site_sku ON supplier_etas (site, sku)",
            """
            CREATE TABLE milestones (order_id TEXT NOT NULL, shipment_id TEXT NOT NULL, doc TEXT NOT NULL,
                updated_at BIGINT NOT NULL, PRIMARY KEY (order_id, shipment_id))
            """,
            "CREATE TABLE picks (order_id TEXT PRIMARY KEY, doc TEXT NOT NULL, updated_at BIGINT NOT NULL)",
            """
            CREATE TABLE messages (message_id TEXT PRIMARY KEY, customer_id TEXT NOT NULL, order_id TEXT,
                doc TEXT NOT NULL, received_at BIGINT NOT NULL)
            """,
            "CREATE INDEX messages_order ON messages (order_id)",
            """
            CREATE TABLE orders (id TEXT PRIMARY KEY, customer_id TEXT NOT NULL, site TEXT NOT NULL, lane TEXT,
                ship_date TEXT NOT NULL, status TEXT NOT NULL, active INTEGER NOT NULL, total BIGINT NOT NULL,
                doc TEXT NOT NULL, updated_at BIGINT NOT NULL)
            """,
            "CREATE INDEX orders_customer_active ON orders (customer_id, active)",
            "CREATE INDEX orders_lane_date ON orders (lane, ship_date, active)",
            """
            CREATE TABLE order_skus (order_id TEXT NOT NULL, site TEXT NOT NULL, sku TEXT NOT NULL,
                PRIMARY KEY (order_id, sku))
            """,
            "CREATE INDEX order_skus_site_sku ON order_skus (site, sku)",
            """
            CREATE TABLE cases (id TEXT PRIMARY KEY, order_key TEXT NOT NULL, order_id TEXT,
                customer_id TEXT NOT NULL, customer_tier TEXT NOT NULL, segment TEXT, site TEXT NOT NULL,
                channel TEXT, state TEXT NOT NULL, priority DOUBLE PRECISION NOT NULL, money_at_risk BIGINT NOT NULL,
                exception_count INTEGER NOT NULL, opened_at BIGINT NOT NULL, updated_at BIGINT NOT NULL,
                closed_at BIGINT, policy_version TEXT NOT NULL)
            """,
            "CREATE UNIQUE INDEX cases_one_open_per_order ON cases (order_key) WHERE closed_at IS NULL",
            "CREATE INDEX cases_state_priority ON cases (state, priority)",
            "CREATE INDEX cases_order ON cases (order_id)",
            """
            CREATE TABLE exceptions (id TEXT PRIMARY KEY, case_id TEXT NOT NULL, identity TEXT NOT NULL,
                type TEXT NOT NULL, queue TEXT NOT NULL, state TEXT NOT NULL, assignee TEXT,
                escalation TEXT NOT NULL, priority DOUBLE PRECISION NOT NULL, priority_parts TEXT NOT NULL,
                finding TEXT NOT NULL, lifecycle TEXT NOT NULL, sla TEXT NOT NULL, due_at BIGINT NOT NULL,
                at_risk_at BIGINT NOT NULL, opened_at BIGINT NOT NULL, updated_at BIGINT NOT NULL,
                closed_at BIGINT, resolution_code TEXT, decided_by TEXT NOT NULL)
            """,
            "CREATE INDEX exceptions_case ON exceptions (case_id)",
            "CREATE INDEX exceptions_queue_state ON exceptions (queue, state)",
            """
            CREATE TABLE timers (id TEXT PRIMARY KEY, exception_id TEXT NOT NULL, case_id TEXT NOT NULL,
                kind TEXT NOT NULL, due_at BIGINT NOT NULL, fired_at BIGINT)
            """,
            "CREATE INDEX timers_pending ON timers (fired_at, due_at)",
            "CREATE INDEX timers_exception ON timers (exception_id)",
            """
            CREATE TABLE audit_log (seq BIGINT PRIMARY KEY, at BIGINT NOT NULL, actor TEXT NOT NULL,
                case_id TEXT, exception_id TEXT, action TEXT NOT NULL, before_state TEXT, after_state TEXT,
                reason TEXT, detail TEXT, policy_version TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL)
            """,
            "CREATE INDEX audit_log_case ON audit_log (case_id, seq)",
            "CREATE TABLE audit_head (id INTEGER PRIMARY KEY, seq BIGINT NOT NULL, hash TEXT NOT NULL)",
            "INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, 'genesis')",
            """
            CREATE TABLE api_keys (id TEXT PRIMARY KEY, name TEXT NOT NULL, prefix TEXT NOT NULL,
                secret_hash TEXT NOT NULL, role TEXT NOT NULL, created_at BIGINT NOT NULL,
                revoked_at BIGINT)
            """,
            "CREATE UNIQUE INDEX api_keys_secret ON api_keys (secret_hash)",
        ]),
        ("0002_reference_version", [
            // Bumped by every reference-data write, so each node can tell in one read
            // whether its in-memory copy of reference data is still current.
            "CREATE TABLE reference_version (id INTEGER PRIMARY KEY, version BIGINT NOT NULL)",
            "INSERT INTO reference_version (id, version) VALUES (1, 0)",
        ]),
        ("0003_console_users", [
            // People who sign in to the console. Passwords are stored as PBKDF2 hashes;
            // sessions by the SHA-256 of their token, never the token itself.
            """
            CREATE TABLE users (id TEXT PRIMARY KEY, username TEXT NOT NULL, display_name TEXT NOT NULL,
                role TEXT NOT NULL, password_hash TEXT NOT NULL, created_at BIGINT NOT NULL, disabled_at BIGINT)
            """,
            "CREATE UNIQUE INDEX users_username ON users (username)",
            """
            CREATE TABLE sessions (token_hash TEXT PRIMARY KEY, user_id TEXT NOT NULL, csrf_token TEXT NOT NULL,
                created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL)
            """,
            "CREATE INDEX sessions_user ON sessions (user_id)",
            """
            CREATE TABLE login_failures (username TEXT NOT NULL, at BIGINT NOT NULL)
            """,
            "CREATE INDEX login_failures_user ON login_failures (username, at)",
        ]),
        ("0004_actions", [
            // Closed without a person: cause removed, or cleared by a touchless rule's action.
            "ALTER TABLE exceptions ADD COLUMN touchless INTEGER NOT NULL DEFAULT 0",
            "UPDATE exceptions SET touchless = 1 WHERE resolution_code = 'cause_removed'",
            """
            CREATE TABLE actions (id TEXT PRIMARY KEY, case_id TEXT NOT NULL, exception_id TEXT NOT NULL, kind TEXT NOT NULL,
                parameters TEXT NOT NULL, state TEXT NOT NULL, system TEXT NOT NULL, requested_by TEXT NOT NULL,
                requester_id TEXT NOT NULL, requested_at BIGINT NOT NULL, rule_id TEXT, override_reason TEXT, approval TEXT,
                decided_by TEXT, decided_at BIGINT, decision_reason TEXT, assessment TEXT NOT NULL, attempts INTEGER NOT NULL,
                last_error TEXT, result TEXT, completed_at BIGINT, updated_at BIGINT NOT NULL)
            """,
            "CREATE INDEX actions_case ON actions (case_id, requested_at)",
            "CREATE INDEX actions_state ON actions (state, requested_at)",
            // Deliveries to source systems and webhook subscribers, written in the same
            // transaction as the decision that caused them.
            """
            CREATE TABLE outbox (id TEXT PRIMARY KEY, action_id TEXT, kind TEXT NOT NULL, target TEXT NOT NULL,
                payload TEXT NOT NULL, idempotency_key TEXT NOT NULL, state TEXT NOT NULL, attempts INTEGER NOT NULL,
                next_attempt_at BIGINT NOT NULL, lease_until BIGINT, last_error TEXT, created_at BIGINT NOT NULL,
                delivered_at BIGINT)
            """,
            "CREATE INDEX outbox_due ON outbox (state, next_attempt_at)",
            "CREATE INDEX outbox_action ON outbox (action_id)",
        ]),
        ("0005_webhooks", [
            // Subscribers to case, exception and action changes. The signing secret is
            // sealed with the data key: Clearway must read it back to sign, so it cannot be
            // a one-way hash like API keys and passwords.
            """
            CREATE TABLE webhook_subscriptions (id TEXT PRIMARY KEY, url TEXT NOT NULL, description TEXT,
                events TEXT NOT NULL, secret_sealed TEXT NOT NULL, created_at BIGINT NOT NULL, disabled_at BIGINT,
                disabled_reason TEXT)
            """,
        ]),
        ("0006_edi", [
            // Orders that arrived by EDI, with what an 855 needs to answer them.
            """
            CREATE TABLE edi_orders (order_id TEXT PRIMARY KEY, partner TEXT NOT NULL, purchase_order TEXT NOT NULL,
                context TEXT NOT NULL, received_at BIGINT NOT NULL, acknowledged_at BIGINT)
            """,
            // Documents Clearway wrote for partners (855s), kept for pickup and audit.
            """
            CREATE TABLE edi_outbound (id TEXT PRIMARY KEY, partner TEXT NOT NULL, kind TEXT NOT NULL, order_id TEXT NOT NULL,
                purchase_order TEXT NOT NULL, created_at BIGINT NOT NULL, document TEXT NOT NULL)
            """,
            "CREATE INDEX edi_outbound_order ON edi_outbound (order_id, created_at)",
        ]),
        ("0007_insights", [
            // The item and product family an exception concerns, as columns, so KPIs and
            // root-cause analysis group by them without reading every finding's JSON.
            "ALTER TABLE exceptions ADD COLUMN sku TEXT",
            "ALTER TABLE exceptions ADD COLUMN product_family TEXT",
            // The exception's own money at risk (ten-thousandths), kept after it closes.
            "ALTER TABLE exceptions ADD COLUMN money_at_risk BIGINT",
        ]),
        ("0008_event_logs", [
            // External event logs imported for analysis, kept as OCEL 2.0 JSON.
            """
            CREATE TABLE event_logs (id TEXT PRIMARY KEY, name TEXT NOT NULL, imported_at BIGINT NOT NULL, imported_by TEXT NOT NULL,
                events INTEGER NOT NULL, objects INTEGER NOT NULL, object_types TEXT NOT NULL, document TEXT NOT NULL)
            """,
        ]),
        ("0009_models", [
            // Trained models, one row per version, with the file itself (base64), its
            // training data hash and metrics; which version serves is the replay of
            // model_serving (promote pushes, rollback pops).
            """
            CREATE TABLE model_versions (kind TEXT NOT NULL, version INTEGER NOT NULL, created_at BIGINT NOT NULL, created_by TEXT NOT NULL,
                data_hash TEXT NOT NULL, summary TEXT NOT NULL, artefact TEXT NOT NULL, PRIMARY KEY (kind, version))
            """,
            """
            CREATE TABLE model_serving (kind TEXT NOT NULL, seq INTEGER NOT NULL, version INTEGER NOT NULL, change TEXT NOT NULL,
                changed_by TEXT NOT NULL, changed_at BIGINT NOT NULL, reason TEXT, PRIMARY KEY (kind, seq))
            """,
            // A person's correction of how a message was read: a labelled example for the next training.
            """
            CREATE TABLE training_examples (id TEXT PRIMARY KEY, kind TEXT NOT NULL, text TEXT NOT NULL, label TEXT NOT NULL,
                previous_label TEXT, source_id TEXT, added_by TEXT NOT NULL, added_at BIGINT NOT NULL)
            """,
            "CREATE INDEX messages_received ON messages (received_at)",
        ]),
        ("0010_recommendation_feedback", [
            // People's verdicts on recommended next steps, per exception type and step.
            """
            CREATE TABLE recommendation_feedback (id TEXT PRIMARY KEY, exception_id TEXT NOT NULL, type TEXT NOT NULL, step TEXT NOT NULL,
                accepted INTEGER NOT NULL, decided_by TEXT NOT NULL, decided_at BIGINT NOT NULL)
            """,
            "CREATE INDEX recommendation_feedback_type ON recommendation_feedback (type, step)",
            "CREATE INDEX exceptions_type_closed ON exceptions (type, closed_at)",
        ]),
        ("0011_security", [
            // Failed sign-ins are counted per client address as well as per username.
            "ALTER TABLE login_failures ADD COLUMN address TEXT NOT NULL DEFAULT ''",
            "CREATE INDEX login_failures_address ON login_failures (address, at)",
            "CREATE INDEX login_failures_at ON login_failures (at)",
            // Sessions end after a quiet period as well as at their fixed expiry.
            "ALTER TABLE sessions ADD COLUMN last_seen_at BIGINT NOT NULL DEFAULT 0",
            // A key may be bound to the source systems and EDI partners it speaks for
            // (JSON arrays; NULL: not bound).
            "ALTER TABLE api_keys ADD COLUMN systems TEXT",
            "ALTER TABLE api_keys ADD COLUMN partners TEXT",
        ]),
        ("0012_exposure_index", [
            // A customer's credit exposure sums its active, unreleased orders for every order
            // evaluated. With the total in the index, the sum reads index entries only instead
            // of looking up each order's row (and its document) in the table.
            "CREATE INDEX orders_customer_exposure ON orders (customer_id, active, status, total)",
            "DROP INDEX orders_customer_active",
        ]),
        ("0013_notifications", [
            // What people are told, one row per person (a username) or distribution
            // address (`address:MAILBOX`); the console's bell counts a person's unread rows.
            """
            CREATE TABLE notifications (id TEXT PRIMARY KEY, request_id TEXT NOT NULL, recipient TEXT NOT NULL, trigger TEXT NOT NULL,
                case_id TEXT, exception_id TEXT, order_id TEXT, title TEXT NOT NULL, body TEXT NOT NULL,
                created_at BIGINT NOT NULL, read_at BIGINT)
            """,
            "CREATE INDEX notifications_recipient ON notifications (recipient, read_at, created_at)",
            "CREATE INDEX notifications_request ON notifications (request_id)",
        ]),
        ("0014_notification_delivery", [
            // Each person's choices (channels per trigger, quiet hours, digest window); the
            // webhook URLs in the document are sealed with the data key.
            """
            CREATE TABLE notification_preferences (username TEXT PRIMARY KEY, document TEXT NOT NULL, updated_at BIGINT NOT NULL,
                updated_by TEXT NOT NULL)
            """,
            // One row per notification and channel beyond the console, written with the
            // notification: waiting until due, then taken into exactly one outbox message
            // (`outbox_id`), so no notification is ever sent twice on one channel.
            """
            CREATE TABLE notification_sends (notification_id TEXT NOT NULL, channel TEXT NOT NULL, recipient TEXT NOT NULL,
                due_at BIGINT NOT NULL, outbox_id TEXT, PRIMARY KEY (notification_id, channel))
            """,
            "CREATE INDEX notification_sends_waiting ON notification_sends (outbox_id, recipient, channel, due_at)",
        ]),
        ("0015_people", [
            // Each person's routing profile: skills, capacity, working calendar, availability.
            "CREATE TABLE people (username TEXT PRIMARY KEY, document TEXT NOT NULL, updated_at BIGINT NOT NULL, updated_by TEXT NOT NULL)",
            // Open work handed to a delegate while its owner is out of office; it goes back
            // to the owner when they return, if still open and still with the delegate.
            """
            CREATE TABLE delegations (exception_id TEXT PRIMARY KEY, from_user TEXT NOT NULL, to_user TEXT,
                until_at BIGINT, created_at BIGINT NOT NULL)
            """,
            "CREATE INDEX delegations_from ON delegations (from_user)",
            // Queue filters people keep, private or shared with a queue's team.
            """
            CREATE TABLE saved_views (id TEXT PRIMARY KEY, owner TEXT NOT NULL, team TEXT, name TEXT NOT NULL,
                document TEXT NOT NULL, created_at BIGINT NOT NULL)
            """,
            "CREATE INDEX saved_views_owner ON saved_views (owner)",
            // Load per person and Get next read open work by assignee and by queue.
            "CREATE INDEX exceptions_assignee_open ON exceptions (assignee, closed_at)",
        ]),
        ("0016_trace_context", [
            // The W3C trace an order's event arrived in, kept with the case it opened and
            // with each delivery a decision queued, so the receiving system joins that trace.
            "ALTER TABLE cases ADD COLUMN traceparent TEXT",
            "ALTER TABLE cases ADD COLUMN tracestate TEXT",
            "ALTER TABLE outbox ADD COLUMN traceparent TEXT",
            "ALTER TABLE outbox ADD COLUMN tracestate TEXT",
        ]),
        ("0017_single_sign_on", [
            // People who sign in through the identity provider, by `issuer|sub`; they have
            // no Clearway password (their hash never verifies).
            "ALTER TABLE users ADD COLUMN sso_subject TEXT",
            "CREATE UNIQUE INDEX users_sso_subject ON users (sso_subject)",
            // Sign-ins sent to the provider and not back yet: single use, ten minutes.
            """
            CREATE TABLE sso_pending (state_hash TEXT PRIMARY KEY, nonce TEXT NOT NULL, verifier TEXT NOT NULL,
                next_path TEXT NOT NULL, created_at BIGINT NOT NULL)
            """,
        ]),
    ]
}

extension Database {
    /// Applies every migration not yet applied; safe to run on every start, and from
    /// several nodes at once on PostgreSQL (an advisory lock serialises them).
    /// Returns the names applied now.
    @discardableResult
    public func migrate() async throws -> [String] {
        let dialect = self.dialect
        return try await withWriter { sql in
            try await sql.raw("CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)").run()
            var applied: [String] = []
            for migration in Migrations.all {
                try await sql.raw(dialect == .sqlite ? "BEGIN IMMEDIATE" : "BEGIN").run()
                do {
                    if dialect == .postgres { try await sql.raw("SELECT pg_advisory_xact_lock(724201)").run() }
                    let done = try await sql.raw("SELECT name FROM schema_migrations WHERE name = \(bind: migration.name)").first()
                    if done == nil {
                        // Migration text is a literal in this file, never input.
                        for statement in migration.statements { try await sql.raw(SQLQueryString(statement)).run() }
                        try await sql.raw("INSERT INTO schema_migrations (name, applied_at) VALUES (\(bind: migration.name), \(bind: Int64(0)))").run()
                        applied.append(migration.name)
                    }
                    try await sql.raw("COMMIT").run()
                } catch {
                    try? await sql.raw("ROLLBACK").run()
                    throw error
                }
            }
            return applied
        }
    }
}

extension Database {
    /// Drops every Clearway table (benchmarks and tests that reuse a PostgreSQL database):
    /// every table a migration creates, so a new migration's tables are never left behind.
    public func dropAllForBenchmark() async throws {
        let tables = Self.migrationTables + ["schema_migrations", "bench_raw_events"]
        try await withWriter { sql in
            // Table names come from the migrations' own text, never from input.
            for table in tables { try await sql.raw("DROP TABLE IF EXISTS \(unsafeRaw: table)").run() }
        }
    }

    /// The tables the migrations create, in order.
    static var migrationTables: [String] {
        Migrations.all.flatMap(\.statements).compactMap { statement in
            let words = statement.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "(" })
            guard words.count > 2, words[0] == "CREATE", words[1] == "TABLE" else { return nil }
            return String(words[2])
        }
    }
}
