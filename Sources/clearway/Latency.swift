/// Durations as the benchmarks print them.
enum Latency {
    static func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }

    /// The p-th latency in milliseconds, two decimals ("–" for none).
    static func percentile(_ latencies: [Duration], _ p: Double) -> String {
        guard !latencies.isEmpty else { return "–" }
        let sorted = latencies.sorted()
        return String(format: "%.2f", seconds(sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]) * 1000)
    }
}
