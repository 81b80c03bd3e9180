"""Print the parity status per area: identical/total, then each differing case's diff.

Usage (from the repository root)::

    python -m tests.flask_parity.report            # every area
    python -m tests.flask_parity.report routing    # some areas
    python -m tests.flask_parity.report --quiet    # the summary table only

Exit status is 1 when a case that is not allowlisted differs.
"""

from __future__ import annotations

import argparse
import sys
import typing as t

from tests.flask_parity.allowlist import ALLOWED
from tests.flask_parity.harness import (
    compare_case,
    discover_areas,
    failures,
    read_cases,
    run_frameworks,
)

__all__ = ["main"]


def main(argv: t.Sequence[str] | None = None) -> int:
    """Run both frameworks over the areas and print the report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("areas", nargs="*", help="areas to run (default: all)")
    parser.add_argument("--quiet", action="store_true", help="summary only, no diffs")
    args = parser.parse_args(argv)
    areas = args.areas or discover_areas()
    results = run_frameworks(areas)
    broken = failures(results)
    for failure in broken:
        print(f"!! {failure}")
    differing = []
    unexpected = 0
    total_same = total = 0
    print(f"{'area':<24} identical/total  allowlisted")
    for area in areas:
        comparisons = [compare_case(results, area, case["id"]) for case in read_cases(area)]
        same = sum(c.identical for c in comparisons)
        allowed = sum(1 for c in comparisons if not c.identical and c.key in ALLOWED)
        total_same += same
        total += len(comparisons)
        print(f"{area:<24} {same:>4}/{len(comparisons):<10} {allowed:>4}")
        for comparison in comparisons:
            if not comparison.identical:
                differing.append(comparison)
                unexpected += comparison.key not in ALLOWED
    print(f"{'TOTAL':<24} {total_same:>4}/{total}")
    if not args.quiet and not broken:
        for comparison in differing:
            reason = ALLOWED.get(comparison.key)
            tag = f"ALLOWLISTED: {reason}" if reason else "DIFFERS"
            print(f"\n=== {comparison.key} ({tag})\n{comparison.diff()}")
    return 1 if unexpected or broken else 0


if __name__ == "__main__":
    sys.exit(main())
