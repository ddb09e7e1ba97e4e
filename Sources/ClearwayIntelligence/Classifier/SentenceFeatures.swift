/// The sentence part of a classifier's features: which encoder made the vectors (by name
/// and the SHA-256 of its weights, so a model is never fed another encoder's vectors), how
/// many dimensions, and the scale they enter the regression at.
public struct SentenceFeatures: Sendable, Hashable, Codable {
    public var encoder: String
    public var weightsSHA256: String
    public var dimensions: Int
    public var scale: Float
    /// The arithmetic the training vectors were made with (float32 or bfloat16; absent in
    /// older files). Vectors from the other differ by about 10⁻³, which a model reads through.
    public var precision: SentenceEncoder.Precision?

    public init(encoder: String, weightsSHA256: String, dimensions: Int, scale: Float) {
        self.encoder = encoder; self.weightsSHA256 = weightsSHA256; self.dimensions = dimensions; self.scale = scale
    }

    public init(encoder: SentenceEncoder, scale: Float) {
        self.init(encoder: EncoderFiles.name, weightsSHA256: EncoderFiles.weightsSHA256, dimensions: encoder.dimensions, scale: scale)
        precision = encoder.precision
    }

    /// Whether `encoder` is the one this model was trained with.
    public func matches(_ encoder: SentenceEncoder) -> Bool {
        encoder.dimensions == dimensions && weightsSHA256 == EncoderFiles.weightsSHA256
    }

    /// Appends the scaled vector as features `offset…offset + dimensions − 1`.
    func append(_ vector: ArraySlice<Float>, after offset: Int, to x: inout SparseVector) {
        x.indices.reserveCapacity(x.indices.count + dimensions)
        x.values.reserveCapacity(x.values.count + dimensions)
        for (d, v) in vector.enumerated() {
            x.indices.append(Int32(offset + d))
            x.values.append(v * scale)
        }
    }
}
