import ArgumentParser
import ClearwayIntelligence
import Foundation

/// `clearway bench classifier`: the message classifier on a public labelled corpus, Clearway
/// and scikit-learn on the identical seeded, stratified split in the same invocation, then
/// the same models on text written in another style (paraphrases, distributor e-mails,
/// German) that no model trains on. With the sentence encoder installed, Clearway is
/// measured twice: TF-IDF alone, and TF-IDF with sentence vectors.
struct BenchClassifier: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classifier",
        abstract: "Measure the message classifier (in-distribution and on other styles, training time, messages/s) against scikit-learn.")

    @Option(help: "Labelled CSV.") var data = "data/support/bitext-customer-service.csv"
    @Option(help: "Text column.") var text = "utterance"
    @Option(help: "Label column.") var label = "intent"
    @Option(help: ArgumentHelp("A labelled CSV in another style, as NAME=FILE with the same columns, measured but never trained on "
                               + "(repeat; default: the three in data/)."))
    var style: [String] = ["paraphrases=data/style-shift/paraphrases.csv", "distributor=data/distributor-requests.csv",
                           "german=data/style-shift/german.csv"]
    @Option(help: "Seed of the stratified 80/20 split.") var seed: UInt64 = 20_261_122
    @Option(help: "Runs per measurement; the best is reported.") var runs = 3
    @Option(help: "Python with scikit-learn installed (default: $CLEARWAY_PEERS_PYTHON or .venv-peers/bin/python).") var peerPython: String?
    @OptionGroup var encoder: EncoderOption

    func validate() throws {
        guard (1...20).contains(runs) else { throw ValidationError("--runs must be 1…20") }
        for s in style where !s.contains("=") { throw ValidationError("--style takes NAME=FILE, not \(s)") }
    }

    struct Reader {
        var name: String
        var model: TextClassifier
        var summary: TextClassifier.TrainingSummary
        var trainSeconds: Double
        var reports: [ClassificationReport]
        var perSecond: Double
        var cpuMillisPerMessage: Double
        /// Reading the corpus in batches (the sentence vectors of many messages at once).
        var batchedPerSecond: Double
        var batchedCPUMillisPerMessage: Double
    }

    func run() async throws {
        let all = try read(data)
        let styles = try style.map { item -> (String, String, LabelledTexts) in
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            return (parts[0], parts[1], try read(parts[1]))
        }
        let sentences = try encoder.load()
        let (train, test) = ModelFiles.split(all, holdout: 0.2, seed: seed)
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("clearway-bench-classifier-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let trainFile = dir.appendingPathComponent("train.csv"), testFile = dir.appendingPathComponent("test.csv")
        try Data(train.csv().utf8).write(to: trainFile)
        try Data(test.csv().utf8).write(to: testFile)
        var extras: [String] = []
        for (name, _, texts) in styles {
            let file = dir.appendingPathComponent("style-\(name).csv")
            try Data(texts.csv().utf8).write(to: file)
            extras += ["--extra", "\(name)=\(file.path)"]
        }
        let sets = [test] + styles.map(\.2)
        var readers = [measure("Clearway, TF-IDF", train: train, sets: sets, corpus: all.texts, encoder: nil)]
        if let sentences {
            readers.append(measure("Clearway, TF-IDF + \(EncoderFiles.name)", train: train, sets: sets, corpus: all.texts, encoder: sentences))
        }
        let peer = try runPeer(trainFile: trainFile.path, testFile: testFile.path, extras: extras)
        print("Data: \(data), \(all.count) texts, \(Set(all.labels).count) labels; stratified 80/20 split, seed \(seed): "
              + "\(train.count) train, \(test.count) test; best of \(runs) runs; one core")
        print("Other styles, never trained on: "
              + styles.map { "\($0.0) (\($0.1), \($0.2.count) texts, \(Set($0.2.labels).count) labels)" }.joined(separator: "; "))
        if sentences == nil {
            print(encoder.wordsOnly ? "--words-only: Clearway is measured with TF-IDF alone."
                  : "The sentence encoder's weights are not installed (\(EncoderFiles.installHint)): Clearway is measured with TF-IDF alone.")
        } else {
            print("Sentence encoder: \(EncoderFiles.name), matrix products on \(sentences?.arithmetic ?? SentenceEncoder.kernel) "
                  + "($CLEARWAY_ENCODER_PRECISION=float32 keeps them in float32)")
        }
        table(readers, peer: peer, styles: styles.map(\.0))
    }

    /// The readers and the peer, a column per set, then each reader's distance to the peer.
    func table(_ readers: [Reader], peer: PeerResult, styles: [String]) {
        let names = ["in-distribution"] + styles
        print("\nMacro-F1 (accuracy in brackets):\n")
        print("| reader | " + names.joined(separator: " | ") + " | features | training (s) | messages/s one at a time | CPU ms/message "
              + "| messages/s batched | CPU ms/message |")
        print("|---|" + String(repeating: "---|", count: names.count + 6))
        for r in readers {
            let cells = r.reports.map { String(format: "%.4f (%.3f)", $0.macroF1, $0.accuracy) }
            print("| \(r.name) | " + cells.joined(separator: " | ")
                  + String(format: " | %d | %.2f | %.0f | %.3f | %.0f | %.3f |", r.summary.features, r.trainSeconds, r.perSecond,
                           r.cpuMillisPerMessage, r.batchedPerSecond, r.batchedCPUMillisPerMessage))
        }
        let peerCells = [String(format: "%.4f (%.3f)", peer.macroF1, peer.accuracy)]
            + styles.map { s in peer.extra[s].map { String(format: "%.4f (%.3f)", $0.macroF1, $0.accuracy) } ?? "–" }
        print("| scikit-learn, TF-IDF | " + peerCells.joined(separator: " | ")
              + String(format: " | %d | %.2f | – | – | %.0f | – |", peer.features, peer.trainSeconds, Double(peer.n) / peer.classifySeconds))
        print("\nmacro-F1 difference against scikit-learn, in points:")
        let peerF1 = [peer.macroF1] + styles.map { peer.extra[$0]?.macroF1 ?? .nan }
        for r in readers {
            let gaps = zip(names, zip(r.reports, peerF1)).map { String(format: "%@ %+.2f", $0.0, 100 * ($0.1.0.macroF1 - $0.1.1)) }
            print("- \(r.name): " + gaps.joined(separator: ", "))
        }
        print("\nmessages/s: every text of the corpus on this one thread, read one at a time as a lone message is, and in batches as "
              + "intake reads the messages of one delivery (sentence vectors of about 256 tokens' worth of messages at once); "
              + "CPU is this process's user and system time. scikit-learn: the test set as one batch.")
    }

    func read(_ file: String) throws -> LabelledTexts {
        guard let bytes = FileManager.default.contents(atPath: file) else { throw CLIError.badInput("cannot read \(file)") }
        do { return try LabelledTexts.read(csv: Array(bytes), text: text, label: label) } catch { throw CLIError.badInput("\(file): \(error)") }
    }

    /// Trains one reader (best of `runs` for time), measures it on every set and reads the
    /// whole corpus one message at a time for throughput and CPU.
    func measure(_ name: String, train: LabelledTexts, sets: [LabelledTexts], corpus: [String], encoder: SentenceEncoder?) -> Reader {
        var trainSeconds = Double.infinity
        var trained: (TextClassifier, TextClassifier.TrainingSummary)?
        for _ in 0..<runs {
            let started = ContinuousClock.now
            trained = TextClassifier.train(texts: train.texts, labels: train.labels, encoder: encoder)
            trainSeconds = min(trainSeconds, ModelFiles.seconds(since: started))
        }
        let (model, summary) = trained!
        let reports = sets.map { $0.evaluate(model, encoder: encoder) }
        var seconds = Double.infinity, cpu = Double.infinity
        var scratch = TextClassifier.Scratch()
        var checksum = 0
        for _ in 0..<runs {
            let started = ContinuousClock.now, cpuStarted = ProcessCPU.ownSeconds
            for t in corpus {
                let vector = encoder.map { $0.encode([t])[...] }
                checksum &+= model.predict(t, vector: vector, scratch: &scratch).label
            }
            seconds = min(seconds, ModelFiles.seconds(since: started))
            cpu = min(cpu, ProcessCPU.ownSeconds - cpuStarted)
        }
        var batchSeconds = Double.infinity, batchCPU = Double.infinity
        let d = encoder?.dimensions ?? 0
        for _ in 0..<runs {
            let started = ContinuousClock.now, cpuStarted = ProcessCPU.ownSeconds
            let vectors = encoder?.encode(corpus)
            for (i, t) in corpus.enumerated() {
                checksum &+= model.predict(t, vector: vectors?[(i * d)..<((i + 1) * d)], scratch: &scratch).label
            }
            batchSeconds = min(batchSeconds, ModelFiles.seconds(since: started))
            batchCPU = min(batchCPU, ProcessCPU.ownSeconds - cpuStarted)
        }
        if checksum < 0 { print("") }
        return Reader(name: name, model: model, summary: summary, trainSeconds: trainSeconds, reports: reports,
                      perSecond: Double(corpus.count) / seconds, cpuMillisPerMessage: 1000 * cpu / Double(corpus.count),
                      batchedPerSecond: Double(corpus.count) / batchSeconds, batchedCPUMillisPerMessage: 1000 * batchCPU / Double(corpus.count))
    }

    struct PeerResult: Decodable {
        struct Extra: Decodable { var n: Int, accuracy: Double, macroF1: Double }
        var trainSeconds: Double, classifySeconds: Double, n: Int, accuracy: Double, macroF1: Double, features: Int, iterations: Int
        var extra: [String: Extra]
    }

    func runPeer(trainFile: String, testFile: String, extras: [String]) throws -> PeerResult {
        let data = try PeerRunner.run(python: peerPython, script: "sklearn_text.py",
                                      arguments: [trainFile, testFile, "--repeat", String(runs)] + extras, installs: "scikit-learn")
        return try PeerRunner.decode(PeerResult.self, data, from: "sklearn_text.py")
    }
}
