/// A learned text classifier: TF-IDF word and character n-grams, and (when trained with a
/// sentence encoder) the message's sentence vector, into multinomial logistic regression.
/// Turns a customer's message into a request type with a confidence.
///
/// A model trained with an encoder also keeps a second regression over the TF-IDF features
/// alone, learned from the same examples: where the encoder's weights are not installed it
/// reads with that one, and says so.
public struct TextClassifier: Sendable {
    public let labels: [String]
    public let vectorizer: TfidfVectorizer
    /// Over the TF-IDF features, followed by the sentence vector's when `sentence` is set.
    public let regression: SoftmaxRegression
    public let sentence: SentenceFeatures?
    /// Over the TF-IDF features alone; set exactly when `sentence` is.
    public let wordsOnly: SoftmaxRegression?
    /// Each label's mean training sentence vector, unit length, label after label: how near a
    /// new message lies to what the model learned from (drift in meaning, not in words).
    public let centroids: [Float]?

    public init(labels: [String], vectorizer: TfidfVectorizer, regression: SoftmaxRegression,
                sentence: SentenceFeatures? = nil, wordsOnly: SoftmaxRegression? = nil, centroids: [Float]? = nil) {
        precondition(regression.classes == labels.count && regression.features == vectorizer.featureCount + (sentence?.dimensions ?? 0),
                     "model and vocabulary disagree")
        precondition((sentence == nil) == (wordsOnly == nil) && wordsOnly.map { $0.features == vectorizer.featureCount } ?? true,
                     "a sentence model keeps a words-only regression")
        self.labels = labels; self.vectorizer = vectorizer; self.regression = regression
        self.sentence = sentence; self.wordsOnly = wordsOnly
        self.centroids = centroids.flatMap { $0.count == labels.count * (sentence?.dimensions ?? -1) ? $0 : nil }
    }

    /// The cosine between a sentence vector and the nearest label's centroid (nil without
    /// centroids): near 1 for a message like the training set's, lower for one unlike any.
    public func nearness(_ vector: ArraySlice<Float>) -> Double? {
        guard let centroids, let d = sentence?.dimensions, vector.count == d else { return nil }
        var best = -Float.infinity
        for c in 0..<labels.count {
            var dot: Float = 0
            for (j, v) in vector.enumerated() { dot += v * centroids[c * d + j] }
            best = max(best, dot)
        }
        return Double(best)
    }

    /// Unit-length mean vector of each label's texts (`vectors` holds `d` floats a text).
    static func centroids(vectors: [Float], labels y: [Int], classes: Int, d: Int) -> [Float] {
        var sums = [Float](repeating: 0, count: classes * d)
        for (i, c) in y.enumerated() { for j in 0..<d { sums[c * d + j] += vectors[i * d + j] } }
        for c in 0..<classes {
            let norm = (0..<d).reduce(Float(0)) { $0 + sums[c * d + $1] * sums[c * d + $1] }.squareRoot()
            if norm > 0 { for j in 0..<d { sums[c * d + j] /= norm } }
        }
        return sums
    }

    /// How a message's text is turned into features.
    public enum Reading: String, Sendable, Hashable, Codable {
        /// TF-IDF and the sentence vector.
        case sentence
        /// TF-IDF alone: the model has no sentence part, or its encoder is not available.
        case words
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

    public func classify(_ text: String, vector: ArraySlice<Float>? = nil, alternatives: Int = 2) -> Prediction {
        var scratch = Scratch()
        return classify(text, vector: vector, scratch: &scratch, alternatives: alternatives)
    }

    /// `vector` is the text's sentence vector from the encoder `sentence` names; without
    /// one a sentence model reads with its words-only regression.
    public func classify(_ text: String, vector: ArraySlice<Float>? = nil, scratch: inout Scratch, alternatives: Int = 2) -> Prediction {
        probabilities(text, vector: vector, scratch: &scratch)
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

    /// Which regression reads a text given whether its sentence vector is at hand.
    public func reading(withVector: Bool) -> Reading { sentence != nil && withVector ? .sentence : .words }

    func probabilities(_ text: String, vector: ArraySlice<Float>?, scratch: inout Scratch) {
        var x = vectorizer.transform(text, scratch: &scratch.features)
        if let sentence, let wordsOnly {
            guard let vector, vector.count == sentence.dimensions else {
                wordsOnly.probabilities(x, into: &scratch.probabilities)
                return
            }
            sentence.append(vector, after: vectorizer.featureCount, to: &x)
        }
        regression.probabilities(x, into: &scratch.probabilities)
    }

    /// The label alone, for bulk scoring.
    public func predict(_ text: String, vector: ArraySlice<Float>? = nil, scratch: inout Scratch) -> (label: Int, confidence: Float) {
        probabilities(text, vector: vector, scratch: &scratch)
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
    /// What the sentence vector (unit length) is multiplied by beside the TF-IDF blocks (each
    /// unit length too); absent in files written before sentence features existed.
    public var sentenceScale: Float? = 3

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
    /// With `encoder`, the model also reads the sentence vector, and keeps a words-only
    /// regression trained on the same rows for when the encoder is missing.
    /// `vectors` are the texts' sentence vectors when the caller has them already.
    public static func train(texts: [String], labels: [String], options: ClassifierTraining = ClassifierTraining(),
                             encoder: SentenceEncoder? = nil, vectors known: [Float]? = nil,
                             progress: (Int, Double) -> Void = { _, _ in }) -> (TextClassifier, TrainingSummary) {
        precondition(texts.count == labels.count && !texts.isEmpty, "every text needs a label")
        let classes = Array(Set(labels)).sorted()
        let classIndex = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
        let vectorizer = TfidfVectorizer.fit(texts, analyzer: options.analyzer, minDocumentFrequency: options.minDocumentFrequency)
        var scratch: [Int32] = []
        let rows = texts.map { vectorizer.transform($0, scratch: &scratch) }
        let y = labels.map { classIndex[$0] ?? 0 }
        let regression = SoftmaxRegression.Training(c: options.c, optimizer: LBFGS(maxIterations: options.maxIterations))
        let k = max(classes.count, 2)
        var labelNames = classes
        if labelNames.count < 2 { labelNames.append("(none)") }
        let words = SoftmaxRegression.train(rows: rows, labels: y, classes: k, features: vectorizer.featureCount, options: regression,
                                            progress: encoder == nil ? progress : { _, _ in })
        guard let encoder else {
            let summary = TrainingSummary(examples: texts.count, features: vectorizer.featureCount, iterations: words.outcome.iterations,
                                          converged: words.outcome.converged, finalLoss: words.outcome.value)
            return (TextClassifier(labels: labelNames, vectorizer: vectorizer, regression: words.model), summary)
        }
        let sentence = SentenceFeatures(encoder: encoder, scale: options.sentenceScale ?? 3)
        let d = sentence.dimensions
        let vectors = known.flatMap { $0.count == texts.count * d ? $0 : nil } ?? encoder.encode(texts)
        let both = rows.enumerated().map { i, row in
            var x = row
            sentence.append(vectors[(i * d)..<((i + 1) * d)], after: vectorizer.featureCount, to: &x)
            return x
        }
        let fit = SoftmaxRegression.train(rows: both, labels: y, classes: k, features: vectorizer.featureCount + d, options: regression,
                                          progress: progress)
        let summary = TrainingSummary(examples: texts.count, features: vectorizer.featureCount + d, iterations: fit.outcome.iterations,
                                      converged: fit.outcome.converged, finalLoss: fit.outcome.value)
        return (TextClassifier(labels: labelNames, vectorizer: vectorizer, regression: fit.model, sentence: sentence, wordsOnly: words.model,
                               centroids: centroids(vectors: vectors, labels: y, classes: k, d: d)), summary)
    }
}
