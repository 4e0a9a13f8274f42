#!/usr/bin/env python3
"""Independent Rw check for a ClusterPDF fit file (no dependencies beyond the standard library).

Reads the columns r, Gobs, Gcalc[, Gdiff] after '#### start data' of a file written by
`clusterpdf fit -o`, and prints  Rw = sqrt(sum (Gobs - Gcalc)^2 / sum Gobs^2)  (unweighted) and the
Rw value the file's header reports.
Usage: Scripts/check-rw.py fit.gr
"""
import math
import sys


def main(path):
    header, rows, in_data = {}, [], False
    with open(path) as f:
        for line in f:
            s = line.strip()
            if not s:
                continue
            if s.startswith("#### start data"):
                in_data = True
                continue
            if s.startswith("#"):
                continue
            if not in_data and "=" in s:
                k, v = s.split("=", 1)
                header[k.strip()] = v.strip()
                continue
            if in_data:
                rows.append([float(t) for t in s.split()])
    num = sum((r[1] - r[2]) ** 2 for r in rows)
    den = sum(r[1] ** 2 for r in rows)
    print("Rw_independent = %.10f" % math.sqrt(num / den))
    print("Rw_reported = %s" % header.get("Rw_unweighted", header.get("Rw")))


if __name__ == "__main__":
    main(sys.argv[1])
