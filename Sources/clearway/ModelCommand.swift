import ArgumentParser
import ClearwayCore
import ClearwayIntelligence
import Crypto
import Foundation

/// `clearway model …`: train and evaluate the message classifier on any labelled CSV, and
/// govern which version serves (register, promote, roll back, read its card).
struct ModelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model", abstract: "Train, evaluate and govern the message classifier.",
        subcommands: [Train.self, Eval.self, Register.self, Promote.self, Rollback.self, List.self, Card.self, Examples.self])

    struct Columns: ParsableArguments {
        @Option(help: "Labelled CSV with a header row (repeat to combine files with the same columns).") var data: [String]
        @Option(help: "Column holding the text.") var text = "text"
        @Option(help: "Column holding the label.") var label = "label"

        func read(groups: [String] = []) throws -> LabelledTexts { try ModelFiles.read(data, text: text, label: label, groups: groups) }
    }

    struct Train: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train a classifier (TF-IDF word and character n-grams and, with the encoder installed, sentence vectors; multinomial logistic regression) and save it.")
        @OptionGroup var columns: Columns
        @OptionGroup var encoder: EncoderOption
        @Option(help: "Where to write the model file.") var out: String
        @Option(help: "Hold out this share of each label (stratified) to measure the model; 0 trains on everything.") var holdout = 0.0
        @Option(help: "Seed of the held-out split.") var seed: UInt64 = 20_261_122
        @Option(help: "Inverse regularisation strength.") var c = 10.0
        @Option(help: "Leave out n-grams seen in fewer texts than this.") var minDf = 2
        @Option(help: "Most optimiser iterations.") var maxIterations = 200
        @Option(help: "Report held-out accuracy per value of this column too (repeat), e.g. segment or site.") var groupBy: [String] = []
        @Flag(help: "Print nothing while training.") var quiet = false

        func validate() throws {
            guard (0..<1).contains(holdout) else { throw ValidationError("--holdout must be at least 0 and below 1") }
            guard c > 0 else { throw ValidationError("--c must be above 0") }
            guard (1...1_000).contains(minDf) else { throw ValidationError("--min-df must be 1…1000") }
            guard (1...10_000).contains(maxIterations) else { throw ValidationError("--max-iterations must be 1…10000") }
        }

        func run() async throws {
            var options = ClassifierTraining()
            options.c = c; options.minDocumentFrequency = minDf; options.maxIterations = maxIterations
            let sentences = try encoder.load(quiet: quiet)
            let started = ContinuousClock.now
            let (bytes, metadata) = try ModelFiles.train(data: columns.data, text: columns.text, label: columns.label, holdout: holdout, seed: seed,
                                                         groups: groupBy, options: options, encoder: sentences) { iteration, loss in
                if !quiet, iteration % 10 == 0 { FileHandle.standardError.write(Data("  iteration \(iteration): loss \(String(format: "%.5f", loss))\n".utf8)) }
            }
            let seconds = ModelFiles.seconds(since: started)
            do { try Data(bytes).write(to: URL(fileURLWithPath: out), options: .atomic) } catch { throw CLIError.failure("cannot write \(out)") }
            if !quiet {
                let s = metadata.summary
                let reads = metadata.sentence.map { "TF-IDF and \($0.encoder) sentence vectors" } ?? "TF-IDF alone"
                var line = "Trained (\(reads)) on \(s.examples) texts, \(s.features) features in \(String(format: "%.2f", seconds)) s (\(s.iterations) iterations\(s.converged ? "" : ", not converged"))"
                if let e = metadata.evaluation { line += String(format: "; held out %d: accuracy %.4f, macro-F1 %.4f", e.n, e.accuracy, e.macroF1) }
                print(line + "\nSaved \(out). Store it with: clearway model register \(out)")
            }
        }
    }

    struct Eval: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Measure a saved classifier on a labelled CSV.")
        @Option(help: "The model file.") var model: String
        @OptionGroup var columns: Columns
        @OptionGroup var encoder: EncoderOption
        @Option(help: "Also report accuracy per value of this column (repeat the option), e.g. segment or site.") var groupBy: [String] = []
        @Flag(help: "Print one JSON object (n, accuracy, macroF1, per class, confusion, calibration).") var json = false

        func run() async throws {
            let (classifier, _) = try ModelFiles.read(model)
            let data = try columns.read(groups: groupBy)
            let sentences = classifier.sentence == nil ? nil : try encoder.load(quiet: json)
            let started = ContinuousClock.now
            let report = data.evaluate(classifier, encoder: sentences)
            let seconds = ModelFiles.seconds(since: started)
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                print(String(decoding: try encoder.encode(report), as: UTF8.self))
                return
            }
            print(String(format: "%d texts: accuracy %.4f, macro-F1 %.4f, expected calibration error %.4f (%.0f texts/s)",
                         report.n, report.accuracy, report.macroF1, report.expectedCalibrationError, Double(report.n) / max(seconds, 1e-9)))
            if !report.unseenLabels.isEmpty { print("Labels the model never saw (all counted as errors): \(report.unseenLabels.joined(separator: ", "))") }
            print("\n| label | precision | recall | F1 | support |\n|---|---|---|---|---|")
            for c in report.classes { print(String(format: "| %@ | %.3f | %.3f | %.3f | %d |", c.label, c.precision, c.recall, c.f1, c.support)) }
            for (dimension, values) in report.groups.sorted(by: { $0.key < $1.key }) {
                print("\nAccuracy by \(dimension): " + values.map { String(format: "%@ %.3f (n=%d)", $0.value, $0.accuracy, $0.n) }.joined(separator: ", "))
            }
        }
    }
}

/// Reading, writing and measuring model files, shared by the commands and benchmarks.
enum ModelFiles {
    static func read(_ path: String) throws -> (TextClassifier, ModelMetadata) {
        guard let bytes = FileManager.default.contents(atPath: path) else { throw CLIError.badInput("cannot read model file \(path)") }
        do { return try ModelArtefact.decode(Array(bytes)) } catch { throw CLIError.badInput("\(path): \(error)") }
    }

    /// Labelled examples from one or more CSV files with the same columns, in file order.
    static func read(_ files: [String], text: String, label: String, groups: [String] = []) throws -> LabelledTexts {
        guard !files.isEmpty else { throw CLIError.badInput("name at least one --data file") }
        var all = LabelledTexts()
        for file in files {
            guard let bytes = FileManager.default.contents(atPath: file) else { throw CLIError.badInput("cannot read \(file)") }
            // A file without a grouping column (a public corpus has no segments) counts as "(not given)" there.
            var header = CSVReader(bytes: Array(bytes))
            let columns = Set((header.next()?.fields ?? []).map { $0.trimmingCharacters(in: .whitespaces) })
            let present = groups.filter(columns.contains)
            let part: LabelledTexts
            do { part = try LabelledTexts.read(csv: Array(bytes), text: text, label: label, groups: present) } catch { throw CLIError.badInput("\(file): \(error)") }
            all.texts += part.texts
            all.labels += part.labels
            for g in groups { all.groups[g, default: []] += part.groups[g] ?? Array(repeating: "(not given)", count: part.count) }
        }
        for g in groups where all.groups[g]?.allSatisfy({ $0 == "(not given)" }) ?? true {
            throw CLIError.badInput("no file has a column '\(g)' to group by")
        }
        return all
    }

    /// Trains on labelled CSVs (holding out a stratified share to measure, when asked) and
    /// returns the model file and what it says about itself.
    static func train(data: [String], text: String, label: String, holdout: Double, seed: UInt64, groups: [String] = [],
                      options: ClassifierTraining = ClassifierTraining(), encoder: SentenceEncoder? = nil,
                      progress: (Int, Double) -> Void = { _, _ in }) throws -> ([UInt8], ModelMetadata) {
        let all = try read(data, text: text, label: label, groups: groups)
        guard Set(all.labels).count >= 2 else { throw CLIError.badInput("\(data.joined(separator: ", ")): a classifier needs at least two labels") }
        let (train, test) = holdout > 0 ? split(all, holdout: holdout, seed: seed) : (all, nil)
        let vectors = encoder?.encode(train.texts)
        let (model, summary) = TextClassifier.train(texts: train.texts, labels: train.labels, options: options, encoder: encoder,
                                                    vectors: vectors, progress: progress)
        var metadata = ModelMetadata(trainingDataHash: hash(train), trainedAt: ISO8601DateFormatter().string(from: Date()),
                                     training: options, summary: summary, evaluation: test.map { $0.evaluate(model, encoder: encoder) },
                                     profile: profile(train, model, vectors: vectors), labelCounts: train.labelCounts)
        metadata.sentence = model.sentence
        if model.sentence != nil { metadata.wordsOnlyEvaluation = test.map { $0.evaluate(model) } }
        return (try ModelArtefact.encode(model, metadata: metadata), metadata)
    }

    static func split(_ all: LabelledTexts, holdout: Double, seed: UInt64) -> (LabelledTexts, LabelledTexts) {
        let (train, test) = StratifiedSplit.split(labels: all.labels, testFraction: holdout, seed: seed)
        return (all.subset(train), all.subset(test))
    }

    /// SHA-256 over each example's text and label, in order: names the training data.
    static func hash(_ data: LabelledTexts) -> String {
        var hasher = SHA256()
        for (t, l) in zip(data.texts, data.labels) { hasher.update(data: Data((t + "\u{1F}" + l + "\u{1E}").utf8)) }
        return Hex.string(hasher.finalize())
    }

    /// The training set's profile: lengths, what the model reads, and (with sentence
    /// vectors) how near each text lies to the model's centroids.
    static func profile(_ data: LabelledTexts, _ model: TextClassifier, vectors: [Float]?) -> TextProfile {
        let d = model.sentence?.dimensions ?? 0
        let slices = vectors.map { v in data.texts.indices.map { v[($0 * d)..<(($0 + 1) * d)] } }
        var scratch = TextClassifier.Scratch()
        let predictions = data.texts.enumerated().map { i, t in model.labels[model.predict(t, vector: slices?[i], scratch: &scratch).label] }
        return TextProfile(texts: data.texts, predictions: predictions, nearness: slices?.compactMap { model.nearness($0) })
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}
