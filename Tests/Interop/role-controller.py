#!/usr/bin/env python3
"""Two scripted controllers that walk a switch through the Nicira role extension.

    role-controller.py --port-file FILE [--service HOST:PORT]

It listens on two free loopback ports (written to FILE as "PORT_A PORT_B"), waits for
the switch to connect to both (a switch given both as controllers), does the handshake
on each, then sends the same sequence of requests whatever the switch is, and prints
one `STEP name: answer` line per step: what came back (ROLE_REPLY and its role,
ERROR type/code, a reply type, or "none"), and for the asynchronous messages whether
each controller got them. The test runs it against Open vSwitch and against ofswitch
and compares the two transcripts line by line, so the answers Open vSwitch gives are
the specification (NXT_ROLE_REQUEST, vendor 0x00002320, subtype 10; roles OTHER 0,
MASTER 1, SLAVE 2):

  A asks MASTER, B asks SLAVE; B's FLOW_MOD, PACKET_OUT, PORT_MOD (refused: a slave
  changes nothing), its stats and barrier requests (answered); a flow with
  SEND_FLOW_REM deleted by A and a PACKET_OUT to CONTROLLER from A (FLOW_REMOVED and
  PACKET_IN reach A, not the slave B); B asks MASTER (A is demoted: its FLOW_MOD is
  refused); A asks OTHER (allowed again, B stays master, both get the PACKET_IN);
  role 3, an unknown Nicira subtype, an unknown vendor, a short role request; with
  --service, a role request on a service connection (the switch's passive listener).

Stdlib only; exits 1 if the switch did not connect or closed a connection.
"""

import argparse
import os
import socket
import struct
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ beside the scripts in the tree
from ofpeer import (BARRIER_REPLY, BARRIER_REQUEST, ERROR, FEATURES_REPLY, FEATURES_REQUEST,  # noqa: E402
                    FLOW_MOD, FLOW_REMOVED, HELLO, NO_BUFFER, PACKET_IN, PACKET_OUT, PORT_MOD, SET_CONFIG,
                    STATS_REPLY, STATS_REQUEST, VENDOR, Closed, Connection, error_type_code, message)

NICIRA = 0x00002320
NXT_ROLE_REQUEST, NXT_ROLE_REPLY = 10, 11
NXET_VENDOR = 0xB0C2
ROLES = {0: "OTHER", 1: "MASTER", 2: "SLAVE"}
OFPP_NONE, OFPP_CONTROLLER = 0xFFFF, 0xFFFD
OFPFF_SEND_FLOW_REM = 1
OFPFW_ALL = (1 << 22) - 1
ASYNC_WAIT = 1.0  # seconds to wait for an asynchronous message that may come


def role_request(role, xid):
    return message(VENDOR, struct.pack("!III", NICIRA, NXT_ROLE_REQUEST, role), xid)


def flow_mod(command, xid, flags=0, priority=0x8000, out_port=OFPP_NONE, actions=b""):
    # ofp_match with every field wildcarded except dl_type (IPv4) and nw_proto 17 (a
    # flow nothing here sends), then cookie, command, timeouts, priority, buffer_id,
    # out_port, flags.
    wildcards = OFPFW_ALL & ~(1 << 4) & ~(1 << 5)
    match = struct.pack("!IH6s6sHBxHBBxxIIHH", wildcards, 0, b"\0" * 6, b"\0" * 6, 0, 0, 0x0800, 0, 17, 0, 0, 0, 0)
    body = match + struct.pack("!QHHHHIHH", 0x42, command, 0, 0, priority, NO_BUFFER, out_port, flags)
    return message(FLOW_MOD, body + actions, xid)


def packet_out_to_controller(xid):
    frame = bytes.fromhex("ffffffffffff" "000000000042" "0806") + bytes(46)
    action = struct.pack("!HHHH", 0, 8, OFPP_CONTROLLER, 0xFFFF)
    return message(PACKET_OUT, struct.pack("!IHH", NO_BUFFER, OFPP_NONE, len(action)) + action + frame, xid)


def describe(got):
    """One message as a transcript word."""
    if got is None:
        return "none"
    _, kind, _, data = got
    if kind == ERROR:
        kind, code = error_type_code(data)
        if kind == NXET_VENDOR and len(data) >= 20:
            # Open vSwitch's extended error for OpenFlow 1.0: nx_vendor_error (vendor,
            # type, code), then the request.
            vendor, kind, code = struct.unpack_from("!IHH", data, 12)
            return "ERROR vendor 0x%x %d/%d" % (vendor, kind, code)
        return "ERROR %d/%d" % (kind, code)
    if kind == VENDOR and len(data) >= 20:
        vendor, subtype, role = struct.unpack_from("!III", data, 8)
        if vendor == NICIRA and subtype == NXT_ROLE_REPLY:
            return "ROLE_REPLY " + ROLES.get(role, str(role))
    return {BARRIER_REPLY: "BARRIER_REPLY", STATS_REPLY: "STATS_REPLY"}.get(kind, "type %d" % kind)


class Controller:
    def __init__(self, name, sock):
        self.name = name
        self.conn = Connection(sock, "switch", first_xid=0x1000 if name == "A" else 0x2000, expect_timeout=5.0)
        self.async_seen = []

    def handshake(self):
        self.conn.send(message(HELLO, xid=self.conn.next_xid()))
        self.conn.send(message(FEATURES_REQUEST, xid=self.conn.next_xid()))
        got = self.conn.expect(lambda v, k, x, d: k == FEATURES_REPLY)
        if got is None:
            raise SystemExit(f"controller {self.name}: no FEATURES_REPLY")

    def ask(self, data):
        """Sends one request with its xid, then a barrier; the answer to the request
        (a reply or an ERROR with its xid), or None when the barrier came first."""
        xid = struct.unpack_from("!I", data, 4)[0]
        barrier = self.conn.next_xid()
        self.conn.send(data + message(BARRIER_REQUEST, xid=barrier))
        answer = None
        while True:
            got = self.conn.receive(5.0)
            if got is None:
                return "timeout"
            if got[1] in (PACKET_IN, FLOW_REMOVED):
                self.async_seen.append(got[1])
            elif got[2] == xid and answer is None:
                answer = got
            elif got[1] == BARRIER_REPLY and got[2] == barrier:
                return describe(answer)

    def drain_async(self, wait=ASYNC_WAIT):
        """Asynchronous messages that arrive within `wait`: their names, sorted."""
        deadline = time.monotonic() + wait
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            got = self.conn.receive(remaining)
            if got is None:
                break
            if got[1] in (PACKET_IN, FLOW_REMOVED):
                self.async_seen.append(got[1])
        seen = sorted({"PACKET_IN" if k == PACKET_IN else "FLOW_REMOVED" for k in self.async_seen})
        self.async_seen = []
        return "+".join(seen) or "none"


def step(name, answer):
    print(f"STEP {name}: {answer}", flush=True)


def run(a, b, service):
    x = lambda c: c.conn.next_xid()  # noqa: E731
    step("A asks MASTER", a.ask(role_request(1, x(a))))
    step("B asks SLAVE", b.ask(role_request(2, x(b))))
    step("slave B FLOW_MOD", b.ask(flow_mod(0, x(b))))
    step("slave B PACKET_OUT", b.ask(packet_out_to_controller(x(b))))
    port_mod = struct.pack("!H6sIII4x", 1, b"\0\0\0\0\0\1", 0, 0, 0)
    step("slave B PORT_MOD", b.ask(message(PORT_MOD, port_mod, x(b))))
    step("slave B SET_CONFIG", b.ask(message(SET_CONFIG, struct.pack("!HH", 0, 128), x(b))))
    step("slave B DESC stats", b.ask(message(STATS_REQUEST, struct.pack("!HH", 0, 0), x(b))))
    step("slave B BARRIER", b.ask(message(BARRIER_REQUEST, xid=x(b))))
    a.drain_async(0.2)
    b.drain_async(0.2)
    step("master A adds a flow", a.ask(flow_mod(0, x(a), flags=OFPFF_SEND_FLOW_REM)))
    step("master A deletes it", a.ask(flow_mod(3, x(a))))
    step("master A PACKET_OUT to CONTROLLER", a.ask(packet_out_to_controller(x(a))))
    step("async to master A", a.drain_async())
    step("async to slave B", b.drain_async(0.2))
    step("B asks MASTER", b.ask(role_request(1, x(b))))
    step("demoted A FLOW_MOD", a.ask(flow_mod(0, x(a))))
    step("A asks OTHER", a.ask(role_request(0, x(a))))
    step("OTHER A FLOW_MOD", a.ask(flow_mod(0, x(a), flags=OFPFF_SEND_FLOW_REM)))
    step("master B FLOW_MOD", b.ask(flow_mod(0, x(b), priority=0x7000)))
    step("OTHER A PACKET_OUT to CONTROLLER", a.ask(packet_out_to_controller(x(a))))
    step("async to OTHER A", a.drain_async())
    step("async to master B", b.drain_async(0.2))
    step("B asks role 3", b.ask(role_request(3, x(b))))
    step("B still MASTER (asks MASTER again)", b.ask(role_request(1, x(b))))
    step("unknown Nicira subtype", a.ask(message(VENDOR, struct.pack("!III", NICIRA, 0x7FFF, 0), x(a))))
    step("unknown vendor", a.ask(message(VENDOR, struct.pack("!II", 0x00ABCDEF, 10), x(a))))
    step("role request without its role", a.ask(message(VENDOR, struct.pack("!II", NICIRA, NXT_ROLE_REQUEST), x(a))))
    step("clean up", a.ask(flow_mod(3, x(a))))
    a.drain_async(0.3)
    if service:
        host, port = service.rsplit(":", 1)
        sock = socket.create_connection((host, int(port)), timeout=5)
        s = Controller("S", sock)
        s.handshake()
        step("service connection asks MASTER", s.ask(role_request(1, x(s))))
        step("A (OTHER) FLOW_MOD after that", a.ask(flow_mod(0, x(a))))
        step("B (was MASTER) FLOW_MOD after that", b.ask(flow_mod(0, x(b))))
        a.ask(flow_mod(3, x(a)))
        s.conn.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--service", help="the switch's passive listener, HOST:PORT")
    parser.add_argument("--timeout", type=float, default=30.0)
    args = parser.parse_args()

    listeners = []
    for _ in range(2):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        sock.listen(4)
        sock.settimeout(args.timeout)
        listeners.append(sock)
    with open(args.port_file + ".tmp", "w") as f:
        f.write(" ".join(str(s.getsockname()[1]) for s in listeners) + "\n")
    os.replace(args.port_file + ".tmp", args.port_file)

    try:
        a = Controller("A", listeners[0].accept()[0])
        b = Controller("B", listeners[1].accept()[0])
    except socket.timeout:
        print("role-controller: the switch did not connect to both controllers", flush=True)
        return 1
    try:
        a.handshake()
        b.handshake()
        run(a, b, args.service)
    except Closed:
        print("role-controller: the switch closed a connection", flush=True)
        return 1
    print("role-controller: done", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
