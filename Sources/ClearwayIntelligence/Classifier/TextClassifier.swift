/// A learned text classifier: TF-IDF word and character n-grams into multinomial logistic
/// regression. Turns a customer's message into a request type with a confidence.
public struct TextClassifier: Sendable {
    public let labels: [String]
    public let vectorizer: TfidfVectorizer
    public let regression: SoftmaxRegression

    public init(labels: [String], vectorizer: TfidfVectorizer, regression: SoftmaxRegression) {
        precondition(regression.classes == labels.count && regression.features == vectorizer.featureCount, "model and vocabulary disagree")
        self.labels = labels; self.vectorizer = vectorizer; self.regression = regression
    }

    public struct Prediction: Sendable, Hashable {
        public var label: String
        /// The model's probability for `label`, 0…1.
        public var confidence: Double
        /// The runners-up, most likely first.
        public var alternatives: [Alternative]
    }

    public struct Alternative: Sendable, Hashable {
        public var label: String
        public var probability: Double
    }

    /// Reusable buffers, so classifying many texts allocates little.
    public struct Scratch: Sendable {
        var features: [Int32] = []
        var probabilities: [Float] = []
        public init() {}
    }

    public func classify(_ text: String, alternatives: Int = 2) -> Prediction {
        var scratch = Scratch()
        return classify(text, scratch: &scratch, alternatives: alternatives)
    }

    public func classify(_ text: String, scratch: inout Scratch, alternatives: Int = 2) -> Prediction {
        let x = vectorizer.transform(text, scratch: &scratch.features)
        regression.probabilities(x, into: &scratch.probabilities)
        let p = scratch.probabilities
        var best = 0
        for c in 1..<p.count where p[c] > p[best] { best = c }
        var others: [Alternative] = []
        if alternatives > 0 {
            others = p.indices.filter { $0 != best }.sorted { (p[$0], -$0) > (p[$1], -$1) }.prefix(alternatives)
                .map { Alternative(label: labels[$0], probability: Double(p[$0])) }
        }
        return Prediction(label: labels[best], confidence: Double(p[best]), alternatives: others)
    }

    /// The label alone, for bulk scoring.
    public func predict(_ text: String, scratch: inout Scratch) -> (label: Int, confidence: Float) {
        let x = vectorizer.transform(text, scratch: &scratch.features)
        regression.probabilities(x, into: &scratch.probabilities)
        let p = scratch.probabilities
        var best = 0
        for c in 1..<p.count where p[c] > p[best] { best = c }
        return (best, p[best])
    }
}

/// How a classifier is trained. The defaults are the ones measured in BENCHMARKS.md.
public struct ClassifierTraining: Sendable, Hashable, Codable {
    public var analyzer = TextAnalyzer()
    /// N-grams seen in fewer training texts than this are not features.
    public var minDocumentFrequency = 2
    /// Inverse regularisation strength (scikit-learn's `C`).
    public var c = 10.0
    public var maxIterations = 200

    public init() {}
}

extension TextClassifier {
    public struct TrainingSummary: Sendable, Hashable, Codable {
        public var examples: Int
        public var features: Int
        public var iterations: Int
        public var converged: Bool
        public var finalLoss: Double
    }

    /// Learns labels (sorted, so the same data gives the same model) and weights from
    /// labelled texts. `progress` hears each optimiser iteration and its loss.
    public static func train(texts: [String], labels: [String], options: ClassifierTraining = ClassifierTraining(),
                             progress: (Int, Double) -> Void = { _, _ in }) -> (TextClassifier, TrainingSummary) {
        precondition(texts.count == labels.count && !texts.isEmpty, "every text needs a label")
        let classes = Array(Set(labels)).sorted()
        let classIndex = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
        let vectorizer = TfidfVectorizer.fit(texts, analyzer: options.analyzer, minDocumentFrequency: options.minDocumentFrequency)
        var scratch: [Int32] = []
        let rows = texts.map { vectorizer.transform($0, scratch: &scratch) }
        let y = labels.map { classIndex[$0] ?? 0 }
        let fit = SoftmaxRegression.train(rows: rows, labels: y, classes: max(classes.count, 2), features: vectorizer.featureCount,
                                          options: .init(c: options.c, optimizer: LBFGS(maxIterations: options.maxIterations)),
                                          progress: progress)
        var labelNames = classes
        if labelNames.count < 2 { labelNames.append("(none)") }
        let summary = TrainingSummary(examples: texts.count, features: vectorizer.featureCount, iterations: fit.outcome.iterations,
                                      converged: fit.outcome.converged, finalLoss: fit.outcome.value)
        return (TextClassifier(labels: labelNames, vectorizer: vectorizer, regression: fit.model), summary)
    }
}
