import ClearwayCore
import ClearwayEngine
import ClearwayIntelligence
import ClearwayTestSupport
import Foundation
import HTTPTypes
import Testing
@testable import ClearwayHTTP

@Suite("How the serving model reads, on the Models page and in the API", .enabled(if: EncoderWeights.available))
struct SentenceReadingPageTests {
    @Test("a sentence model on a node without the encoder reads with TF-IDF and the page and API say why; once the encoder loads, both say it reads sentence vectors")
    func readingIsShown() async throws {
        let file = try EncoderWeights.sentenceModelFile()
        try await Harness.run(.sqlite) { h in
            try await ConsoleTests.addPeople(h)
            let stored = try await h.engine.registerModel(file, by: .localOperator("test"))
            try await h.engine.promoteModel(version: stored.version, by: .localOperator("test"), reason: "reads meaning")
            let vic = try #require(try await ConsoleTests.signIn(h, "vic", "vic-password-12").cookie)
            var page = String(buffer: try await h.send(.get, "/console/models", as: nil, headers: [.cookie: vic]).body)
            #expect(page.contains("This version reads with sentence vectors, but on this node it reads with TF-IDF alone (its words-only part): no sentence encoder is configured."))
            #expect(page.contains("<td>TF-IDF + all-MiniLM-L6-v2</td>"))
            #expect(page.contains("Reads with TF-IDF and all-MiniLM-L6-v2 sentence vectors (384 dimensions"))
            var status = try await h.get("/v1/models/classifier")
            #expect(status.str("reading") == "words" && status.str("encoderProblem") == "no sentence encoder is configured")
            #expect(status.list("versions").first?.str("sentenceEncoder") == "all-MiniLM-L6-v2")
            #expect(status.list("versions").first?["wordsOnlyMacroF1"] as? Double != nil)
            var metrics = String(buffer: try await h.send(.get, "/metrics", as: .viewer).body)
            #expect(metrics.contains("clearway_classifier_encoder_missing 1") && metrics.contains("clearway_classifier_reads_sentences 0"))

            #expect(h.engine.messageReader.loadEncoder(from: EncoderWeights.directory) == nil)
            page = String(buffer: try await h.send(.get, "/console/models", as: nil, headers: [.cookie: vic]).body)
            #expect(page.contains("It reads each message with TF-IDF word and character n-grams and all-MiniLM-L6-v2 vectors"))
            status = try await h.get("/v1/models/classifier")
            #expect(status.str("reading") == "sentence" && status.str("encoder") == "all-MiniLM-L6-v2" && status["encoderProblem"] == nil)
            metrics = String(buffer: try await h.send(.get, "/metrics", as: .viewer).body)
            #expect(metrics.contains("clearway_classifier_encoder_missing 0") && metrics.contains("clearway_classifier_reads_sentences 1"))
        }
    }
}
