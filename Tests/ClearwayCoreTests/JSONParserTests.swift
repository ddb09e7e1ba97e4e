import ClearwayCore
import Foundation
import Testing

@Suite("JSON parsing and canonical form")
struct JSONParserTests {
    func parse(_ text: String) throws -> JSONValue { try JSONValue.parseStrict(Data(text.utf8)) }

    @Test("documents parse to the values they spell, escapes and surrogate pairs included")
    func values() throws {
        let v = try parse(#" {"a": [1, -2.5e2, true, false, null], "s": "q\"\\\/\n\u00e9\ud83d\ude80", "o": {}} "#)
        #expect(v["a"] == .array([.number(1), .number(-250), .bool(true), .bool(false), .null]))
        #expect(v["s"] == .string("q\"\\/\né🚀"))
        #expect(v["o"] == .object([:]))
    }

    @Test("canonical text sorts keys, writes integers plainly and round-trips", arguments: [
        #"{"b":1,"a":[true,null,"x\ny"],"c":11.95}"#, #"[]"#, #""é""#, #"{"k":-0.001,"big":12345678901234}"#,
    ])
    func canonical(_ text: String) throws {
        let value = try parse(text)
        let canonical = value.canonicalString()
        #expect(try parse(canonical) == value)
        #expect(canonical == (try parse(canonical)).canonicalString())
    }

    @Test("keys come out sorted and numbers as people write them")
    func canonicalShape() throws {
        #expect(try parse(#"{"b":100.0,"a":11.95}"#).canonicalString() == #"{"a":11.95,"b":100}"#)
    }

    @Test("broken documents name the problem and the byte where it is", arguments: [
        (#"{"a": 1"#, "end of input"), (#"{"a" 1}"#, "expected ':'"), (#"[1, 2,]"#, "unexpected character"),
        (#"{"a": tru}"#, "invalid literal"), (#"{"a": 01}"#, "expected ','"), (#"{} {}"#, "after the JSON document"),
        (#""\x""#, "invalid escape"), ("\"a\tb\"", "control character"), (#""\ud83d""#, "unpaired surrogate"), ("", "end of input"),
    ])
    func errors(_ text: String, _ expected: String) {
        do {
            _ = try parse(text)
            Issue.record("\(text) should not parse")
        } catch {
            #expect("\(error)".contains(expected), "\(text): \(error)")
        }
    }

    @Test("nesting deeper than the limit is refused instead of exhausting the stack")
    func depthLimit() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: JSONSyntaxError.self) { try parse(deep) }
        let fine = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(throws: Never.self) { try parse(fine) }
    }
}
