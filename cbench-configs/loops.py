"""What a cbench (or ofbench) log's counted loops say. Prints
"MIN,MAX,AVG,STDEV,SWITCH_MIN,SWITCH_MAX": the loops' responses/s as cbench's RESULT
line computes them (population standard deviation), then the per-switch spread, the
lowest and the highest responses/s any one switch got in any one counted loop. The
paper notes NOX's "extreme short-term unfairness" between switches; a fair controller
keeps SWITCH_MIN and SWITCH_MAX close to the average divided by the number of switches.

    loops.py LOG WARMUP_LOOPS MS_PER_LOOP

cbench prints one line per loop, "16  switches: flows/sec:  N N ... total = T per ms",
where each N is what one switch got in that loop. A log may hold several runs (rounds,
interleaved with the other peers by run.sh), each after a "cbench-configs: round N"
line; the first WARMUP_LOOPS loops of each are left out, as cbench leaves them out of
its RESULT line, and a run marked "cbench-configs: round discarded" (it gave no RESULT
line and was run again) is left out whole. Prints ",,,,," when the log has no counted
loop."""

import math
import re
import sys

LOOP_LINE = re.compile(r"switches: flows/sec:\s+([\d\s]+?)\s+total = ([\d.]+) per ms")
ROUND_LINE = "cbench-configs: round "
DISCARDED_LINE = "cbench-configs: round discarded"


def counted_loops(path, warmup):
    """(per-switch counts, total per ms) of each counted loop, round by round."""
    rounds = [[]]
    with open(path, errors="replace") as handle:
        for line in handle:
            if line.startswith(DISCARDED_LINE):
                rounds[-1] = []
            elif line.startswith(ROUND_LINE):
                rounds.append([])
            elif match := LOOP_LINE.search(line):
                rounds[-1].append(([int(n) for n in match.group(1).split()], float(match.group(2))))
    return [loop for loops in rounds for loop in loops[warmup:]]


def summary(path, warmup, ms_per_loop):
    loops = counted_loops(path, warmup)
    if not loops:
        return None
    rates = [total * 1000.0 for _, total in loops]
    average = sum(rates) / len(rates)
    stdev = math.sqrt(sum((rate - average) ** 2 for rate in rates) / len(rates))
    scale = 1000.0 / ms_per_loop
    counts = [n for switches, _ in loops for n in switches]
    return min(rates), max(rates), average, stdev, min(counts) * scale, max(counts) * scale


if __name__ == "__main__":
    result = summary(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
    if result is None:
        print(",,,,,")
    else:
        print("{:.2f},{:.2f},{:.2f},{:.2f},{:.0f},{:.0f}".format(*result))
