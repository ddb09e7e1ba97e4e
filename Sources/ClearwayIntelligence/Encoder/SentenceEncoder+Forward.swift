import ClearwayKernels

extension SentenceEncoder {
    /// Runs one batch through the transformer and hands each message's pooled, unit-length
    /// vector to `emit` (valid only during the call).
    func forward(_ batch: [[Int32]], scratch s: inout Scratch, emit: (Int, UnsafeBufferPointer<Float>) -> Void) {
        let w = shape.width, rows = batch.reduce(0) { $0 + $1.count }
        guard rows > 0 else { return }
        s.fit(rows: rows, shape: shape)
        embed(batch, into: &s.x)
        let m = Int32(rows)
        for layer in layers {
            gemm(s.x, m, w, layer.qkv, 3 * w, layer.qkvBias, &s.qkv, &s.pairs)
            s.qkv.withUnsafeBufferPointer { qkv in
                s.context.withUnsafeMutableBufferPointer { context in
                    s.scores.withUnsafeMutableBufferPointer { scores in
                        var row = 0
                        for message in batch {
                            cw_attention(qkv.baseAddress! + row * 3 * w, Int32(message.count), Int32(shape.heads),
                                         Int32(w / shape.heads), context.baseAddress! + row * w, scores.baseAddress!)
                            row += message.count
                        }
                    }
                }
            }
            gemm(s.context, m, w, layer.output, w, layer.outputBias, &s.sum, &s.pairs)
            cw_add_layernorm(&s.x, s.sum, m, Int32(w), layer.norm1, layer.norm1Bias, Self.epsilon)
            gemm(s.x, m, w, layer.up, shape.intermediate, layer.upBias, &s.hidden, &s.pairs)
            cw_gelu(&s.hidden, rows * shape.intermediate)
            gemm(s.hidden, m, shape.intermediate, layer.down, w, layer.downBias, &s.sum, &s.pairs)
            cw_add_layernorm(&s.x, s.sum, m, Int32(w), layer.norm2, layer.norm2Bias, Self.epsilon)
        }
        pool(batch, s.x, emit: emit)
    }

    /// Word, position and token-type embeddings of every token, normalised.
    func embed(_ batch: [[Int32]], into x: inout [Float]) {
        let w = shape.width
        var row = 0
        for message in batch {
            for (position, id) in message.enumerated() {
                let word = Int(id) * w, at = position * w, out = row * w
                for d in 0..<w { x[out + d] = words[word + d] + positions[at + d] + tokenType[d] }
                row += 1
            }
        }
        cw_add_layernorm(&x, nil, Int32(row), Int32(w), norm, normBias, Self.epsilon)
    }

    /// The mean of each message's token vectors, scaled to unit length.
    func pool(_ batch: [[Int32]], _ x: [Float], emit: (Int, UnsafeBufferPointer<Float>) -> Void) {
        let w = shape.width
        var vector = [Float](repeating: 0, count: w), row = 0
        for (i, message) in batch.enumerated() {
            for d in 0..<w { vector[d] = 0 }
            for r in row..<(row + message.count) { for d in 0..<w { vector[d] += x[r * w + d] } }
            row += message.count
            var norm: Float = 0
            for d in 0..<w { vector[d] /= Float(message.count); norm += vector[d] * vector[d] }
            let scale = norm > 0 ? 1 / norm.squareRoot() : 0
            for d in 0..<w { vector[d] *= scale }
            vector.withUnsafeBufferPointer { emit(i, $0) }
        }
    }

    func gemm(_ a: [Float], _ m: Int32, _ k: Int, _ packed: Packed, _ n: Int, _ bias: [Float], _ c: inout [Float], _ pairs: inout [UInt32]) {
        switch precision {
        case .float32: cw_gemm(a, m, Int32(k), packed.float32, Int32(n), bias, &c)
        case .bfloat16: cw_gemm_bf16(a, m, Int32(k), packed.pairs, Int32(n), bias, &c, &pairs)
        }
    }
}
