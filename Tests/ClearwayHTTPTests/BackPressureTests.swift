import ClearwayEngine
@testable import ClearwayHTTP
import Testing

/// Ingestion refuses work it cannot queue instead of queueing without bound, and says when
/// to come back (the queue itself is tested in ClearwayEngineTests' GroupCommitTests).
@Suite("Back-pressure")
struct BackPressureTests {
    @Test("saturation answers 429 with Retry-After and says nothing was stored")
    func saturationIsA429WithRetryAfter() {
        let response = ProblemMapping.problem(for: EngineError.saturated(retryAfterSeconds: 1)).response()
        #expect(response.status == .tooManyRequests)
        #expect(response.headers[.retryAfter] == "1")
        #expect(response.headers[.contentType] == "application/problem+json")
    }
}
