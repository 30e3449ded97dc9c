#!/usr/bin/env python3
"""A scripted fake OpenFlow 1.0 controller for a running ofswitch (real TCP, loopback).

Each check prints `PASS: ...` or `FAIL: ...`, and INFO lines report what was seen (the
exact (type, code) of every OFPT_ERROR); the exit status is 1 if any check failed.
Run by switch-bad-input.sh; stdlib only.

    fake-controller.py --port-file FILE --ping 'COMMAND' [--dpid N] [--ports 2]

It listens on 127.0.0.1 (a free port, written to FILE), waits for ofswitch to connect,
does the handshake (HELLO, FEATURES_REQUEST, SET_CONFIG). With no flows yet, COMMAND (a
shell command, e.g. a ping from the host on port 1 to the one on port 2) is started:
its first frame misses and comes buffered in a PACKET_IN, a PACKET_OUT of that buffer
to port 2 reaches the other host (whose answer misses in turn), and the same buffer a
second time is BUFFER_EMPTY. Then it installs two flows that forward port 1 <-> port 2;
COMMAND must succeed, and the flows' packet counters must move. Then it sends
malformed and refused requests, each followed by a BARRIER_REQUEST, and checks the
OFPT_ERROR each gets against the OpenFlow 1.0 spec (openflow.h, ofp_error_type and the
codes): its type and code, its xid, and its data echoing the offending message (the
first 64 bytes, or all of it when shorter):

  a wrong version after the handshake        BAD_REQUEST / BAD_VERSION
  an unknown message type                    BAD_REQUEST / BAD_TYPE
  a switch-to-controller type (PACKET_IN)    BAD_REQUEST / BAD_TYPE
  a truncated FLOW_MOD (match only)          BAD_REQUEST / BAD_LEN
  a FLOW_MOD with an unknown action type     BAD_ACTION / BAD_TYPE
  output to a port beyond OFPP_MAX           BAD_ACTION / BAD_OUT_PORT
  output to a port that does not exist       BAD_ACTION / BAD_OUT_PORT
  an action length not a multiple of 8, or 0 BAD_ACTION / BAD_LEN
  an action length running past the message  BAD_ACTION / BAD_LEN
  a vendor action                            BAD_ACTION / BAD_VENDOR
  SET_VLAN_VID above 4095                    BAD_ACTION / BAD_ARGUMENT
  a FLOW_MOD with an unknown command         FLOW_MOD_FAILED / BAD_COMMAND
  an emergency flow with a timeout           FLOW_MOD_FAILED / BAD_EMERG_TIMEOUT
  a PACKET_OUT with an unknown buffer_id     BAD_REQUEST / BUFFER_UNKNOWN
  a PACKET_OUT whose actions_len overruns    BAD_REQUEST / BAD_LEN
  a stats request of an unknown type         BAD_REQUEST / BAD_STAT
  a VENDOR message of an unknown vendor      BAD_REQUEST / BAD_VENDOR
  a Nicira subtype other than the role ones  BAD_REQUEST / BAD_SUBTYPE
  PORT_MOD of a port that does not exist     PORT_MOD_FAILED / BAD_PORT
  PORT_MOD with the wrong hardware address   PORT_MOD_FAILED / BAD_HW_ADDR
  a PACKET_OUT of a buffer already used      BAD_REQUEST / BUFFER_EMPTY

and that an OFPT_ERROR sent to the switch is not answered, that a valid ECHO_REQUEST
delivered one byte at a time is answered, and that none of the refused flows was
installed. Last, a header with a length below 8: the stream cannot be resynchronised,
so the switch closes the connection, then reconnects by itself; after a new handshake
its flows are still there and COMMAND still succeeds.
"""

import argparse
import os
import socket
import struct
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ beside the scripts in the tree
from ofpeer import (BARRIER_REPLY, BARRIER_REQUEST, ECHO_REPLY, ECHO_REQUEST, ERROR, FEATURES_REPLY,  # noqa: E402
                    FEATURES_REQUEST, FLOW_MOD, HELLO, NO_BUFFER, OFP_VERSION, PACKET_IN, PACKET_OUT, PORT_MOD,
                    SET_CONFIG, STATS_REPLY, STATS_REQUEST, VENDOR, Closed, Connection, check, error_type_code,
                    header, info, message, report)

TYPE_NAMES = {0: "HELLO_FAILED", 1: "BAD_REQUEST", 2: "BAD_ACTION", 3: "FLOW_MOD_FAILED", 4: "PORT_MOD_FAILED",
              5: "QUEUE_OP_FAILED"}
CODE_NAMES = {
    0: {0: "INCOMPATIBLE", 1: "EPERM"},
    1: {0: "BAD_VERSION", 1: "BAD_TYPE", 2: "BAD_STAT", 3: "BAD_VENDOR", 4: "BAD_SUBTYPE", 5: "EPERM",
        6: "BAD_LEN", 7: "BUFFER_EMPTY", 8: "BUFFER_UNKNOWN"},
    2: {0: "BAD_TYPE", 1: "BAD_LEN", 2: "BAD_VENDOR", 3: "BAD_VENDOR_TYPE", 4: "BAD_OUT_PORT", 5: "BAD_ARGUMENT",
        6: "EPERM", 7: "TOO_MANY", 8: "BAD_QUEUE"},
    3: {0: "ALL_TABLES_FULL", 1: "OVERLAP", 2: "EPERM", 3: "BAD_EMERG_TIMEOUT", 4: "BAD_COMMAND",
        5: "UNSUPPORTED"},
    4: {0: "BAD_PORT", 1: "BAD_HW_ADDR"},
    5: {0: "BAD_PORT", 1: "BAD_QUEUE", 2: "EPERM"},
}

OFPFW_ALL = 0x3FFFFF
OFPFW_IN_PORT = 1 << 0
OFPFW_DL_TYPE = 1 << 4
OFPP_NONE = 0xFFFF
OFPFF_SEND_FLOW_REM, OFPFF_EMERG = 1, 4
OFPFC_ADD = 0
OFPST_FLOW = 1
# Flows the bad FLOW_MODs aim at: an ethertype nobody sends, so a wrongly accepted one
# cannot disturb the forwarding under test, and flow stats can tell it was installed.
PROBE_ETHERTYPE = 0x88B5


def error_name(etype, code):
    return f"{TYPE_NAMES.get(etype, etype)}/{CODE_NAMES.get(etype, {}).get(code, code)} ({etype},{code})"


def match(wildcards=OFPFW_ALL, in_port=0, dl_type=0):
    return struct.pack("!IH6s6sHBxHBB2xIIHH", wildcards, in_port, b"\0" * 6, b"\0" * 6, 0, 0, dl_type, 0, 0,
                       0, 0, 0, 0)


def probe_match():
    return match(OFPFW_ALL & ~OFPFW_DL_TYPE, dl_type=PROBE_ETHERTYPE)


def flow_mod_body(the_match, actions=b"", command=OFPFC_ADD, idle=0, hard=0, priority=1, flags=0,
                  buffer_id=NO_BUFFER, cookie=0):
    return the_match + struct.pack("!QHHHHIHH", cookie, command, idle, hard, priority, buffer_id, OFPP_NONE,
                                   flags) + actions


def output(port, max_len=0):
    return struct.pack("!HHHH", 0, 8, port, max_len)


def flow_stats_request_body():
    # type FLOW, flags 0; ofp_flow_stats_request: match, table_id 0xff (all), pad, out_port NONE.
    return struct.pack("!HH", OFPST_FLOW, 0) + match() + struct.pack("!BxH", 0xFF, OFPP_NONE)


def parse_flow_stats(body):
    """The entries of a flow stats reply body (after type and flags)."""
    entries = []
    offset = 0
    while offset + 88 <= len(body):
        length, table = struct.unpack_from("!HB", body, offset)
        wildcards, in_port = struct.unpack_from("!IH", body, offset + 4)
        dl_type = struct.unpack_from("!H", body, offset + 4 + 18 + 4)[0]
        priority, idle, hard = struct.unpack_from("!HHH", body, offset + 52)
        cookie, packets, octets = struct.unpack_from("!QQQ", body, offset + 64)
        entries.append({"wildcards": wildcards, "in_port": in_port, "dl_type": dl_type, "priority": priority,
                        "cookie": cookie, "packets": packets, "bytes": octets,
                        "actions": body[offset + 88:offset + length]})
        if length < 88:
            break
        offset += length
    return entries


class Switch(Connection):
    """The one switch connection, accepted from ofswitch."""

    def __init__(self, sock):
        super().__init__(sock, "switch", 0x1000, 5.0)
        self.features = None

    def handshake(self):
        hello = self.expect(lambda v, k, x, d: k == HELLO)
        if not check("the switch opens with an OpenFlow 1.0 HELLO", hello is not None and hello[0] == OFP_VERSION,
                     f"got {hello!r}"):
            return False
        self.send(message(HELLO, xid=self.next_xid()))
        xid = self.next_xid()
        self.send(message(FEATURES_REQUEST, xid=xid))
        reply = self.expect(lambda v, k, x, d: k == FEATURES_REPLY and x == xid)
        if not check("FEATURES_REQUEST is answered with a FEATURES_REPLY (same xid)", reply is not None):
            return False
        data = reply[3]
        dpid, n_buffers, n_tables, capabilities, actions = struct.unpack_from("!QIB3xII", data, 8)
        ports = []
        for offset in range(32, len(data) - 47, 48):
            number, mac, name = struct.unpack_from("!H6s16s", data, offset)
            ports.append((number, mac, name.rstrip(b"\0").decode(errors="replace")))
        self.features = {"dpid": dpid, "n_buffers": n_buffers, "n_tables": n_tables, "ports": ports}
        info(f"features: dpid {dpid:016x}, n_buffers {n_buffers}, n_tables {n_tables}, ports "
             + ", ".join(f"{n}({name}) {mac.hex(':')}" for n, mac, name in ports))
        # miss_send_len 128, as a controller would.
        self.send(message(SET_CONFIG, struct.pack("!HH", 0, 128), self.next_xid()))
        return True

    def barrier(self, timeout=5.0):
        """Sends a BARRIER_REQUEST; returns every message before its reply, or None.
        Packet_ins among them are also kept for the next receive."""
        xid = self.next_xid()
        self.send(message(BARRIER_REQUEST, xid=xid))
        seen = []
        deadline = time.monotonic() + timeout
        while True:
            got = self.receive(max(0.0, deadline - time.monotonic()))
            if got is None:
                return None
            if got[1] == BARRIER_REPLY and got[2] == xid:
                # A packet_in that raced the reply is still there for a later expect().
                self.pending.extend(m for m in seen if m[1] == PACKET_IN)
                return seen
            seen.append(got)

    def flow_stats(self):
        xid = self.next_xid()
        self.send(message(STATS_REQUEST, flow_stats_request_body(), xid))
        entries = []
        while True:
            got = self.expect(lambda v, k, x, d: k == STATS_REPLY and x == xid)
            if got is None:
                return None
            data = got[3]
            entries += parse_flow_stats(data[12:])
            if not struct.unpack_from("!H", data, 10)[0] & 1:  # OFPSF_REPLY_MORE
                return entries


def accept(server, timeout):
    server.settimeout(timeout)
    try:
        sock, _ = server.accept()
    except socket.timeout:
        return None
    return Switch(sock)


def run_ping(command, what):
    """COMMAND must succeed (three tries)."""
    for _ in range(3):
        if subprocess.run(command, shell=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0:
            return check(what, True)
    return check(what, False, f"`{command}` failed three times")


def forwarding_flows(switch, priority=100):
    """in_port=1 -> output:2 and in_port=2 -> output:1, with cookies 1 and 2."""
    wildcards = OFPFW_ALL & ~OFPFW_IN_PORT
    for cookie, (inp, out) in enumerate(((1, 2), (2, 1)), start=1):
        body = flow_mod_body(match(wildcards, in_port=inp), output(out), priority=priority, cookie=cookie)
        switch.send(message(FLOW_MOD, body, switch.next_xid()))


def forwarding_counts(switch):
    entries = switch.flow_stats()
    if entries is None:
        return None
    return {e["cookie"]: e["packets"] for e in entries if e["cookie"] in (1, 2) and e["priority"] == 100}


def buffered_miss(switch, command):
    """With no flows and fail-secure, h1's ARP request misses: a PACKET_IN (reason
    NO_MATCH, buffered, at most miss_send_len bytes) comes from port 1. A PACKET_OUT of
    that buffer to port 2 delivers it to h2, whose ARP reply then misses on port 2; the
    same buffer a second time is BAD_REQUEST/BUFFER_EMPTY."""
    pinger = subprocess.Popen(command, shell=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        got = switch.expect(lambda v, k, x, d: k == PACKET_IN and len(d) >= 18
                            and struct.unpack_from("!H", d, 14)[0] == 1, timeout=10)
        if not check("a miss on port 1 (no flows, fail-secure) comes as a PACKET_IN", got is not None):
            return
        data = got[3]
        buffer_id, total_len, in_port, reason = struct.unpack_from("!IHHB", data, 8)
        frame = data[18:]
        info(f"packet_in: buffer_id {buffer_id:#x}, total_len {total_len}, in_port {in_port}, reason {reason}, "
             f"{len(frame)} bytes, ethertype {frame[12:14].hex()}")
        check("the PACKET_IN has reason NO_MATCH and a buffer id (n_buffers > 0)",
              reason == 0 and buffer_id != NO_BUFFER, f"reason {reason}, buffer_id {buffer_id:#x}")
        check("the PACKET_IN carries min(total_len, miss_send_len 128) bytes of an ARP request from h1",
              len(frame) == min(total_len, 128) and frame[12:14] == b"\x08\x06" and frame[6:12] == bytes(5) + b"\x01",
              f"{len(frame)} bytes of {total_len}: {frame[:20].hex()}")
        packet_out = message(PACKET_OUT, struct.pack("!IHH", buffer_id, in_port, 8) + output(2), switch.next_xid())
        switch.send(packet_out)
        seen = switch.barrier()
        check("PACKET_OUT of that buffer to port 2 is accepted", seen is not None
              and not [m for m in seen if m[1] == ERROR], f"got {seen!r}")
        reply = switch.expect(lambda v, k, x, d: k == PACKET_IN and len(d) >= 32
                              and struct.unpack_from("!H", d, 14)[0] == 2 and d[30:32] == b"\x08\x06", timeout=5)
        check("h2 got the buffered ARP request: its ARP reply misses on port 2", reply is not None
              and reply[3][18:24] == bytes(5) + b"\x01", f"got {reply!r}")
        again = message(PACKET_OUT, struct.pack("!IHH", buffer_id, in_port, 8) + output(2), switch.next_xid())
        check_error_case(switch, "PACKET_OUT of the same buffer again", again, (1, 7))
    finally:
        pinger.wait()


def bad_requests(switch, ports):
    """Each (name, message, (type, code)) the spec prescribes."""
    port_numbers = [n for n, _, _ in ports]
    missing_port = max([n for n in port_numbers if n < 0xFF00] + [0]) + 75
    first_mac = ports[0][1] if ports else b"\0" * 6
    probe = probe_match()
    x = switch.next_xid
    cases = [
        ("ECHO_REQUEST with version 0x04 after the handshake", message(ECHO_REQUEST, b"ver", x(), version=4),
         (1, 0)),
        ("ECHO_REQUEST with version 0x00 after the handshake", message(ECHO_REQUEST, b"", x(), version=0), (1, 0)),
        ("unknown message type 0x7f", message(0x7F, b"\x01\x02\x03\x04", x()), (1, 1)),
        ("a switch-to-controller message (PACKET_IN)",
         message(PACKET_IN, struct.pack("!IHHBx", NO_BUFFER, 0, 1, 0), x()), (1, 1)),
        ("FLOW_MOD truncated to its match (48 bytes)", message(FLOW_MOD, probe, x()), (1, 6)),
        ("FLOW_MOD with an unknown action type 0x33",
         message(FLOW_MOD, flow_mod_body(probe, struct.pack("!HH4x", 0x33, 8)), x()), (2, 0)),
        ("FLOW_MOD output to port 0xfff0 (between OFPP_MAX and the reserved ports)",
         message(FLOW_MOD, flow_mod_body(probe, output(0xFFF0)), x()), (2, 4)),
        (f"FLOW_MOD output to port {missing_port}, which the switch does not have",
         message(FLOW_MOD, flow_mod_body(probe, output(missing_port)), x()), (2, 4)),
        ("FLOW_MOD with an action length of 12 (not a multiple of 8) in a 16-byte action list",
         message(FLOW_MOD, flow_mod_body(probe, struct.pack("!HHHH8x", 0, 12, 1, 0)), x()), (2, 1)),
        ("FLOW_MOD with an action length of 0",
         message(FLOW_MOD, flow_mod_body(probe, struct.pack("!HHHH", 0, 0, 1, 0)), x()), (2, 1)),
        ("FLOW_MOD with an action length of 16 in an 8-byte action list",
         message(FLOW_MOD, flow_mod_body(probe, struct.pack("!HHHH", 0, 16, 1, 0)), x()), (2, 1)),
        ("FLOW_MOD with a vendor action (type 0xffff)",
         message(FLOW_MOD, flow_mod_body(probe, struct.pack("!HHI", 0xFFFF, 8, 0x00ABCDEF)), x()), (2, 2)),
        ("FLOW_MOD with SET_VLAN_VID 4096",
         message(FLOW_MOD, flow_mod_body(probe, struct.pack("!HHH2x", 1, 8, 4096) + output(1)), x()), (2, 5)),
        ("FLOW_MOD with command 9", message(FLOW_MOD, flow_mod_body(probe, output(1), command=9), x()), (3, 4)),
        ("emergency FLOW_MOD with idle_timeout 10",
         message(FLOW_MOD, flow_mod_body(probe, output(1), idle=10, flags=OFPFF_EMERG), x()), (3, 3)),
        ("emergency FLOW_MOD with hard_timeout 10",
         message(FLOW_MOD, flow_mod_body(probe, output(1), hard=10, flags=OFPFF_EMERG), x()), (3, 3)),
        ("PACKET_OUT of unknown buffer_id 0x12345678",
         message(PACKET_OUT, struct.pack("!IHH", 0x12345678, OFPP_NONE, 8) + output(2), x()), (1, 8)),
        ("PACKET_OUT whose actions_len (64) runs past the message",
         message(PACKET_OUT, struct.pack("!IHH", NO_BUFFER, OFPP_NONE, 64) + output(2), x()), (1, 6)),
        ("STATS_REQUEST of unknown type 0x42", message(STATS_REQUEST, struct.pack("!HH", 0x42, 0), x()), (1, 2)),
        # Nicira is a vendor the switch speaks (roles), so another of its subtypes is
        # BAD_SUBTYPE, as Open vSwitch answers subtypes it lacks.
        ("VENDOR message (Nicira, NXT_SET_FLOW_FORMAT)",
         message(VENDOR, struct.pack("!III", 0x00002320, 12, 2), x()), (1, 4)),
        ("VENDOR message of an unknown vendor 0x00abcdef",
         message(VENDOR, struct.pack("!II", 0xABCDEF, 1), x()), (1, 3)),
        (f"PORT_MOD of port {missing_port}, which the switch does not have",
         message(PORT_MOD, struct.pack("!H6sIII4x", missing_port, b"\x02\0\0\0\0\x4b", 1, 1, 0), x()), (4, 0)),
        ("PORT_MOD of port 1 with the wrong hardware address",
         message(PORT_MOD, struct.pack("!H6sIII4x", port_numbers[0] if port_numbers else 1,
                                       bytes(b ^ 0xFF for b in first_mac), 0, 0, 0), x()), (4, 1)),
    ]
    return cases


def check_error_case(switch, name, data, expected):
    xid = struct.unpack_from("!I", data, 4)[0]
    switch.send(data)
    seen = switch.barrier()
    if seen is None:
        check(f"{name}: the switch answers the BARRIER after it", False, "no BARRIER_REPLY")
        return
    errors = [(v, k, x, d) for v, k, x, d in seen if k == ERROR]
    mine = [e for e in errors if e[2] == xid]
    want = error_name(*expected)
    if not mine:
        others = ", ".join(f"{k}(xid {x:#x})" for _, k, x, _ in seen) or "nothing"
        check(f"{name}: OFPT_ERROR {want}", False, f"no error with xid {xid:#x} (got {others})")
        info(f"{name}: sent {data[:64].hex()}")
        return
    version, _, _, reply = mine[0]
    etype, code = error_type_code(reply)
    echoed = reply[12:]
    info(f"{name}: got {error_name(etype, code)}, version {version}, {len(echoed)} bytes of data")
    ok = check(f"{name}: OFPT_ERROR {want}", (etype, code) == expected,
               f"got {error_name(etype, code)}; sent {data[:64].hex()}; error {reply.hex()}")
    wanted_data = data[:64]
    check(f"{name}: the error's data is the message's first {len(wanted_data)} bytes",
          len(echoed) >= len(wanted_data) and echoed == data[:len(echoed)],
          f"sent {data[:64].hex()}, echoed {echoed.hex()}")
    if ok:
        same_xid = [k for _, k, x, _ in seen if x == xid]
        check(f"{name}: the error has version 1 and is the only answer", version == OFP_VERSION
              and same_xid == [ERROR], f"version {version}, answers of types {same_xid}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port-file", required=True, help="the listening port is written here")
    parser.add_argument("--ping", required=True, help="shell command: must succeed while port 1 <-> 2 forward")
    parser.add_argument("--dpid", type=lambda s: int(s, 0), default=None)
    parser.add_argument("--ports", type=int, default=2)
    parser.add_argument("--connect-timeout", type=float, default=30)
    args = parser.parse_args()

    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 0))
    server.listen(4)
    with open(args.port_file + ".tmp", "w") as f:
        f.write(f"{server.getsockname()[1]}\n")
    os.rename(args.port_file + ".tmp", args.port_file)

    try:
        run(server, args)
    except Closed:
        check("the switch kept the connection open", False, "closed unexpectedly")
    except (AssertionError, OSError) as e:
        check("the fake controller ran to its end", False, repr(e))
    return report("fake-controller")


def run(server, args):
    switch = accept(server, args.connect_timeout)
    if not check(f"ofswitch connects within {args.connect_timeout:.0f} s", switch is not None):
        return
    if not switch.handshake():
        return
    features = switch.features
    if args.dpid is not None:
        check(f"FEATURES_REPLY carries datapath id {args.dpid:016x}", features["dpid"] == args.dpid,
              f"got {features['dpid']:016x}")
    numbers = sorted(n for n, _, _ in features["ports"] if n < 0xFF00)
    check(f"FEATURES_REPLY lists ports 1..{args.ports}", numbers == list(range(1, args.ports + 1)),
          f"got {numbers}")

    buffered_miss(switch, args.ping)

    # Forwarding: port 1 <-> port 2 by flows, checked with traffic and flow counters.
    forwarding_flows(switch)
    seen = switch.barrier()
    check("the two forwarding FLOW_MODs are accepted (no error before the BARRIER_REPLY)",
          seen is not None and not [m for m in seen if m[1] == ERROR], f"got {seen!r}")
    before = forwarding_counts(switch)
    run_ping(args.ping, "hosts on ports 1 and 2 reach each other through the installed flows")
    after = forwarding_counts(switch)
    check("both forwarding flows count packets after the ping",
          before is not None and after is not None and len(after) == 2
          and all(after[c] > before.get(c, 0) for c in (1, 2)), f"before {before}, after {after}")

    # Malformed and refused requests.
    for name, data, expected in bad_requests(switch, features["ports"]):
        check_error_case(switch, name, data, expected)

    entries = switch.flow_stats()
    probes = [e for e in (entries or []) if e["dl_type"] == PROBE_ETHERTYPE]
    check("none of the refused FLOW_MODs installed a flow", entries is not None and not probes,
          f"found {probes}")

    # An OFPT_ERROR is never answered with another.
    xid = switch.next_xid()
    switch.send(message(ERROR, struct.pack("!HH", 1, 1) + message(0x7F, b"", 7), xid))
    seen = switch.barrier()
    check("an OFPT_ERROR sent to the switch is not answered with an error",
          seen is not None and not [m for m in seen if m[1] == ERROR], f"got {seen!r}")

    # A valid ECHO_REQUEST delivered one byte at a time.
    xid = switch.next_xid()
    payload = b"byte-by-byte echo"
    for byte in message(ECHO_REQUEST, payload, xid):
        switch.send(bytes([byte]))
        time.sleep(0.01)
    reply = switch.expect(lambda v, k, x, d: k in (ECHO_REPLY, ERROR) and x == xid)
    check("an ECHO_REQUEST sent one byte at a time gets its ECHO_REPLY (same xid and payload)",
          reply is not None and reply[1] == ECHO_REPLY and reply[3][8:] == payload, f"got {reply!r}")

    # The connection is still usable, and forwarding still works, after all of that.
    seen = switch.barrier()
    check("the connection still answers a BARRIER after the bad input", seen is not None)
    run_ping(args.ping, "hosts on ports 1 and 2 still reach each other after the bad input")

    # A header length below 8: the switch closes the connection, then reconnects.
    switch.send(header(ECHO_REQUEST, 4, switch.next_xid()))
    broken_xid = switch.xid
    closed, seen = switch.closed_by_peer(timeout=10)
    errors = [(xid, error_type_code(data), data[12:]) for _, kind, xid, data in seen if kind == ERROR]
    check("a header length of 4 gets one OFPT_ERROR BAD_REQUEST/BAD_LEN echoing that header",
          errors == [(broken_xid, (1, 6), header(ECHO_REQUEST, 4, broken_xid))], f"{errors}")
    check("a header length of 4 makes the switch close the connection", closed)
    switch.sock.close()

    started = time.monotonic()
    again = accept(server, args.connect_timeout)
    if not check(f"ofswitch reconnects by itself within {args.connect_timeout:.0f} s", again is not None):
        return
    info(f"reconnected after {time.monotonic() - started:.1f} s")
    if not again.handshake():
        return
    counts = forwarding_counts(again)
    check("the forwarding flows survived the reconnection (fail-secure keeps flows)",
          counts is not None and len(counts) == 2, f"got {counts}")
    run_ping(args.ping, "hosts on ports 1 and 2 reach each other after the reconnection")
    seen = again.barrier()
    check("the new connection answers a BARRIER", seen is not None)
    again.sock.close()


if __name__ == "__main__":
    sys.exit(main())
