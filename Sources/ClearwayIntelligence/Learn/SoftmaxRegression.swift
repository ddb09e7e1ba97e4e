import Foundation

/// Multinomial logistic regression over sparse features: one weight per feature and class
/// plus a bias per class, probabilities by softmax. Trained by L-BFGS on the mean
/// cross-entropy with an L2 penalty of 1 / (2·C·n) on the weights (not the biases), the
/// objective scikit-learn's `LogisticRegression(C=…, solver="lbfgs")` minimises.
public struct SoftmaxRegression: Sendable, Hashable {
    public let classes: Int
    public let features: Int
    /// Feature-major: the `classes` weights of feature j start at `j * classes`.
    public let weights: [Float]
    public let bias: [Float]

    public init(classes: Int, features: Int, weights: [Float], bias: [Float]) {
        precondition(weights.count == classes * features && bias.count == classes, "weights do not fit the model's shape")
        self.classes = classes; self.features = features; self.weights = weights; self.bias = bias
    }

    /// Writes the class probabilities of `x` into `p` (resized to `classes`).
    public func probabilities(_ x: SparseVector, into p: inout [Float]) {
        if p.count != classes { p = [Float](repeating: 0, count: classes) }
        let k = classes
        weights.withUnsafeBufferPointer { w in
            p.withUnsafeMutableBufferPointer { out in
                for c in 0..<k { out[c] = bias[c] }
                for (j, v) in zip(x.indices, x.values) {
                    let row = Int(j) * k
                    for c in 0..<k { out[c] += v * w[row + c] }
                }
                let top = out.max() ?? 0
                var sum: Float = 0
                for c in 0..<k { out[c] = exp(out[c] - top); sum += out[c] }
                for c in 0..<k { out[c] /= sum }
            }
        }
    }

    public struct Training: Sendable {
        public var c: Double = 10
        public var optimizer = LBFGS()
        public init(c: Double = 10, optimizer: LBFGS = LBFGS()) { self.c = c; self.optimizer = optimizer }
    }

    /// Fits the model to rows labelled `0..<classes`. Starts from zero, so the same rows in
    /// the same order always give the same model.
    public static func train(rows: [SparseVector], labels: [Int], classes: Int, features: Int, options: Training = Training(),
                             progress: (Int, Double) -> Void = { _, _ in }) -> (model: SoftmaxRegression, outcome: LBFGS.Outcome) {
        precondition(rows.count == labels.count && !rows.isEmpty, "every row needs a label")
        // Classes are padded to a multiple of four so each feature's weights are whole SIMD
        // vectors; the padding's gradient is always zero, so it stays zero.
        let k = classes, kp = (classes + 3) / 4 * 4, lanes = kp / 4, wCount = features * kp
        let n = Double(rows.count), lambda = 1 / (options.c * n)
        var rowStart = [0], columns: [Int] = [], values: [Double] = []
        for row in rows {
            columns += row.indices.map { Int($0) * kp }
            values += row.values.map(Double.init)
            rowStart.append(columns.count)
        }
        var theta = [Double](repeating: 0, count: wCount + kp)
        var z = [SIMD4<Double>](repeating: .zero, count: lanes)
        let outcome = options.optimizer.minimize(&theta, objective: { theta, grad in
            var loss = 0.0
            theta.withUnsafeBufferPointer { tb in
                grad.withUnsafeMutableBufferPointer { gb in
                    z.withUnsafeMutableBufferPointer { zb in
                        let t = UnsafeRawPointer(tb.baseAddress!), g = UnsafeMutableRawPointer(gb.baseAddress!)
                        let stride = MemoryLayout<SIMD4<Double>>.stride
                        for i in 0..<gb.count { gb[i] = 0 }
                        zb.withMemoryRebound(to: Double.self) { zs in
                            for r in 0..<rows.count {
                                let label = labels[r], from = rowStart[r], to = rowStart[r + 1]
                                for l in 0..<lanes { zb[l] = t.loadUnaligned(fromByteOffset: (wCount + 4 * l) * 8, as: SIMD4<Double>.self) }
                                for e in from..<to {
                                    let x = SIMD4<Double>(repeating: values[e]), base = columns[e] * 8
                                    for l in 0..<lanes { zb[l] += x * t.loadUnaligned(fromByteOffset: base + l * stride, as: SIMD4<Double>.self) }
                                }
                                var top = zs[0]
                                for c in 1..<k where zs[c] > top { top = zs[c] }
                                var sum = 0.0
                                for c in 0..<k { zs[c] = exp(zs[c] - top); sum += zs[c] }
                                loss -= log(zs[label] / sum)
                                let inv = 1 / sum
                                for c in 0..<k { zs[c] *= inv }
                                for c in k..<kp { zs[c] = 0 }
                                zs[label] -= 1
                                for e in from..<to {
                                    let x = SIMD4<Double>(repeating: values[e]), base = columns[e] * 8
                                    for l in 0..<lanes {
                                        let at = base + l * stride
                                        g.storeBytes(of: g.loadUnaligned(fromByteOffset: at, as: SIMD4<Double>.self) + x * zb[l], toByteOffset: at, as: SIMD4<Double>.self)
                                    }
                                }
                                for c in 0..<kp { gb[wCount + c] += zs[c] }
                            }
                        }
                        var penalty = 0.0
                        for i in 0..<wCount {
                            penalty += tb[i] * tb[i]
                            gb[i] = gb[i] / n + lambda * tb[i]
                        }
                        for c in 0..<kp { gb[wCount + c] /= n }
                        loss = loss / n + lambda / 2 * penalty
                    }
                }
            }
            return loss
        }, progress: progress)
        var weights = [Float](repeating: 0, count: features * k)
        for j in 0..<features { for c in 0..<k { weights[j * k + c] = Float(theta[j * kp + c]) } }
        let model = SoftmaxRegression(classes: k, features: features, weights: weights, bias: (0..<k).map { Float(theta[wCount + $0]) })
        return (model, outcome)
    }
}
