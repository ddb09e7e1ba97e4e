/// Exponential back-off with jitter: the n-th retry waits between half and all of
/// `base × 2^(n-1)`, capped at `cap`, so a crowd of retries spreads out instead of
/// hitting a recovering system at once.
public enum Backoff {
    public static func delay(attempt: Int, base: Double, cap: Double, random: Double) -> Double {
        let exponent = Double(min(max(attempt - 1, 0), 30))
        let ceiling = min(cap, base * pow2(exponent))
        return ceiling * (0.5 + 0.5 * min(max(random, 0), 1))
    }

    static func pow2(_ e: Double) -> Double {
        var v = 1.0
        for _ in 0..<Int(e) { v *= 2 }
        return v
    }
}
