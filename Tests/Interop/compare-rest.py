#!/usr/bin/env python3
"""Compares ofcontroller's ofctl_rest answers with Ryu's own, both asked about the same
Open vSwitch bridge at the same time.

For every GET path (and one filtered POST /stats/flow), the two answers must have the
same shape: the same key sets at every level of every object, the same JSON type for
every value, and lists equally long (entries paired in a canonical order). Values that
do not move must also be equal: the switch list, desc, every flow's match, actions,
priority and cookie, portdesc without its state bits, and the aggregate flow count.
The status codes of a few bad requests must agree too. One known difference is let
through: the names in a table's `wildcards` list (see `shape`). Prints one line per difference
and a summary; exits 0 when there is none.

Usage: compare-rest.py OURS_URL RYU_URL DPID
"""

import json
import sys
import urllib.error
import urllib.request


def ask(base, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method="GET" if body is None else "POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            text = answer.read()
            return answer.status, json.loads(text) if text else None
    except urllib.error.HTTPError as error:
        return error.code, None


def kind(value):
    # JSON's types; bool before int, since a bool is an int in Python.
    for name, cls in (("bool", bool), ("int", int), ("float", float), ("str", str), ("list", list), ("dict", dict)):
        if isinstance(value, cls):
            return name
    return "null"


def canonical(entries):
    return sorted(entries, key=lambda e: json.dumps(e.get("match", e.get("port_no", e)), sort_keys=True, default=str)
                  if isinstance(e, dict) else json.dumps(e))


def shape(path, ours, ryus, where, problems):
    if kind(ours) != kind(ryus):
        problems.append(f"{path}: {where}: ours is {kind(ours)}, Ryu's is {kind(ryus)}")
        return
    if isinstance(ours, dict):
        if set(ours) != set(ryus):
            problems.append(f"{path}: {where}: keys only ours {sorted(set(ours) - set(ryus))}, only Ryu's {sorted(set(ryus) - set(ours))}")
        for key in set(ours) & set(ryus):
            shape(path, ours[key], ryus[key], f"{where}.{key}", problems)
    elif isinstance(ours, list):
        if where.endswith(".wildcards"):
            # A table's wildcard names: Ryu tests `1 << flag` for each OFPFW_ flag rather
            # than the flag, so its list names other bits than the set ones (7 names for
            # OFPFW_ALL); ours names the set ones. Both are lists of strings.
            if not all(isinstance(name, str) for name in ours + ryus):
                problems.append(f"{path}: {where}: not a list of names")
            return
        if len(ours) != len(ryus):
            problems.append(f"{path}: {where}: {len(ours)} entries, Ryu's {len(ryus)}")
        for index, (a, b) in enumerate(zip(canonical(ours), canonical(ryus))):
            shape(path, a, b, f"{where}[{index}]", problems)


def main():
    ours_url, ryu_url, dpid = sys.argv[1], sys.argv[2], sys.argv[3]
    problems = []
    answers = {}
    paths = ["/stats/switches"] + [f"/stats/{name}/{dpid}" for name in ("desc", "flow", "aggregateflow", "port", "portdesc", "table")]
    paths.append(f"/stats/port/{dpid}/2")
    requests = [(path, None) for path in paths] + [(f"/stats/flow/{dpid}", {"match": {"in_port": 1}})]
    for path, body in requests:
        label = path if body is None else f"POST {path} {json.dumps(body)}"
        (our_status, ours), (ryu_status, ryus) = ask(ours_url, path, body), ask(ryu_url, path, body)
        if our_status != 200 or ryu_status != 200:
            problems.append(f"{label}: status {our_status}, Ryu's {ryu_status}")
            continue
        shape(label, ours, ryus, "$", problems)
        answers[label] = (ours, ryus)
        print(f"compared {label}")

    def same(label, pick):
        if label not in answers:
            return
        ours, ryus = (pick(answer) for answer in answers[label])
        if ours != ryus:
            problems.append(f"{label}: ours {ours}, Ryu's {ryus}")

    flow_values = lambda a: canonical([{k: f[k] for k in ("match", "actions", "priority", "cookie")} for f in a[dpid]])
    same("/stats/switches", sorted)
    same(f"/stats/desc/{dpid}", lambda a: a)
    same(f"/stats/flow/{dpid}", flow_values)
    same(f'POST /stats/flow/{dpid} {{"match": {{"in_port": 1}}}}', flow_values)
    same(f"/stats/aggregateflow/{dpid}", lambda a: a[dpid][0]["flow_count"])
    same(f"/stats/port/{dpid}/2", lambda a: [p["port_no"] for p in a[dpid]])
    same(f"/stats/portdesc/{dpid}", lambda a: canonical([{k: v for k, v in p.items() if k != "state"} for p in a[dpid]]))

    for path, body in [("/stats/flow/99", None), ("/stats/desc/99", None), ("/stats/flowentry/add", {"dpid": 99})]:
        our_status, ryu_status = ask(ours_url, path, body)[0], ask(ryu_url, path, body)[0]
        label = path if body is None else f"POST {path}"
        if our_status != ryu_status:
            problems.append(f"{label}: status {our_status}, Ryu's {ryu_status}")
        else:
            print(f"compared {label}: both {our_status}")

    for problem in problems:
        print("DIFF " + problem)
    print(f"{len(problems)} differences")
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main())
