/// Limited-memory BFGS with a backtracking (Armijo) line search: minimises a smooth
/// function of many parameters from its value and gradient alone. Deterministic: the same
/// start and objective give the same steps, bit for bit.
public struct LBFGS: Sendable {
    public var memory = 10
    public var maxIterations = 200
    /// Stops when no gradient component exceeds this (scikit-learn's `tol` for lbfgs).
    public var gradientTolerance = 1e-4

    public init(memory: Int = 10, maxIterations: Int = 200, gradientTolerance: Double = 1e-4) {
        self.memory = memory; self.maxIterations = maxIterations; self.gradientTolerance = gradientTolerance
    }

    public struct Outcome: Sendable { public var iterations: Int; public var value: Double; public var converged: Bool }

    /// `objective(x, &gradient)` returns f(x) and writes ∇f(x). `progress` hears each iteration.
    public func minimize(_ x: inout [Double], objective: ([Double], inout [Double]) -> Double,
                         progress: (Int, Double) -> Void = { _, _ in }) -> Outcome {
        let n = x.count
        var g = [Double](repeating: 0, count: n)
        var f = objective(x, &g)
        var s: [[Double]] = [], y: [[Double]] = [], rho: [Double] = []
        var direction = [Double](repeating: 0, count: n)
        var xNew = x, gNew = g
        var alpha = [Double](repeating: 0, count: memory)
        for iteration in 1...max(1, maxIterations) {
            if Self.maxAbs(g) <= gradientTolerance { return Outcome(iterations: iteration - 1, value: f, converged: true) }
            // Two-loop recursion: direction = -H·g.
            for i in 0..<n { direction[i] = -g[i] }
            for k in stride(from: s.count - 1, through: 0, by: -1) {
                alpha[k] = rho[k] * Self.dot(s[k], direction)
                Self.axpy(-alpha[k], y[k], &direction)
            }
            if let last = s.indices.last {
                let scale = Self.dot(s[last], y[last]) / Self.dot(y[last], y[last])
                for i in 0..<n { direction[i] *= scale }
            } else {
                let scale = 1 / max(Self.norm(g), 1e-12)
                for i in 0..<n { direction[i] *= scale }
            }
            for k in 0..<s.count {
                let beta = rho[k] * Self.dot(y[k], direction)
                Self.axpy(alpha[k] - beta, s[k], &direction)
            }
            var slope = Self.dot(g, direction)
            if slope >= 0 {  // not a descent direction: start again from steepest descent
                s.removeAll(); y.removeAll(); rho.removeAll()
                for i in 0..<n { direction[i] = -g[i] }
                slope = Self.dot(g, direction)
            }
            var step = 1.0, fNew = f
            var accepted = false
            for _ in 0..<40 {
                for i in 0..<n { xNew[i] = x[i] + step * direction[i] }
                fNew = objective(xNew, &gNew)
                if fNew <= f + 1e-4 * step * slope { accepted = true; break }
                step *= 0.5
            }
            guard accepted else { return Outcome(iterations: iteration, value: f, converged: false) }
            var sk = [Double](repeating: 0, count: n), yk = sk
            for i in 0..<n { sk[i] = xNew[i] - x[i]; yk[i] = gNew[i] - g[i] }
            let sy = Self.dot(sk, yk)
            if sy > 1e-12 {
                if s.count == memory { s.removeFirst(); y.removeFirst(); rho.removeFirst() }
                s.append(sk); y.append(yk); rho.append(1 / sy)
            }
            swap(&x, &xNew); swap(&g, &gNew)
            let previous = f
            f = fNew
            progress(iteration, f)
            if abs(previous - f) <= 1e-12 * max(1, abs(f)) { return Outcome(iterations: iteration, value: f, converged: true) }
        }
        return Outcome(iterations: maxIterations, value: f, converged: Self.maxAbs(g) <= gradientTolerance)
    }

    static func dot(_ a: [Double], _ b: [Double]) -> Double {
        var sum = 0.0
        for i in a.indices { sum += a[i] * b[i] }
        return sum
    }
    static func axpy(_ a: Double, _ x: [Double], _ y: inout [Double]) { for i in x.indices { y[i] += a * x[i] } }
    static func norm(_ a: [Double]) -> Double { dot(a, a).squareRoot() }
    static func maxAbs(_ a: [Double]) -> Double { a.reduce(0) { max($0, abs($1)) } }
}
