#!/usr/bin/env python3
"""Converts an OCEL log with pm4py: pm4py_convert.py IN OUT (OUT ends in .sqlite or .json).

Lets the tests check that Clearway reads OCEL 2.0 files as pm4py writes them.
"""
import sys

import pm4py


def main():
    source, target = sys.argv[1], sys.argv[2]
    ocel = pm4py.read_ocel2_json(source) if source.endswith(".json") else pm4py.read_ocel(source)
    if target.endswith(".sqlite"):
        pm4py.write_ocel2_sqlite(ocel, target)
    elif target.endswith(".json"):
        pm4py.write_ocel2_json(ocel, target)
    else:
        print("OUT must end in .sqlite or .json", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
