import ArgumentParser
import ClearwayIntelligence
import Foundation

/// `clearway bench classifier`: the message classifier on a public labelled corpus, Clearway
/// and scikit-learn on the identical seeded, stratified split in the same invocation.
struct BenchClassifier: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classifier", abstract: "Measure the message classifier (quality, training time, texts/s) against scikit-learn.")

    @Option(help: "Labelled CSV.") var data = "data/support/bitext-customer-service.csv"
    @Option(help: "Text column.") var text = "utterance"
    @Option(help: "Label column.") var label = "intent"
    @Option(help: "Seed of the stratified 80/20 split.") var seed: UInt64 = 20_261_122
    @Option(help: "Runs per measurement; the best is reported.") var runs = 3
    @Option(help: "Python with scikit-learn installed (default: $CLEARWAY_PEERS_PYTHON or .venv-peers/bin/python).") var peerPython: String?

    func validate() throws {
        guard (1...20).contains(runs) else { throw ValidationError("--runs must be 1…20") }
    }

    func run() async throws {
        guard let bytes = FileManager.default.contents(atPath: data) else { throw CLIError.badInput("cannot read \(data)") }
        let all: LabelledTexts
        do { all = try LabelledTexts.read(csv: Array(bytes), text: text, label: label) } catch { throw CLIError.badInput("\(data): \(error)") }
        let (train, test) = ModelFiles.split(all, holdout: 0.2, seed: seed)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("clearway-bench-classifier-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let trainFile = dir.appendingPathComponent("train.csv"), testFile = dir.appendingPathComponent("test.csv")
        try Data(train.csv().utf8).write(to: trainFile)
        try Data(test.csv().utf8).write(to: testFile)

        var trainSeconds = Double.infinity
        var trained: (TextClassifier, TextClassifier.TrainingSummary)?
        for _ in 0..<runs {
            let started = ContinuousClock.now
            trained = TextClassifier.train(texts: train.texts, labels: train.labels)
            trainSeconds = min(trainSeconds, ModelFiles.seconds(since: started))
        }
        guard let (model, summary) = trained else { return }
        let report = test.evaluate(model)
        // Throughput: every text of the corpus, one at a time, on this one thread.
        var classifySeconds = Double.infinity
        var scratch = TextClassifier.Scratch()
        var checksum = 0
        for _ in 0..<runs {
            let started = ContinuousClock.now
            for t in all.texts { checksum &+= model.predict(t, scratch: &scratch).label }
            classifySeconds = min(classifySeconds, ModelFiles.seconds(since: started))
        }
        let peer = try runPeer(trainFile: trainFile.path, testFile: testFile.path)
        print("Data: \(data), \(all.count) texts, \(Set(all.labels).count) labels; stratified 80/20 split, seed \(seed): \(train.count) train, \(test.count) test; best of \(runs) runs; one core")
        print("\n| | accuracy | macro-F1 | features | iterations | training (s) | texts/s |\n|---|---|---|---|---|---|---|")
        print(String(format: "| Clearway | %.4f | %.4f | %d | %d | %.3f | %.0f |", report.accuracy, report.macroF1, summary.features,
                     summary.iterations, trainSeconds, Double(all.count) / classifySeconds))
        print(String(format: "| scikit-learn | %.4f | %.4f | %d | %d | %.3f | %.0f |", peer.accuracy, peer.macroF1, peer.features,
                     peer.iterations, peer.trainSeconds, Double(peer.n) / peer.classifySeconds))
        print(String(format: "\nmacro-F1 difference (Clearway − scikit-learn): %+.2f points; training %.1f× faster; classification %.1f× faster (texts/s: Clearway one at a time, scikit-learn the test set as one batch)",
                     100 * (report.macroF1 - peer.macroF1), peer.trainSeconds / trainSeconds,
                     (Double(all.count) / classifySeconds) / (Double(peer.n) / peer.classifySeconds)))
        if checksum < 0 { print("") }
    }

    struct PeerResult: Decodable {
        var trainSeconds: Double, classifySeconds: Double, n: Int, accuracy: Double, macroF1: Double, features: Int, iterations: Int
    }

    func runPeer(trainFile: String, testFile: String) throws -> PeerResult {
        let data = try PeerRunner.run(python: peerPython, script: "sklearn_text.py", arguments: [trainFile, testFile, "--repeat", String(runs)],
                                      installs: "scikit-learn")
        return try PeerRunner.decode(PeerResult.self, data, from: "sklearn_text.py")
    }
}
