import ClearwayIntelligence
import ClearwayTestSupport
import Foundation
import Testing

/// Clearway's classifier beside scikit-learn's TF-IDF + LogisticRegression, with the same
/// features and settings, on the identical seeded 80/20 split of the public corpus. Runs
/// when the peers' Python is set (CI requires it).
@Suite("Classifier checked against scikit-learn")
struct ScikitLearnComparisonTests {
    struct Peer: Decodable {
        struct Extra: Decodable { var macroF1: Double }
        var accuracy: Double; var macroF1: Double; var n: Int; var features: Int; var extra: [String: Extra]
    }

    /// A fresh folder for the files both sides read.
    static func scratchFolder() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("clearway-sklearn-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Writes labelled texts as the CSV (text,label) the peer reads; returns its path.
    static func write(_ data: LabelledTexts, _ name: String, in dir: URL) throws -> String {
        let url = dir.appendingPathComponent(name)
        try Data(data.csv().utf8).write(to: url)
        return url.path
    }

    @Test("macro-F1 on the held-out fifth is within one point of scikit-learn's", .enabled(if: PeerData.available, "set CLEARWAY_PEERS_PYTHON to a Python with scikit-learn"))
    func macroF1WithinOnePoint() throws {
        let all = try LabelledTexts.read(csv: RepositoryFiles.bytes("data/support/bitext-customer-service.csv"), text: "utterance", label: "intent")
        let (trainIndex, testIndex) = StratifiedSplit.split(labels: all.labels, testFraction: 0.2, seed: 20_261_122)
        let train = all.subset(trainIndex), test = all.subset(testIndex)
        let dir = try Self.scratchFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        func write(_ data: LabelledTexts, _ name: String) throws -> String { try Self.write(data, name, in: dir) }
        let peer = try JSONDecoder().decode(Peer.self, from: try PeerData.run(script: "sklearn_text.py", [write(train, "train.csv"), write(test, "test.csv"), "--repeat", "1"]))
        let (model, _) = TextClassifier.train(texts: train.texts, labels: train.labels)
        let ours = test.evaluate(model)
        #expect(peer.n == test.count)
        #expect(ours.macroF1 >= peer.macroF1 - 0.01, "Clearway \(ours.macroF1) vs scikit-learn \(peer.macroF1)")
        // The two vocabularies are built the same way, so they are close in size.
        #expect(abs(model.vectorizer.featureCount - peer.features) < peer.features / 10, "\(model.vectorizer.featureCount) vs \(peer.features)")
    }

    @Test("with sentence vectors, text in another style reads at least 3 points of macro-F1 better than scikit-learn's TF-IDF trained on the same examples, and no worse in-distribution",
          .enabled(if: PeerData.available && EncoderWeights.available, "needs scikit-learn and the encoder's weights"))
    func sentenceReaderBeatsTfidfOnAnotherStyle() throws {
        let all = try LabelledTexts.read(csv: RepositoryFiles.bytes("data/support/bitext-customer-service.csv"), text: "utterance", label: "intent")
        let (trainIndex, testIndex) = StratifiedSplit.split(labels: all.labels, testFraction: 0.2, seed: 20_261_122)
        let train = all.subset(trainIndex), test = all.subset(testIndex)
        let styles = try ["paraphrases": "data/style-shift/paraphrases.csv", "distributor": "data/distributor-requests.csv"].mapValues {
            try LabelledTexts.read(csv: RepositoryFiles.bytes($0), text: "utterance", label: "intent")
        }
        let dir = try Self.scratchFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        func write(_ data: LabelledTexts, _ name: String) throws -> String { try Self.write(data, name, in: dir) }
        var arguments = [try write(train, "train.csv"), try write(test, "test.csv"), "--repeat", "1"]
        for (name, texts) in styles { arguments += ["--extra", "\(name)=\(try write(texts, name + ".csv"))"] }
        let peer = try JSONDecoder().decode(Peer.self, from: try PeerData.run(script: "sklearn_text.py", arguments))
        let encoder = try EncoderWeights.load()
        let (model, _) = TextClassifier.train(texts: train.texts, labels: train.labels, encoder: encoder)
        for (name, texts) in styles {
            let ours = texts.evaluate(model, encoder: encoder).macroF1, theirs = try #require(peer.extra[name]?.macroF1)
            #expect(ours >= theirs + 0.03, "\(name): Clearway with sentence vectors \(ours), scikit-learn \(theirs)")
        }
        let inDistribution = test.evaluate(model, encoder: encoder).macroF1
        #expect(inDistribution >= peer.macroF1 - 0.01, "in-distribution: Clearway \(inDistribution) vs scikit-learn \(peer.macroF1)")
    }
}
