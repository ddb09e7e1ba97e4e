"""Peer for `clearway bench cluster`: the same exception-routing workflow run by
SpiffWorkflow (BPMN, bench/peers/routing.bpmn), one workflow instance per order.

Detection uses the same reference data and rules as Clearway's bench workload: a line
price off contract beyond its tolerance (pricing), a SKU not in the product master
(master data), more than the site's available stock (inventory), a full lane (logistics).
Each finished instance is serialised and committed to SQLite (WAL, synchronous=FULL), one
transaction per order, as Clearway commits each acknowledged order. Prints JSON.

    python spiff_routing.py REFERENCE.json ORDERS.json DB_PATH
"""
import json, os, sqlite3, sys, time

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.parser import BpmnParser
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer

QUEUES = {"pricing.contract_mismatch": "pricing", "masterdata.unknown_product": "master_data",
          "inventory.shortage": "inventory", "logistics.carrier_capacity": "logistics"}


def load_reference(events):
    products, contracts, stock, lanes = set(), {}, {}, {}
    for e in events:
        d, t = e["data"], e["type"]
        if t == "clearway.product.upserted.v1":
            products.add(d["sku"])
        elif t == "clearway.contract.upserted.v1":
            contracts[(d["customerId"], d["sku"])] = (d["price"], d.get("tolerancePercent", 2))
        elif t == "clearway.inventory.snapshot.v1":
            for p in d["positions"]:
                stock[(d["site"], p["sku"])] = p["erpOnHand"]
        elif t == "clearway.carrier.capacity.v1":
            lanes[(d["lane"], d["shipDate"])] = d["capacity"] - d["booked"]
    return products, contracts, stock, lanes


def main():
    reference = json.load(open(sys.argv[1]))
    orders = json.load(open(sys.argv[2]))
    products, contracts, stock, lanes = load_reference(reference)

    def detect(order):
        found = []
        for line in order["lines"]:
            sku = line["sku"]
            if sku not in products:
                found.append("masterdata.unknown_product")
                continue
            contract = contracts.get((order["customerId"], sku))
            if contract and abs(line["unitPrice"] - contract[0]) > contract[0] * contract[1] / 100:
                found.append("pricing.contract_mismatch")
            if line["quantity"] > stock.get((order["site"], sku), 0):
                found.append("inventory.shortage")
        if lanes.get((order.get("lane"), order["requestedShipDate"]), 1) <= 0:
            found.append("logistics.carrier_capacity")
        return sorted(set(found))

    def route(order, exceptions):
        return {"orderId": order["orderId"], "exceptions": [{"type": t, "queue": QUEUES[t], "priority": 50} for t in exceptions]}

    parser = BpmnParser()
    parser.add_bpmn_file(os.path.join(os.path.dirname(os.path.abspath(__file__)), "routing.bpmn"))
    spec = parser.get_spec("exception_routing")
    engine = PythonScriptEngine(environment=TaskDataEnvironment({"detect": detect, "route": route}))
    serializer = BpmnWorkflowSerializer()

    db = sqlite3.connect(sys.argv[3], isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE IF NOT EXISTS instances (order_id TEXT PRIMARY KEY, state TEXT NOT NULL)")

    engine_seconds, cases = 0.0, 0
    start = time.perf_counter()
    for event in orders:
        t = time.perf_counter()
        workflow = BpmnWorkflow(spec, script_engine=engine)
        workflow.get_tasks(spec_name="order_received")[0].data["order"] = event["data"]
        workflow.do_engine_steps()
        assert workflow.is_completed()
        cases += 1 if workflow.data.get("exceptions") else 0
        state = serializer.serialize_json(workflow)
        engine_seconds += time.perf_counter() - t
        db.execute("BEGIN IMMEDIATE")
        db.execute("INSERT INTO instances (order_id, state) VALUES (?, ?)", (event["data"]["orderId"], state))
        db.execute("COMMIT")
    total = time.perf_counter() - start
    print(json.dumps({"instances": len(orders), "cases": cases, "engineSeconds": engine_seconds, "totalSeconds": total}))


if __name__ == "__main__":
    main()
