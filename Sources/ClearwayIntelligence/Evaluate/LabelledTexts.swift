import ClearwayCore

/// Labelled examples read from a CSV with a header row: a text column, a label column and
/// optional grouping columns (e.g. segment, site) for per-group accuracy.
public struct LabelledTexts: Sendable {
    public var texts: [String] = []
    public var labels: [String] = []
    /// Column name → each example's value.
    public var groups: [String: [String]] = [:]

    public init(texts: [String] = [], labels: [String] = [], groups: [String: [String]] = [:]) {
        self.texts = texts; self.labels = labels; self.groups = groups
    }

    public var count: Int { texts.count }

    /// Why a file could not be read as labelled examples; each names the problem and where.
    public enum Problem: Error, Sendable, Hashable, CustomStringConvertible {
        case empty
        case malformed(String)
        case missingColumn(String, available: [String])
        case shortRow(line: Int, column: String)
        case blank(line: Int, column: String)

        public var description: String {
            switch self {
            case .empty: "the file has no header row"
            case .malformed(let why): "the CSV is malformed: \(why)"
            case .missingColumn(let c, let available): "there is no column '\(c)' (columns: \(available.joined(separator: ", ")))"
            case .shortRow(let line, let c): "line \(line) has no '\(c)' field"
            case .blank(let line, let c): "line \(line): '\(c)' is empty"
            }
        }
    }

    public static func read(csv bytes: [UInt8], text: String, label: String, groups groupColumns: [String] = []) throws(Problem) -> LabelledTexts {
        var reader = CSVReader(bytes: bytes)
        guard let header = reader.next() else { throw reader.failure.map { .malformed($0.description) } ?? .empty }
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        func column(_ name: String) throws(Problem) -> Int {
            guard let i = names.firstIndex(of: name) else { throw .missingColumn(name, available: names) }
            return i
        }
        let t = try column(text), l = try column(label)
        var g: [(String, Int)] = []
        for name in groupColumns { g.append((name, try column(name))) }
        var out = LabelledTexts()
        for (name, _) in g { out.groups[name] = [] }
        while reader.advance() {
            if reader.fieldCount == 1, reader.field(0).isEmpty { continue }  // blank line
            for (name, i) in [(text, t), (label, l)] + g where i >= reader.fieldCount { throw .shortRow(line: reader.line, column: name) }
            let textValue = CSVText.unguarded(reader.string(t)), labelValue = reader.string(l).trimmingCharacters(in: .whitespaces)
            if textValue.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { throw .blank(line: reader.line, column: text) }
            if labelValue.isEmpty { throw .blank(line: reader.line, column: label) }
            out.texts.append(textValue)
            out.labels.append(labelValue)
            for (name, i) in g { out.groups[name, default: []].append(reader.string(i)) }
        }
        if let failure = reader.failure { throw .malformed(failure.description) }
        return out
    }

    /// The examples at `indices`, in that order.
    public func subset(_ indices: [Int]) -> LabelledTexts {
        LabelledTexts(texts: indices.map { texts[$0] }, labels: indices.map { labels[$0] },
                      groups: groups.mapValues { values in indices.map { values[$0] } })
    }

    /// The examples as CSV, every field quoted and guarded against formulas (`CSVText`;
    /// `read` undoes the guard): the text and label columns (named as given), then the
    /// grouping columns in name order.
    public func csv(text: String = "text", label: String = "label") -> String {
        let names = groups.keys.sorted()
        return CSVText.table(header: [text, label] + names, rows: texts.indices.map { i in
            [texts[i], labels[i]] + names.map { groups[$0]?[i] ?? "" }
        }, quoteAll: true, lineEnd: "\n")
    }

    /// Evaluates a classifier on these examples.
    /// How many examples each label has.
    public var labelCounts: [String: Int] { labels.reduce(into: [:]) { $0[$1, default: 0] += 1 } }

    /// Measures `model` on these texts; a sentence model reads with `encoder` when given (the
    /// texts are encoded in batches first), with its words-only regression when not.
    public func evaluate(_ model: TextClassifier, encoder: SentenceEncoder? = nil) -> ClassificationReport {
        let (predicted, confidence) = predictions(model, encoder: encoder)
        return ClassificationReport(truth: labels, predicted: predicted, confidence: confidence, modelLabels: model.labels, groups: groups)
    }

    /// What `model` reads each text as, and how sure it is.
    public func predictions(_ model: TextClassifier, encoder: SentenceEncoder? = nil) -> (labels: [String], confidence: [Double]) {
        var scratch = TextClassifier.Scratch()
        var predicted: [String] = [], confidence: [Double] = []
        predicted.reserveCapacity(count); confidence.reserveCapacity(count)
        let d = encoder?.dimensions ?? 0
        let vectors = model.sentence != nil ? encoder?.encode(texts) : nil
        for (i, text) in texts.enumerated() {
            let p = model.predict(text, vector: vectors?[(i * d)..<((i + 1) * d)], scratch: &scratch)
            predicted.append(model.labels[p.label]); confidence.append(Double(p.confidence))
        }
        return (predicted, confidence)
    }
}
