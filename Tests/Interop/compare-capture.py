#!/usr/bin/env python3
"""Compares tshark's decode of an OpenFlow capture with ours (ofdump).

For each direction of each connection, the sequence of (type, xid) must be the same,
and for the families tshark 4.0 dissects field by field, a few body fields must agree:
PACKET_IN in_port, buffer_id, total_len; FLOW_MOD priority, idle_timeout, buffer_id;
PACKET_OUT buffer_id, in_port. Prints one line per finding and a summary; exits 0 when
everything agrees and there is enough to compare (a handshake, packet_ins, flow_mods).

Usage: compare-capture.py --pcap FILE --port PORT --ofdump PATH
"""

import argparse
import collections
import json
import re
import subprocess
import sys

# OpenFlow 1.0 message types, ofdump's names to wire numbers.
TYPES = {
    "OFPT_HELLO": 0, "OFPT_ERROR": 1, "OFPT_ECHO_REQUEST": 2, "OFPT_ECHO_REPLY": 3,
    "OFPT_VENDOR": 4, "OFPT_FEATURES_REQUEST": 5, "OFPT_FEATURES_REPLY": 6,
    "OFPT_GET_CONFIG_REQUEST": 7, "OFPT_GET_CONFIG_REPLY": 8, "OFPT_SET_CONFIG": 9,
    "OFPT_PACKET_IN": 10, "OFPT_FLOW_REMOVED": 11, "OFPT_PORT_STATUS": 12,
    "OFPT_PACKET_OUT": 13, "OFPT_FLOW_MOD": 14, "OFPT_PORT_MOD": 15,
    "OFPT_STATS_REQUEST": 16, "OFPT_STATS_REPLY": 17, "OFPT_BARRIER_REQUEST": 18,
    "OFPT_BARRIER_REPLY": 19, "OFPT_QUEUE_GET_CONFIG_REQUEST": 20,
    "OFPT_QUEUE_GET_CONFIG_REPLY": 21,
}
PACKET_IN, PACKET_OUT, FLOW_MOD = 10, 13, 14
NO_BUFFER = 0xFFFFFFFF

# The body fields compared per type: tshark field name -> ofdump text key.
FIELDS = {
    PACKET_IN: {"openflow.in_port": "in_port", "openflow.buffer_id": "buffer_id", "openflow.total_len": "total_len"},
    FLOW_MOD: {"openflow.priority": "priority", "openflow.idle_timeout": "idle_timeout", "openflow.buffer_id": "buffer_id"},
    PACKET_OUT: {"openflow.buffer_id": "buffer_id", "openflow.in_port": "in_port"},
}


def number(text):
    text = text.strip()
    if text == "none":
        return NO_BUFFER
    return int(text, 16) if text.lower().startswith("0x") else int(text)


def walk(node):
    """Yields (key, value) of every leaf under a tshark JSON tree, depth first."""
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(value, (dict, list)):
                yield from walk(value)
            else:
                yield key, value
    elif isinstance(node, list):
        for item in node:
            yield from walk(item)


def first(tree, name):
    for key, value in walk(tree):
        if key == name:
            return value
    return None


def tshark_messages(pcap, port):
    """(direction, messages) per TCP stream: each message a dict with type, xid, fields."""
    command = ["tshark", "-r", pcap, "-d", f"tcp.port=={port},openflow", "-Y", "openflow_v1 or openflow_v4 or openflow_v5 or openflow_v6",
               "-T", "json", "--no-duplicate-keys"]
    packets = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout or "[]")
    streams = collections.defaultdict(list)
    for packet in packets:
        layers = packet["_source"]["layers"]
        tcp = layers["tcp"]
        key = (f'{tcp["tcp.srcport"]}', f'{tcp["tcp.dstport"]}')
        for name in sorted(k for k in layers if k.startswith("openflow_v")):
            pdus = layers[name] if isinstance(layers[name], list) else [layers[name]]
            for pdu in pdus:
                type_value = next((v for k, v in walk(pdu) if re.fullmatch(r"openflow(_v\d+|_1_0)\.type", k)), None)
                xid = first(pdu, "openflow.xid")
                if xid is None:
                    xid = next((v for k, v in walk(pdu) if k.endswith(".xid")), None)
                if type_value is None or xid is None:
                    continue
                message = {"type": int(type_value), "xid": number(xid), "fields": {}}
                for field in FIELDS.get(message["type"], {}):
                    value = first(pdu, field)
                    if value is not None:
                        message["fields"][field] = number(value)
                # Packets are listed in capture order; PDUs of one frame in stream order.
                streams[key].append((packet["_source"]["layers"]["frame"]["frame.number"], message))
    return {key: [m for _, m in sorted(items, key=lambda item: int(item[0]))] for key, items in streams.items()}


LINE = re.compile(r"^\S+:(\d+) > \S+:(\d+) (OFPT_\w+) xid=(0x[0-9a-f]+)(.*)$")


def ofdump_fields(kind, rest):
    """The compared fields from the text after the xid, by ofdump's rules: FLOW_MOD
    prints priority always, idle_timeout when nonzero, buffer_id when not none."""
    pairs = dict(re.findall(r"(\w+)=([^\s,]+)", rest))
    fields = {}
    if kind == PACKET_IN:
        fields = {"openflow.in_port": pairs.get("in_port"), "openflow.buffer_id": pairs.get("buffer_id"),
                  "openflow.total_len": pairs.get("total_len")}
    elif kind == PACKET_OUT:
        fields = {"openflow.buffer_id": pairs.get("buffer_id"), "openflow.in_port": pairs.get("in_port")}
    elif kind == FLOW_MOD:
        fields = {"openflow.priority": pairs.get("priority"), "openflow.idle_timeout": pairs.get("idle_timeout", "0"),
                  "openflow.buffer_id": pairs.get("buffer_id", "none")}
    ports = {"LOCAL": "65534", "CONTROLLER": "65533", "NONE": "65535", "FLOOD": "65531", "ALL": "65532",
             "IN_PORT": "65528", "TABLE": "65529", "NORMAL": "65530"}
    return {k: number(ports.get(v, v)) for k, v in fields.items() if v is not None}


def ofdump_messages(ofdump, pcap, port):
    result = subprocess.run([ofdump, pcap, "--port", str(port)], capture_output=True, text=True)
    streams = collections.defaultdict(list)
    problems = []
    for line in result.stdout.splitlines():
        match = LINE.match(line)
        if not match:
            problems.append(line)
            continue
        source, destination, name, xid, rest = match.groups()
        kind = TYPES.get(name)
        if kind is None:
            problems.append(line)
            continue
        streams[(source, destination)].append({"type": kind, "xid": int(xid, 16), "fields": ofdump_fields(kind, rest)})
    return streams, problems, result.returncode


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pcap", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--ofdump", required=True)
    args = parser.parse_args()

    theirs = tshark_messages(args.pcap, args.port)
    ours, problems, status = ofdump_messages(args.ofdump, args.pcap, args.port)
    failures = []
    if status != 0:
        failures.append(f"ofdump exited {status}")
    failures += [f"ofdump line not understood: {line}" for line in problems]
    if set(theirs) != set(ours):
        failures.append(f"directions differ: tshark {sorted(theirs)} ofdump {sorted(ours)}")

    compared = collections.Counter()
    fields_compared = 0
    for key in sorted(set(theirs) & set(ours)):
        label = f"{key[0]} > {key[1]}"
        a, b = theirs[key], ours[key]
        sequence_a = [(m["type"], m["xid"]) for m in a]
        sequence_b = [(m["type"], m["xid"]) for m in b]
        if sequence_a != sequence_b:
            index = next((i for i, (x, y) in enumerate(zip(sequence_a, sequence_b)) if x != y), min(len(a), len(b)))
            failures.append(f"{label}: (type, xid) sequences differ at message {index}: "
                            f"tshark {sequence_a[index:index + 3]} ofdump {sequence_b[index:index + 3]} "
                            f"(lengths {len(a)} and {len(b)})")
            continue
        for index, (x, y) in enumerate(zip(a, b)):
            compared[x["type"]] += 1
            for field, value in x["fields"].items():
                if field not in y["fields"]:
                    continue
                fields_compared += 1
                if y["fields"][field] != value:
                    failures.append(f"{label}: message {index} (type {x['type']} xid {x['xid']:#x}) {field}: "
                                    f"tshark {value} ofdump {y['fields'][field]}")
            missing = set(FIELDS.get(x["type"], {})) - set(x["fields"])
            if missing:
                failures.append(f"{label}: message {index} (type {x['type']}): tshark shows no {sorted(missing)}")

    for kind, least in ((0, 2), (5, 1), (6, 1), (PACKET_IN, 3), (FLOW_MOD, 2), (PACKET_OUT, 2)):
        if compared[kind] < least:
            failures.append(f"too little compared: {compared[kind]} messages of type {kind}, want at least {least}")

    total = sum(compared.values())
    print(f"compare-capture: {total} messages in {len(theirs)} directions, {fields_compared} body fields; "
          f"packet_in {compared[PACKET_IN]}, flow_mod {compared[FLOW_MOD]}, packet_out {compared[PACKET_OUT]}")
    for failure in failures:
        print(f"compare-capture: MISMATCH {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
