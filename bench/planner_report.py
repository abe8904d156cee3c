#!/usr/bin/env python3
"""Markdown report of a planner benchmark run (bench/planner.sh).

Reads RESULTS_DIR/<suite>.csv (the output of `boucle bench-planner`) and <suite>.log (its
standard error) for the suites present, joins them with the best known values in the benchmark
folders' bks.csv, and prints Markdown tables:

  solomon-distance  per class: mean and worst gap to the distance-only best known distance
  solomon-vehicles  per class: vehicles against the hierarchical best known vehicles, and the
                    distance gap on the instances that reach the best known vehicle count
  toptw             one-tour files with a known optimum: mean and worst score gap
  ophs              per set: mean and worst score gap to the best known score

Gap for a distance: (ours - bks) / bks x 100; for a score: (bks - ours) / bks x 100. Instances
whose plan failed the re-check (violations or missing mandatory visits, from the .log) are
counted in the "re-check" column and left out of the gaps.

Standard library only.
"""

import argparse
import csv
import re
import statistics
import sys
from pathlib import Path

SOLOMON_CLASSES = ["C1", "C2", "R1", "R2", "RC1", "RC2"]


def read_results(path):
    """instance -> {vehicles, distance, score, seconds} (the final `mean` line is skipped)."""
    rows = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            if row["instance"] == "mean":
                continue
            rows[row["instance"]] = {
                "vehicles": int(row["vehicles"]),
                "distance": float(row["distance"]),
                "score": float(row["score"]),
                "seconds": float(row["seconds"]),
            }
    return rows


def read_flagged(path):
    """Instances the log reports with re-check violations or missing mandatory visits."""
    flagged = set()
    if not path.exists():
        return flagged
    pattern = re.compile(r"(\S+): (\d+) (violations in the double-precision re-check|"
                         r"mandatory visits missing)")
    with open(path, errors="replace") as f:
        for line in f:
            m = pattern.search(line)
            if m:
                flagged.add(m.group(1))
    return flagged


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def pct(x):
    return "–" if x is None else f"{x:+.2f}"


def mean(xs):
    return sum(xs) / len(xs) if xs else None


def worst(pairs):
    """The (gap, instance) with the largest gap, as 'gap (instance)'."""
    if not pairs:
        return "–"
    gap, name = max(pairs)
    return f"{gap:+.2f} ({name})"


def table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(out)


def distance_gap(ours, bks):
    return (ours - bks) / bks * 100.0


def score_gap(ours, bks):
    return (bks - ours) / bks * 100.0


def solomon_distance(results, flagged, bks_rows):
    rows = []
    groups = [(c, [b for b in bks_rows if b["class"] == c]) for c in SOLOMON_CLASSES]
    groups.append(("all", bks_rows))
    for name, group in groups:
        ran = [b for b in group if b["instance"] in results]
        if not ran:
            continue
        ok = [b for b in ran if b["instance"] not in flagged]
        gaps = [(distance_gap(results[b["instance"]]["distance"],
                              float(b["distance_only_distance"])), b["instance"]) for b in ok]
        rows.append([
            f"**{name}**" if name == "all" else name,
            len(ran),
            pct(mean([g for g, _ in gaps])),
            pct(statistics.median([g for g, _ in gaps]) if gaps else None),
            worst(gaps),
            sum(results[b["instance"]]["vehicles"] for b in ran),
            sum(int(b["distance_only_vehicles"]) for b in ran),
            len(ran) - len(ok),
            f"{mean([results[b['instance']]['seconds'] for b in ran]):.2f}",
        ])
    return table(["class", "n", "mean gap %", "median gap %", "worst gap %", "vehicles",
                  "BKS vehicles",
                  "re-check", "mean s"], rows)


def solomon_vehicles(results, flagged, bks_rows):
    rows = []
    groups = [(c, [b for b in bks_rows if b["class"] == c]) for c in SOLOMON_CLASSES]
    groups.append(("all", bks_rows))
    for name, group in groups:
        ran = [b for b in group if b["instance"] in results]
        if not ran:
            continue
        ok = [b for b in ran if b["instance"] not in flagged]
        reached = [b for b in ok
                   if results[b["instance"]]["vehicles"] <= int(b["vehicles"])]
        gaps = [(distance_gap(results[b["instance"]]["distance"], float(b["distance"])),
                 b["instance"]) for b in reached]
        rows.append([
            f"**{name}**" if name == "all" else name,
            len(ran),
            sum(results[b["instance"]]["vehicles"] for b in ran),
            sum(int(b["vehicles"]) for b in ran),
            len(reached),
            pct(mean([g for g, _ in gaps])),
            worst(gaps),
            len(ran) - len(ok),
            f"{mean([results[b['instance']]['seconds'] for b in ran]):.2f}",
        ])
    return table(["class", "n", "vehicles", "BKS vehicles", "at BKS vehicles",
                  "mean gap % (those)", "worst gap %", "re-check", "mean s"], rows)


def score_table(label, results, flagged, groups):
    """groups: [(name, [(instance, bks_score)])]; the last group is the total."""
    rows = []
    for name, group in groups:
        ran = [(i, s) for i, s in group if i in results]
        if not ran:
            continue
        ok = [(i, s) for i, s in ran if i not in flagged]
        gaps = [(score_gap(results[i]["score"], s), i) for i, s in ok]
        rows.append([
            f"**{name}**" if name == "all" else name,
            len(ran),
            pct(mean([g for g, _ in gaps])),
            worst(gaps),
            sum(1 for g, _ in gaps if g <= 1e-9),
            sum(1 for g, _ in gaps if g < -1e-9),
            len(ran) - len(ok),
            f"{mean([results[i]['seconds'] for i, _ in ran]):.2f}",
        ])
    return table([label, "n", "mean gap %", "worst gap %", "at BKS", "above BKS", "re-check",
                  "mean s"], rows)


def toptw(results, flagged, bks_rows):
    known = [(b["instance"], float(b["bks_score"])) for b in bks_rows
             if b["set"] == "solomon" and b["m"] == "1"]
    classes = []
    for c in ["c1", "r1", "rc1", "c2", "r2", "rc2"]:
        group = [(i, s) for i, s in known if re.fullmatch(c + r"\d\d", i)]
        if group:
            classes.append((c, group))
    classes.append(("all", known))
    text = score_table("class", results, flagged, classes)
    unknown = sorted(set(results) - {i for i, _ in known})
    if unknown:
        mean_score = mean([results[i]["score"] for i in unknown])
        text += (f"\n\n{len(unknown)} more instances without a known optimum "
                 f"(mean score {mean_score:.1f}).")
    return text


def ophs(results, flagged, bks_rows):
    sets = sorted({b["set"] for b in bks_rows})
    groups = [(s, [(b["instance"], float(b["best_known_score"])) for b in bks_rows
                   if b["set"] == s]) for s in sets]
    groups.append(("all", [(b["instance"], float(b["best_known_score"])) for b in bks_rows]))
    return score_table("set", results, flagged, groups)


def details(results, flagged):
    rows = [[i, r["vehicles"], f"{r['distance']:.2f}", f"{r['score']:g}", f"{r['seconds']:.2f}",
             "yes" if i in flagged else ""] for i, r in sorted(results.items())]
    return table(["instance", "vehicles", "distance", "score", "seconds", "re-check"], rows)


SUITES = [
    ("solomon-distance", "Solomon VRPTW, distance only (gap to the distance-only BKS)",
     "solomon", solomon_distance),
    ("solomon-vehicles", "Solomon VRPTW, vehicles then distance (hierarchical BKS)",
     "solomon", solomon_vehicles),
    ("toptw", "TOPTW, one tour (score gap to the optimum)", "toptw", toptw),
    ("ophs", "OPHS (score gap to the best known score)", "ophs", ophs),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("results", type=Path, help="a bench/results/planner-<date> folder")
    parser.add_argument("--benchmarks", type=Path, default=Path("/work/shared/benchmarks"),
                        help="folder holding solomon/, toptw/, ophs/ and their bks.csv")
    parser.add_argument("--details", action="store_true", help="also list every instance")
    args = parser.parse_args()

    out = ["# Planner benchmark", ""]
    meta = args.results / "meta.txt"
    if meta.exists():
        out += ["- " + line.strip() for line in meta.read_text().splitlines() if line.strip()]
        out.append("")
    found = False
    for suite, title, folder, report in SUITES:
        path = args.results / f"{suite}.csv"
        if not path.exists():
            continue
        found = True
        results = read_results(path)
        flagged = read_flagged(args.results / f"{suite}.log")
        bks_rows = read_csv(args.benchmarks / folder / "bks.csv")
        out += [f"## {title}", "", report(results, flagged, bks_rows), ""]
        if flagged:
            out += [f"Re-check warnings (see {suite}.log): {', '.join(sorted(flagged))}", ""]
        if args.details:
            out += [details(results, flagged), ""]
    if not found:
        print(f"planner_report.py: no <suite>.csv in {args.results}", file=sys.stderr)
        return 1
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
