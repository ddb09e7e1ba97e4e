import ClearwayCore
import Testing

@Suite("W3C trace context")
struct TraceContextTests {
    static let valid = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

    @Test("a valid traceparent is read into trace id, span id and the sampled flag")
    func readsValid() throws {
        let trace = try #require(TraceContext(traceparent: Self.valid, tracestate: "congo=t61rcWkgMzE"))
        #expect(trace.traceId == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(trace.spanId == "00f067aa0ba902b7")
        #expect(trace.sampled)
        #expect(trace.headers == ["traceparent": Self.valid, "tracestate": "congo=t61rcWkgMzE"])
        #expect(TraceContext(traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00")?.sampled == false)
        #expect(TraceContext(traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0b")?.sampled == true)
    }

    @Test("malformed traceparents are refused with the reason", arguments: [
        ("", "55 characters"),
        ("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", "lower-case hex"),
        ("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra", "exactly 55"),
        ("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "version ff"),
        ("00-00000000000000000000000000000000-00f067aa0ba902b7-01", "trace id must not be all zeros"),
        ("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", "parent id must not be all zeros"),
        ("00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01", "version-traceid-parentid-flags"),
    ])
    func refusesMalformed(_ text: String, _ reason: String) {
        #expect(TraceContext(traceparent: text) == nil)
        #expect(TraceContext.problem(traceparent: text)?.contains(reason) == true, "\(text)")
    }

    @Test("a later version is read for its four fields and passed on as version 00")
    func laterVersion() throws {
        let trace = try #require(TraceContext(traceparent: "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-comes-next"))
        #expect(trace.traceparent == Self.valid)
    }

    @Test("an unusable tracestate is dropped, the trace kept")
    func dropsBadState() throws {
        #expect(try #require(TraceContext(traceparent: Self.valid, tracestate: String(repeating: "a", count: 513))).tracestate == nil)
        #expect(try #require(TraceContext(traceparent: Self.valid, tracestate: "k=v\u{7}")).tracestate == nil)
        #expect(try #require(TraceContext(traceparent: Self.valid, tracestate: "")).tracestate == nil)
    }

    @Test("checking a hostile traceparent reads a bounded prefix only")
    func boundedWork() {
        let long = Self.valid + "-" + String(repeating: "a", count: 1_000_000)
        #expect(TraceContext.problem(traceparent: long) == "version 00 must be exactly 55 characters")
    }
}
