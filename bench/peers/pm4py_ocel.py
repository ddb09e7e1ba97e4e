#!/usr/bin/env python3
"""pm4py's answers for an OCEL log flattened on one object type, for Clearway to compare.

Usage: pm4py_ocel.py LOG (.csv, OCEL 2.0 .json or .sqlite) --object-type TYPE [--object-type TYPE2 …] [--repeat N]

Prints one JSON object: the seconds pm4py took to read the log, and per object type the
directly-follows counts, the variants with their counts, each case's duration in seconds,
the performance DFG (median seconds per transition), and the seconds each step took (best
of --repeat runs), so that a benchmark can set Clearway's time beside pm4py's in the same
invocation.
"""
import argparse
import json
import sys
import time

import pm4py


def timed(fn, repeat):
    best, value = None, None
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return value, best


def analyse(ocel, object_type, keys, repeat):
    # pm4py's variants on a dataframe assume its rows are grouped by case: its own sort call
    # drops its result (pm4py 2.7.23, objects/log/util/pandas_numpy_variants.py), so an
    # unsorted flattened log gives wrong variants. Sorting by case and time here (stable,
    # so equal times keep the log's order) is the order pm4py's DFG discovery uses itself.
    def flatten():
        frame = pm4py.ocel_flattening(ocel, object_type)
        return frame.sort_values(["case:concept:name", "time:timestamp"], kind="stable")
    flat, t_flatten = timed(flatten, repeat)
    dfg, t_dfg = timed(lambda: pm4py.discover_dfg(flat, **keys)[0], repeat)
    variants, t_variants = timed(lambda: pm4py.get_variants(flat, **keys), repeat)
    durations, t_durations = timed(lambda: pm4py.get_all_case_durations(flat, **keys), repeat)
    perf, t_perf = timed(lambda: pm4py.discover_performance_dfg(flat, **keys)[0], repeat)
    return {
        "objectType": object_type,
        "events": int(len(flat)),
        "cases": int(flat["case:concept:name"].nunique()),
        "dfg": sorted(({"from": a, "to": b, "count": int(c)} for (a, b), c in dfg.items()),
                      key=lambda e: (e["from"], e["to"])),
        "variants": sorted(({"variant": list(v), "count": int(c if isinstance(c, int) else len(c))}
                            for v, c in variants.items()), key=lambda e: (-e["count"], e["variant"])),
        "caseDurations": sorted(float(d) for d in durations),
        "transitionMedianSeconds": sorted(({"from": a, "to": b, "median": float(s["median"])}
                                           for (a, b), s in perf.items()), key=lambda e: (e["from"], e["to"])),
        "seconds": {"flatten": t_flatten, "dfg": t_dfg, "variants": t_variants,
                    "caseDurations": t_durations, "performanceDfg": t_perf},
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("log")
    parser.add_argument("--object-type", action="append", required=True)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()

    keys = dict(activity_key="concept:name", timestamp_key="time:timestamp", case_id_key="case:concept:name")
    if args.log.endswith(".json"):
        reader = pm4py.read_ocel2_json      # OCEL 2.0 JSON, as Clearway exports it
    elif args.log.endswith(".sqlite"):
        reader = pm4py.read_ocel2_sqlite
    else:
        reader = pm4py.read_ocel            # OCEL-CSV and the older formats, by extension
    ocel, t_read = timed(lambda: reader(args.log), args.repeat)
    known = set(ocel.objects["ocel:type"])
    results = []
    for object_type in args.object_type:
        if object_type not in known:
            print(json.dumps({"error": f"no objects of type {object_type}"}))
            return 2
        results.append(analyse(ocel, object_type, keys, args.repeat))
    out = {"readSeconds": t_read, "types": results}
    json.dump(out, sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
