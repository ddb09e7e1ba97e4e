import Foundation

/// A document as its non-zero features: ascending feature indices and their weights.
public struct SparseVector: Sendable, Hashable {
    public var indices: [Int32]
    public var values: [Float]
    public init(indices: [Int32] = [], values: [Float] = []) { self.indices = indices; self.values = values }
}

/// TF-IDF weights over a fixed vocabulary, as scikit-learn computes them with
/// `sublinear_tf=True, smooth_idf=True, norm="l2"`: weight = (1 + ln tf) × idf with
/// idf = ln((1 + n) / (1 + df)) + 1, and each block (words, characters) scaled to unit
/// length on its own, as a `FeatureUnion` of two vectorizers does.
public struct TfidfVectorizer: Sendable {
    public let analyzer: TextAnalyzer
    /// Features in index order: word n-grams first, then character n-grams.
    public let terms: [String]
    public let idf: [Float]
    /// Features below this index are word n-grams.
    public let wordFeatures: Int
    let index: [UInt64: Int32]

    public init(analyzer: TextAnalyzer, terms: [String], idf: [Float], wordFeatures: Int) {
        self.analyzer = analyzer; self.terms = terms; self.idf = idf; self.wordFeatures = wordFeatures
        var index: [UInt64: Int32] = [:]
        index.reserveCapacity(terms.count)
        for (i, term) in terms.enumerated() { index[TextAnalyzer.hash(term)] = Int32(i) }
        self.index = index
    }

    public var featureCount: Int { terms.count }

    /// Learns the vocabulary and document frequencies; n-grams in fewer than
    /// `minDocumentFrequency` texts are left out.
    public static func fit(_ texts: [String], analyzer: TextAnalyzer, minDocumentFrequency: Int) -> TfidfVectorizer {
        struct Seen { var df: Int32; var block: TextAnalyzer.Block; var term: String }
        var seen: [UInt64: Seen] = [:]
        var inDoc = Set<UInt64>()
        for text in texts {
            inDoc.removeAll(keepingCapacity: true)
            analyzer.analyze(text) { block, hash, spell in
                guard inDoc.insert(hash).inserted else { return }
                seen[hash, default: Seen(df: 0, block: block, term: spell())].df += 1
            }
        }
        let kept = seen.values.filter { Int($0.df) >= minDocumentFrequency }
            .sorted { ($0.block.rawValue, $0.term) < ($1.block.rawValue, $1.term) }
        let n = Float(texts.count)
        let idf = kept.map { log((1 + n) / (1 + Float($0.df))) + 1 }
        return TfidfVectorizer(analyzer: analyzer, terms: kept.map(\.term), idf: idf,
                               wordFeatures: kept.prefix { $0.block == .words }.count)
    }

    /// The text's weighted features. `scratch` is reused between calls to spare allocations.
    public func transform(_ text: String, scratch: inout [Int32]) -> SparseVector {
        scratch.removeAll(keepingCapacity: true)
        analyzer.analyze(text) { _, hash, _ in
            if let i = index[hash] { scratch.append(i) }
        }
        scratch.sort()
        var out = SparseVector()
        out.indices.reserveCapacity(scratch.count)
        out.values.reserveCapacity(scratch.count)
        var k = 0
        while k < scratch.count {
            let feature = scratch[k]
            var tf = 0
            while k < scratch.count, scratch[k] == feature { tf += 1; k += 1 }
            out.indices.append(feature)
            out.values.append((1 + log(Float(tf))) * idf[Int(feature)])
        }
        let split = out.indices.firstIndex { Int($0) >= wordFeatures } ?? out.indices.count
        Self.normalize(&out.values, 0..<split)
        Self.normalize(&out.values, split..<out.values.count)
        return out
    }

    public func transform(_ text: String) -> SparseVector {
        var scratch: [Int32] = []
        return transform(text, scratch: &scratch)
    }

    static func normalize(_ v: inout [Float], _ range: Range<Int>) {
        var sum: Float = 0
        for i in range { sum += v[i] * v[i] }
        guard sum > 0 else { return }
        let scale = 1 / sum.squareRoot()
        for i in range { v[i] *= scale }
    }
}
