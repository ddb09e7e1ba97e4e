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

    /// How the matrix products multiply: float32 throughout, or weights and activations
    /// rounded to bfloat16 with float sums (where the machine has AVX512-BF16): half the bytes
    /// streamed, twice the products per instruction, vectors within about 10⁻² of float32's.
    public enum Precision: String, Sendable, Hashable, Codable {
        case float32, bfloat16

        /// bfloat16 where the machine has it, unless $CLEARWAY_ENCODER_PRECISION=float32.
        public static var preferred: Precision {
            if ProcessInfo.processInfo.environment["CLEARWAY_ENCODER_PRECISION"] == "float32" { return .float32 }
            return cw_has_bf16() != 0 ? .bfloat16 : .float32
        }
    }

    /// A weight matrix packed for the chosen precision (the other array is empty).
    struct Packed: Sendable {
        var float32: [Float] = [], pairs: [UInt32] = []
    }

    struct Layer: Sendable {
        var qkv: Packed, qkvBias: [Float]
        var output: Packed, outputBias: [Float], norm1: [Float], norm1Bias: [Float]
        var up: Packed, upBias: [Float], down: Packed, downBias: [Float], norm2: [Float], norm2Bias: [Float]
    }

    public let shape: Shape
    public let precision: Precision
    public let tokenizer: WordPieceTokenizer
    let words: [Float], positions: [Float], tokenType: [Float], norm: [Float], normBias: [Float]
    let layers: [Layer]
    static let epsilon: Float = 1e-12

    public var dimensions: Int { shape.width }
    /// The instruction set the matrix products run on here.
    public static var kernel: String { String(cString: cw_kernel_name()) }
    /// How this encoder's products run here, as "avx512, bfloat16".
    public var arithmetic: String { precision == .bfloat16 ? "avx512, bfloat16" : "\(Self.kernel), float32" }

    /// Builds the encoder from a safetensors file of a BERT model and its vocabulary.
    public init(weights: SafeTensors, tokenizer: WordPieceTokenizer, shape: Shape = Shape(),
                precision: Precision = .preferred) throws(SafeTensors.ReadError) {
        let w = shape.width, m = shape.intermediate
        let precision = cw_has_bf16() != 0 ? precision : .float32
        self.shape = shape; self.tokenizer = tokenizer; self.precision = precision
        func pack(_ weight: [Float], n: Int, k: Int) -> Packed { Self.pack(weight, n: n, k: k, precision: precision) }
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
                qkv: pack(q + k + v, n: 3 * w, k: w), qkvBias: qkvBias,
                output: pack(try t("attention.output.dense.weight", [w, w]), n: w, k: w),
                outputBias: try t("attention.output.dense.bias", [w]),
                norm1: try t("attention.output.LayerNorm.weight", [w]), norm1Bias: try t("attention.output.LayerNorm.bias", [w]),
                up: pack(try t("intermediate.dense.weight", [m, w]), n: m, k: w), upBias: try t("intermediate.dense.bias", [m]),
                down: pack(try t("output.dense.weight", [w, m]), n: w, k: m), downBias: try t("output.dense.bias", [w]),
                norm2: try t("output.LayerNorm.weight", [w]), norm2Bias: try t("output.LayerNorm.bias", [w])))
        }
        self.layers = layers
    }

    static func pack(_ weight: [Float], n: Int, k: Int, precision: Precision) -> Packed {
        precondition(n % Int(CW_PANEL) == 0 && k % 2 == 0, "outputs must fill whole panels, inputs whole pairs")
        var packed = Packed()
        switch precision {
        case .float32:
            packed.float32 = [Float](repeating: 0, count: n * k)
            weight.withUnsafeBufferPointer { w in
                packed.float32.withUnsafeMutableBufferPointer { cw_pack(w.baseAddress!, Int32(n), Int32(k), $0.baseAddress!) }
            }
        case .bfloat16:
            packed.pairs = [UInt32](repeating: 0, count: n * k / 2)
            weight.withUnsafeBufferPointer { w in
                packed.pairs.withUnsafeMutableBufferPointer { cw_pack_bf16(w.baseAddress!, Int32(n), Int32(k), $0.baseAddress!) }
            }
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
        var pairs: [UInt32] = []
        mutating func fit(rows: Int, shape: Shape) {
            func grow(_ a: inout [Float], _ n: Int) { if a.count < n { a = [Float](repeating: 0, count: n) } }
            grow(&x, rows * shape.width); grow(&qkv, rows * 3 * shape.width); grow(&context, rows * shape.width)
            grow(&sum, rows * shape.width); grow(&hidden, rows * shape.intermediate); grow(&scores, shape.maxTokens)
            if pairs.count < rows * shape.intermediate / 2 { pairs = [UInt32](repeating: 0, count: rows * shape.intermediate / 2) }
        }
    }
}
