"""Per-switch spread of a cbench (or ofbench) log: prints "MIN,MAX", the lowest and the
highest responses/s any one switch got in any one counted loop. The paper notes NOX's
"extreme short-term unfairness" between switches; a fair controller keeps MIN and MAX
close to the average divided by the number of switches.

    fairness.py LOG WARMUP_LOOPS MS_PER_LOOP

cbench prints one line per loop, "16  switches: flows/sec:  N N ... total = ...", where
each N is what one switch got in that loop; the first WARMUP_LOOPS lines are left out,
as cbench leaves them out of its RESULT line. Prints "," when the log has none."""

import re
import sys

LOOP_LINE = re.compile(r"switches: flows/sec:\s+([\d\s]+?)\s+total")


def spread(path, warmup, ms_per_loop):
    with open(path, errors="replace") as handle:
        loops = [match.group(1).split() for match in map(LOOP_LINE.search, handle) if match]
    counts = [int(n) for loop in loops[warmup:] for n in loop]
    if not counts:
        return None
    scale = 1000.0 / ms_per_loop
    return min(counts) * scale, max(counts) * scale


if __name__ == "__main__":
    result = spread(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
    print("," if result is None else f"{result[0]:.0f},{result[1]:.0f}")
