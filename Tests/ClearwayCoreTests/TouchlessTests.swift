import ClearwayCore
import Testing

@Suite("Touchless rules")
struct TouchlessTests {
    static let priceFinding = Finding(type: .pricingContractMismatch, key: "line:1", summary: "", evidence: [], moneyAtRisk: Money(155))

    func order(price: Double) -> Order {
        var o = ActionFixture.order
        o.lines[0].unitPrice = Money(price)
        return o
    }

    @Test("a variance within the rule's limit proposes the contract price; beyond it, nothing")
    func acceptContractPrice() {
        let rule = AutoRule(id: "accept", exceptionType: .pricingContractMismatch, action: .acceptContractPrice, maxVariancePercent: 10)
        let near = TouchlessPlanner.propose(type: .pricingContractMismatch, finding: Self.priceFinding, tier: .key,
                                            context: ActionFixture.context(order: order(price: 11.00)), rules: [rule])
        #expect(near?.parameters == .overridePrice(line: 1, unitPrice: Money(10.40)))
        #expect(near?.ruleId == "accept")
        let far = TouchlessPlanner.propose(type: .pricingContractMismatch, finding: Self.priceFinding, tier: .key,
                                           context: ActionFixture.context(order: order(price: 11.95)), rules: [rule])
        #expect(far == nil)
    }

    @Test("a variance above what the rule accepts alone, up to its approval limit, is proposed for a pricing approver")
    func varianceForApproval() throws {
        let rule = AutoRule(id: "accept", exceptionType: .pricingContractMismatch, action: .acceptContractPrice,
                            maxVariancePercent: 2, approveUpToVariancePercent: 10)
        let alone = TouchlessPlanner.propose(type: .pricingContractMismatch, finding: Self.priceFinding, tier: .key,
                                             context: ActionFixture.context(order: order(price: 10.50)), rules: [rule])
        #expect(alone?.approval == nil, "1% off: accepted alone")
        let asked = try #require(TouchlessPlanner.propose(type: .pricingContractMismatch, finding: Self.priceFinding, tier: .key,
                                                          context: ActionFixture.context(order: order(price: 11.00)), rules: [rule]))
        #expect(asked.parameters == .overridePrice(line: 1, unitPrice: Money(10.40)))
        #expect(asked.approval?.role == .pricingApprover)
        #expect(asked.approval?.rules == ["accept"])
        #expect(asked.approval?.reason.hasPrefix("variance 5.77% above the 2% accept accepts alone") == true)
        let beyond = TouchlessPlanner.propose(type: .pricingContractMismatch, finding: Self.priceFinding, tier: .key,
                                              context: ActionFixture.context(order: order(price: 11.95)), rules: [rule])
        #expect(beyond == nil, "15% off: beyond the approval limit, left to people")
        #expect(ApprovalRequirement.stricter(asked.approval, ApprovalRequirement(role: .supervisor, rules: ["big"], reason: ""))?.role == .supervisor)
        do {
            _ = try PolicyParser.parse("version: \"t1\"\n" + """
                autoResolution:
                  rules:
                    - {id: accept, exceptionType: pricing.contract_mismatch, action: accept_contract_price, maxVariancePercent: 5, approveUpToVariancePercent: 3}
                """)
            Issue.record("an approval limit below the auto-accept limit was accepted")
        } catch {
            #expect(error.issues.contains { $0.message.contains("accept.approveUpToVariancePercent must be at least maxVariancePercent") })
        }
    }

    @Test("a rule switched off, or limited to other tiers, proposes nothing")
    func switchesAndTiers() {
        let context = ActionFixture.context(order: order(price: 11.00))
        let off = AutoRule(id: "accept", exceptionType: .pricingContractMismatch, action: .acceptContractPrice, enabled: false)
        #expect(TouchlessPlanner.propose(type: .pricingContractMismatch, finding: Self.priceFinding, tier: .key, context: context, rules: [off]) == nil)
        let strategicOnly = AutoRule(id: "accept", exceptionType: .pricingContractMismatch, action: .acceptContractPrice, tiers: [.strategic])
        #expect(TouchlessPlanner.propose(type: .pricingContractMismatch, finding: Self.priceFinding, tier: .key, context: context, rules: [strategicOnly]) == nil)
    }

    @Test("a shortage is reallocated from the DC with the most stock that covers it")
    func reallocate() {
        let rule = AutoRule(id: "realloc", exceptionType: .inventoryShortage, action: .reallocateFromOtherSite)
        let finding = Finding(type: .inventoryShortage, key: "line:2", summary: "", evidence: [], moneyAtRisk: Money(280))
        let p = TouchlessPlanner.propose(type: .inventoryShortage, finding: finding, tier: .key, context: ActionFixture.context(), rules: [rule])
        #expect(p?.parameters == .allocateFromSite(line: 2, site: "DC-EU", quantity: 7))
    }

    @Test("an ERP/WMS difference within the rule's units posts the WMS count; a larger one does not")
    func postCount() {
        let finding = Finding(type: .inventoryRecordMismatch, key: "sku:BOLT-10", summary: "", evidence: [], moneyAtRisk: Money(36))
        let small = AutoRule(id: "count", exceptionType: .inventoryRecordMismatch, action: .postWarehouseCount, maxUnits: 5)
        #expect(TouchlessPlanner.propose(type: .inventoryRecordMismatch, finding: finding, tier: .key, context: ActionFixture.context(), rules: [small])?
            .parameters == .postWarehouseCount(sku: "BOLT-10"))
        let tight = AutoRule(id: "count", exceptionType: .inventoryRecordMismatch, action: .postWarehouseCount, maxUnits: 2)
        #expect(TouchlessPlanner.propose(type: .inventoryRecordMismatch, finding: finding, tier: .key, context: ActionFixture.context(), rules: [tight]) == nil)
    }

    @Test("the acting sections of a policy are read, and every mistake is named with its line")
    func policySections() throws {
        let base = "version: \"t1\"\n"
        let policy = try PolicyParser.parse(base + """
            autoResolution:
              mode: recommend_only
              rules:
                - {id: accept, exceptionType: pricing.contract_mismatch, action: accept_contract_price, maxVariancePercent: 1, tiers: [key]}
            approvals:
              - {id: big, actions: [release_credit], amountAbove: 1000, role: credit_approver}
            connectors:
              erp: {url: "http://erp.local/actions", timeoutSeconds: 3, maxAttempts: 4, tokenEnv: ERP_TOKEN}
            """)
        #expect(policy.actions.autoResolution.mode == .recommendOnly)
        #expect(policy.actions.autoResolution.rules.first?.tiers == [.key])
        #expect(policy.actions.approvals.map(\.id) == ["big"])
        #expect(policy.actions.connectors["erp"]?.maxAttempts == 4)
        do {
            _ = try PolicyParser.parse(base + """
                approvals:
                  - {id: x, actions: [launch_rocket], amountAbove: 5, role: viewer}
                autoResolution:
                  mode: sometimes
                connectors:
                  erp: {url: "ftp://erp"}
                """)
            Issue.record("a broken policy was accepted")
        } catch {
            let messages = error.issues.map { "\($0.line): \($0.message)" }
            #expect(messages.contains { $0.hasPrefix("3:") && $0.contains("unknown action 'launch_rocket'") })
            #expect(messages.contains { $0.hasPrefix("3:") && $0.contains("must be a role that approves") })
            #expect(messages.contains { $0.hasPrefix("5:") && $0.contains("act or recommend_only") })
            #expect(messages.contains { $0.hasPrefix("7:") && $0.contains("http:// or https://") })
        }
    }
}
