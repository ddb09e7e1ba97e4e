import ClearwayCore
import Testing

/// Connectors and webhooks never reach the distributor's own network unless the policy
/// names the host or range.
@Suite("Outbound addresses")
struct OutboundPolicyTests {
    static func address(_ text: String) -> [UInt8] { OutboundPolicy.parseAddress(text)! }

    @Test("loopback, private, link-local, unspecified, shared and unique-local addresses are internal; public ones are not",
          arguments: ["127.0.0.1", "10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254", "0.0.0.0", "100.64.0.1",
                      "::1", "::", "fd00::1", "fe80::1", "::ffff:127.0.0.1", "::ffff:10.1.2.3"])
    func internalAddresses(_ text: String) {
        #expect(OutboundPolicy.internalKind(Self.address(text)) != nil, "\(text)")
        #expect(OutboundPolicy().refusal(host: "h", port: nil, addresses: [Self.address(text)]) != nil)
    }

    @Test("public addresses pass", arguments: ["93.184.216.34", "8.8.8.8", "2606:4700::1111", "172.32.0.1", "192.169.0.1"])
    func publicAddresses(_ text: String) {
        #expect(OutboundPolicy.internalKind(Self.address(text)) == nil, "\(text)")
    }

    @Test("a name that resolves to any internal address is refused, unless the policy allows the name or the range")
    func allowList() {
        let both = [Self.address("93.184.216.34"), Self.address("10.20.1.5")]
        #expect(OutboundPolicy().refusal(host: "erp.example", port: nil, addresses: both)?.contains("10.20.1.5") == true)
        #expect(OutboundPolicy(allow: ["10.20.0.0/16"]).refusal(host: "erp.example", port: nil, addresses: both) == nil)
        #expect(OutboundPolicy(allow: ["erp.example"]).refusal(host: "erp.example", port: nil, addresses: both) == nil)
        #expect(OutboundPolicy(allow: ["erp.example:8443"]).refusal(host: "erp.example", port: 5432, addresses: both) != nil)
        #expect(OutboundPolicy(allow: ["10.21.0.0/16"]).refusal(host: "erp.example", port: nil, addresses: both) != nil)
        #expect(OutboundPolicy().refusal(host: "nowhere", port: nil, addresses: []) != nil)
    }

    @Test("policy check refuses connector URLs that name an internal address outright, in any spelling, unless allowed",
          arguments: ["http://localhost:5432/x", "http://2130706433/x", "http://0x7f.1/x", "http://[::1]/x", "http://169.254.169.254/latest",
                      "http://10.0.0.1/erp"])
    func connectorURLs(_ url: String) throws {
        let text = "version: \"t\"\nconnectors:\n  erp: {url: \"\(url)\"}\n"
        #expect(throws: PolicyRejected.self) { try PolicyParser.parse(text) }
        let allowed = text + "outbound:\n  allow: [\"127.0.0.0/8\", \"::1\", \"169.254.169.254\", \"10.0.0.1\", \"localhost\"]\n"
        #expect(throws: Never.self) { try PolicyParser.parse(allowed) }
    }

    @Test("an allow entry that is neither a host nor a range is named by line")
    func badAllowEntry() {
        do {
            _ = try PolicyParser.parse("version: \"t\"\noutbound:\n  allow: [\"10.0.0.0/99\"]\n")
            Issue.record("accepted a /99 range")
        } catch {
            #expect(error.issues.first?.message.contains("10.0.0.0/99") == true, "\(error)")
        }
    }
}
