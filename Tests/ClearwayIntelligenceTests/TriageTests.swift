import ClearwayCore
import ClearwayEngine
import ClearwayIntegration
import ClearwayIntelligence
import ClearwayStore
import ClearwayTestSupport
import Foundation
import Logging
import SQLKit
import Testing

/// Customer messages read at intake: by the serving model when it is sure enough, by the
/// rules otherwise, and never stopped by a missing or damaged model.
@Suite("Reading customer messages at intake")
struct TriageTests {
    static let start = Instant(iso8601: "2026-11-23T15:00:00Z")!
    static let admin = Principal(id: "u-ml", name: "Model Owner", role: .admin)

    /// A model trained on a sample of the public customer-service corpus, as a file.
    static let modelFile: [UInt8] = {
        let (train, test) = ClassifierTests.corpus
        let (model, summary) = TextClassifier.train(texts: train.texts, labels: train.labels)
        let metadata = ModelMetadata(trainingDataHash: "sample", trainedAt: "2026-11-22T00:00:00Z", training: ClassifierTraining(), summary: summary,
                                     evaluation: test.evaluate(model),
                                     profile: TextProfile(texts: train.texts, predictions: train.labels), labelCounts: train.labelCounts)
        return (try? ModelArtefact.encode(model, metadata: metadata)) ?? []
    }()

    /// A model trained on a dozen messages: it passes no quality gate.
    static let poorModelFile: [UInt8] = {
        let (train, _) = ClassifierTests.corpus
        // Twelve examples spread over the labels.
        let few = train.subset(Array(stride(from: 0, to: train.texts.count, by: train.texts.count / 12).prefix(12)))
        let (model, summary) = TextClassifier.train(texts: few.texts, labels: few.labels)
        let metadata = ModelMetadata(trainingDataHash: "few", trainedAt: "2026-11-22T00:00:00Z", training: ClassifierTraining(), summary: summary,
                                     evaluation: ClassifierTests.corpus.test.evaluate(model), labelCounts: few.labelCounts)
        return (try? ModelArtefact.encode(model, metadata: metadata)) ?? []
    }()

    func engine(_ db: Database, policy: Policy? = nil) throws -> ClearwayEngine {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return ClearwayEngine(database: db, policy: try policy ?? DefaultPolicy.load(), clock: ManualClock(Self.start), logger: logger)
    }

    func ingest(_ engine: ClearwayEngine, _ json: String) async throws -> IngestOutcome {
        let events = try CloudEventCodec.decode(body: Data("[\(json)]".utf8), mode: .batch, policy: engine.policy, receivedAt: engine.clock.now())
        return try #require(try await engine.ingest(events, actor: "test").first)
    }

    static func event(_ source: String, _ id: String, _ type: String, _ data: String) -> String {
        #"{"specversion":"1.0","id":"\#(id)","source":"\#(source)","type":"\#(type)","data":\#(data)}"#
    }

    static let customer = event("crm", "c1", "clearway.customer.upserted.v1",
        #"{"customerId":"ACME","name":"Acme Industrial","tier":"key","segment":"industrial","creditLimit":100000,"paymentTerms":"NET30","taxId":"US-1","shipTo":"Dock 4"}"#)
    static let product = event("pim", "p1", "clearway.product.upserted.v1", #"{"sku":"BOLT-10","family":"fasteners","unitsOfMeasure":["EA"],"unitCost":5,"listPrice":12}"#)

    /// A customer, and an order of theirs the ERP knows as SO-200117.
    func seed(_ engine: ClearwayEngine) async throws {
        _ = try await ingest(engine, Self.customer)
        _ = try await ingest(engine, Self.product)
        _ = try await ingest(engine, Self.event("wms", "s1", "clearway.inventory.snapshot.v1",
            #"{"site":"DC-CHI","positions":[{"sku":"BOLT-10","erpOnHand":500,"wmsOnHand":500}]}"#))
        _ = try await ingest(engine, Self.event("erp", "o1", "clearway.order.created.v1", """
            {"orderId":"SO-200117","customerId":"ACME","site":"DC-CHI","channel":"email","orderDate":"2026-11-23","requestedShipDate":"2026-11-30",
             "lines":[{"lineNumber":1,"sku":"BOLT-10","quantity":10,"unitOfMeasure":"EA","unitPrice":12}]}
            """))
    }

    /// An e-mail that names the order only in its text.
    func mail(_ engine: ClearwayEngine, id: String, _ subject: String, _ body: String) async throws -> ExceptionRecord {
        let outcome = try await ingest(engine, Self.event("mail-gateway", id, "clearway.customer.message_received.v1",
            #"{"messageId":"\#(id)","customerId":"ACME","channel":"email","subject":"\#(subject)","body":"\#(body)"}"#))
        #expect(outcome.status == .accepted, "\(outcome)")
        let caseId = try #require(outcome.caseIds.first)
        let (_, exceptions, _) = try #require(try await engine.queries.detail(caseId))
        return try #require(exceptions.first { $0.finding.key == "message:\(id)" })
    }

    @Test("with no model the rules read the message: ingestion goes on, the order number in the text finds the order, the request type picks the queue",
          arguments: TestDatabaseKind.available)
    func missingModelFallsBackToRules(_ kind: TestDatabaseKind) async throws {
        try await TestDatabase.with(kind) { db in
            let engine = try engine(db)
            try await seed(engine)
            let e = try await mail(engine, id: "M1", "Where is it?", "Can you track order #200117 for us? It has not arrived.")
            #expect(e.finding.triage?.decidedBy == .rules && e.finding.decidedBy == "rules")
            #expect(e.finding.triage?.requestType == "track_order" && e.queue == "logistics")
            #expect(e.finding.triage?.details.orderNumbers == ["200117"])
            let (c, _, _) = try #require(try await engine.queries.detail(e.caseId))
            #expect(c.orderId == "SO-200117")
            #expect(engine.messageReader.health.version == nil && engine.messageReader.health.decidedByRules == 1)
        }
    }

    @Test("a sure model decides and the case records its version and confidence; below the policy's threshold the rules decide and say why",
          arguments: TestDatabaseKind.available)
    func thresholdHandsOverToRules(_ kind: TestDatabaseKind) async throws {
        try await TestDatabase.with(kind) { db in
            let engine = try engine(db)
            try await seed(engine)
            let stored = try await engine.registerModel(Self.modelFile, by: Self.admin)
            try await engine.promoteModel(version: stored.version, by: Self.admin, reason: "first model")
            let sure = try await mail(engine, id: "M1", "Invoice", "I need to get the invoice for order SO-200117, where can I download it?")
            #expect(sure.finding.decidedBy == "model")
            #expect(sure.finding.triage?.requestType == "get_invoice" && sure.queue == "credit")
            #expect(sure.finding.triage?.modelVersion == "message-classifier@1")
            #expect((sure.finding.triage?.confidence ?? 0) >= 0.6)

            var strict = engine.policy
            strict.triage.confidenceThreshold = 1.0
            engine.setPolicy(strict)
            let unsure = try await mail(engine, id: "M2", "Cancel", "Please cancel SO-200117, we no longer need it.")
            #expect(unsure.finding.decidedBy == "rules")
            #expect(unsure.finding.triage?.requestType == "cancel_order")
            #expect(unsure.finding.triage?.confidence != nil && unsure.finding.triage?.modelVersion == "message-classifier@1")
            #expect(unsure.finding.triage?.note?.contains("below the policy's 100%") == true)
        }
    }

    @Test("a model below the policy's quality gate is not put in service automatically (audited with the reasons); by hand it needs a reason",
          arguments: TestDatabaseKind.available)
    func qualityGate(_ kind: TestDatabaseKind) async throws {
        try await TestDatabase.with(kind) { db in
            let engine = try engine(db)
            let poor = try await engine.registerModel(Self.poorModelFile, by: Self.admin).version
            let problems = try await engine.promoteIfQualified(version: poor, by: Self.admin, reason: "nightly retraining")
            #expect(problems.contains { $0.contains("macro-F1") && $0.contains("below the policy's minimum of 0.800") })
            #expect(problems.contains { $0.contains("fewer than 20 training examples") })
            #expect(engine.messageReader.health.version == nil, "nothing serves")
            do {
                try await engine.promoteModel(version: poor, by: Self.admin, reason: nil)
                Issue.record("a model below the gate was promoted by hand without a reason")
            } catch let EngineError.invalid(field, detail) {
                #expect(field == "/reason" && detail.contains("below the policy's quality gate"))
            }
            try await engine.promoteModel(version: poor, by: Self.admin, reason: "a pilot on one queue, reviewed daily")
            #expect(engine.messageReader.health.version == poor)
            let good = try await engine.registerModel(Self.modelFile, by: Self.admin).version
            #expect(try await engine.promoteIfQualified(version: good, by: Self.admin, reason: "retrained").isEmpty)
            #expect(engine.messageReader.health.version == good)
            let audit = try await db.read { sql in
                try await sql.raw("SELECT action, reason, detail FROM audit_log WHERE action LIKE 'model.%' ORDER BY seq").all()
                    .map { "\(try $0.decode(column: "action", as: String.self)) \(try $0.decode(column: "detail", as: String?.self) ?? "")" }
            }
            #expect(audit.contains { $0.hasPrefix("model.promotion_refused") && $0.contains("belowGate") })
            #expect(audit.contains { $0.hasPrefix("model.promoted") && $0.contains("belowGate") }, "the promotion by hand names what it falls short of")
        }
    }

    @Test("promote and rollback change which version serves; a damaged stored model leaves the rules deciding, with a health warning",
          arguments: TestDatabaseKind.available)
    func promoteRollbackAndDamage(_ kind: TestDatabaseKind) async throws {
        try await TestDatabase.withHandle(kind) { handle in
            let engine = try engine(handle.database)
            try await seed(engine)
            let v1 = try await engine.registerModel(Self.modelFile, by: Self.admin).version
            let v2 = try await engine.registerModel(Self.modelFile, by: Self.admin).version
            #expect(engine.messageReader.health.version == nil)
            try await engine.promoteModel(version: v1, by: Self.admin, reason: nil)
            #expect(engine.messageReader.health.version == v1)
            try await engine.promoteModel(version: v2, by: Self.admin, reason: "retrained")
            #expect(engine.messageReader.health.version == v2)
            #expect(try await mail(engine, id: "M1", "Invoice", "how do I get my invoice for SO-200117").finding.triage?.modelVersion == "message-classifier@2")
            #expect(try await engine.rollbackModel(by: Self.admin, reason: "worse on credit mail") == v1)
            #expect(engine.messageReader.health.version == v1)
            await #expect(throws: EngineError.self) { try await engine.rollbackModel(by: Self.admin, reason: nil) }
            await #expect(throws: EngineError.self) { try await engine.promoteModel(version: 99, by: Self.admin, reason: nil) }
            await #expect(throws: EngineError.self) { _ = try await engine.registerModel(Array("not a model".utf8), by: Self.admin) }
            let card = try #require(try await engine.modelCard(version: nil, by: .localOperator("test")))
            #expect(card.stored.version == v1 && card.isServing && card.serving.count == 2)

            // The stored file is damaged; a node starting now cannot use it.
            try await TestDatabase.tamper(handle.database, "UPDATE model_versions SET artefact = 'Q0xFQVJXQVktTU9ERUwgMSAwMDAwCg=='")
            let restarted = try self.engine(try await handle.reopen())
            await restarted.loadServingModel()
            #expect(restarted.messageReader.health.version == nil)
            #expect(restarted.messageReader.health.problem?.contains("message-classifier@1 cannot be used") == true)
            let e = try await mail(restarted, id: "M2", "Cancel", "Please cancel SO-200117")
            #expect(e.finding.decidedBy == "rules" && e.finding.triage?.requestType == "cancel_order")
            #expect(e.finding.triage?.note?.contains("no model serves") == true)
            await restarted.database.close()
        }
    }
}
