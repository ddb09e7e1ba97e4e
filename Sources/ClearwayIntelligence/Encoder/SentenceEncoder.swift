import ClearwayCore
import ClearwayKernels
import Foundation

/// A BERT sentence encoder of the MiniLM class (all-MiniLM-L6-v2: 6 layers, 384 wide, 12
/// heads), run on the CPU: WordPiece ids, the transformer, the mean of the token vectors,
/// scaled to unit length. Messages are encoded in batches whose tokens are stacked into one
/// matrix without padding; each message attends only to its own tokens, so a message's
/// vector is the same alone or in any batch (deterministic on a given machine).
public struct SentenceEncoder: Sendable {
    public struct Shape: Sendable, Hashable, Codable {
        public var layers = 6, width = 384, heads = 12, intermediate = 1536, positions = 512, vocabulary = 30522
        public var maxTokens = 256
        public init() {}
    }

    struct Layer: Sendable {
        var qkv: [Float], qkvBias: [Float]
        var output: [Float], outputBias: [Float], norm1: [Float], norm1Bias: [Float]
        var up: [Float], upBias: [Float], down: [Float], downBias: [Float], norm2: [Float], norm2Bias: [Float]
    }

    public let shape: Shape
    public let tokenizer: WordPieceTokenizer
    let words: [Float], positions: [Float], tokenType: [Float], norm: [Float], normBias: [Float]
    let layers: [Layer]
    static let epsilon: Float = 1e-12

    public var dimensions: Int { shape.width }
    /// The instruction set the matrix products run on here.
    public static var kernel: String { String(cString: cw_kernel_name()) }

    /// Builds the encoder from a safetensors file of a BERT model and its vocabulary.
    public init(weights: SafeTensors, tokenizer: WordPieceTokenizer, shape: Shape = Shape()) throws(SafeTensors.ReadError) {
        let w = shape.width, m = shape.intermediate
        self.shape = shape; self.tokenizer = tokenizer
        words = try weights.floats("embeddings.word_embeddings.weight", shape: [shape.vocabulary, w])
        positions = try weights.floats("embeddings.position_embeddings.weight", shape: [shape.positions, w])
        tokenType = Array(try weights.floats("embeddings.token_type_embeddings.weight", shape: [2, w])[0..<w])
        norm = try weights.floats("embeddings.LayerNorm.weight", shape: [w])
        normBias = try weights.floats("embeddings.LayerNorm.bias", shape: [w])
        var layers: [Layer] = []
        for l in 0..<shape.layers {
            let p = "encoder.layer.\(l)."
            func t(_ name: String, _ s: [Int]) throws(SafeTensors.ReadError) -> [Float] { try weights.floats(p + name, shape: s) }
            let q = try t("attention.self.query.weight", [w, w]), k = try t("attention.self.key.weight", [w, w])
            let v = try t("attention.self.value.weight", [w, w])
            let qkvBias = try t("attention.self.query.bias", [w]) + t("attention.self.key.bias", [w]) + t("attention.self.value.bias", [w])
            layers.append(Layer(
                qkv: Self.pack(q + k + v, n: 3 * w, k: w), qkvBias: qkvBias,
                output: Self.pack(try t("attention.output.dense.weight", [w, w]), n: w, k: w),
                outputBias: try t("attention.output.dense.bias", [w]),
                norm1: try t("attention.output.LayerNorm.weight", [w]), norm1Bias: try t("attention.output.LayerNorm.bias", [w]),
                up: Self.pack(try t("intermediate.dense.weight", [m, w]), n: m, k: w), upBias: try t("intermediate.dense.bias", [m]),
                down: Self.pack(try t("output.dense.weight", [w, m]), n: w, k: m), downBias: try t("output.dense.bias", [w]),
                norm2: try t("output.LayerNorm.weight", [w]), norm2Bias: try t("output.LayerNorm.bias", [w])))
        }
        self.layers = layers
    }

    static func pack(_ weight: [Float], n: Int, k: Int) -> [Float] {
        precondition(n % Int(CW_PANEL) == 0, "outputs must fill whole panels")
        var packed = [Float](repeating: 0, count: n * k)
        weight.withUnsafeBufferPointer { w in
            packed.withUnsafeMutableBufferPointer { cw_pack(w.baseAddress!, Int32(n), Int32(k), $0.baseAddress!) }
        }
        return packed
    }

    /// Unit-length vectors of `texts`, `dimensions` floats each, one after another.
    public func encode(_ texts: [String]) -> [Float] {
        encode(tokens: texts.map { tokenizer.encode($0, maxTokens: shape.maxTokens) })
    }

    /// The same for texts already tokenized.
    public func encode(tokens: [[Int32]]) -> [Float] {
        var out = [Float](repeating: 0, count: tokens.count * shape.width)
        var scratch = Scratch()
        // Batches of about 256 tokens keep the activations in cache and the products wide.
        var from = 0
        while from < tokens.count {
            var to = from, rows = 0
            while to < tokens.count, to == from || rows + tokens[to].count <= 256 { rows += tokens[to].count; to += 1 }
            forward(Array(tokens[from..<to]), scratch: &scratch) { i, vector in
                let base = (from + i) * shape.width
                for d in 0..<shape.width { out[base + d] = vector[d] }
            }
            from = to
        }
        return out
    }

    /// Buffers reused across batches.
    struct Scratch {
        var x: [Float] = [], qkv: [Float] = [], context: [Float] = [], sum: [Float] = [], hidden: [Float] = [], scores: [Float] = []
        mutating func fit(rows: Int, shape: Shape) {
            func grow(_ a: inout [Float], _ n: Int) { if a.count < n { a = [Float](repeating: 0, count: n) } }
            grow(&x, rows * shape.width); grow(&qkv, rows * 3 * shape.width); grow(&context, rows * shape.width)
            grow(&sum, rows * shape.width); grow(&hidden, rows * shape.intermediate); grow(&scores, shape.maxTokens)
        }
    }
}
