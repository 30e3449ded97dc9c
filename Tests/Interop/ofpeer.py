"""OpenFlow 1.0 plumbing shared by the scripted fake peers of the bad-input tests.

fake-switch.py (against ofcontroller) and fake-controller.py (against ofswitch) both
build raw messages, frame a TCP stream into messages, answer keepalives and count
PASS/FAIL checks; this module holds that one copy, so both sides frame and report the
same way. Stdlib only: the scripts run as `python3 Tests/Interop/fake-*.py`, which puts
this folder on sys.path.
"""

import socket
import struct
import time

OFP_VERSION = 1

# ofp_type (openflow.h, OpenFlow 1.0).
HELLO, ERROR, ECHO_REQUEST, ECHO_REPLY, VENDOR = 0, 1, 2, 3, 4
FEATURES_REQUEST, FEATURES_REPLY, GET_CONFIG_REQUEST, GET_CONFIG_REPLY, SET_CONFIG = 5, 6, 7, 8, 9
PACKET_IN, FLOW_REMOVED, PORT_STATUS, PACKET_OUT, FLOW_MOD, PORT_MOD = 10, 11, 12, 13, 14, 15
STATS_REQUEST, STATS_REPLY, BARRIER_REQUEST, BARRIER_REPLY = 16, 17, 18, 19

NO_BUFFER = 0xFFFFFFFF

RESULTS = {"passed": 0, "failed": 0}


def check(what, ok, detail=""):
    """Counts one check and prints `PASS: what` or `FAIL: what: detail`; returns ok."""
    RESULTS["passed" if ok else "failed"] += 1
    print(f"{'PASS' if ok else 'FAIL'}: {what}{'' if ok or not detail else ': ' + detail}", flush=True)
    return ok


def info(text):
    """An INFO line: what was seen, for the log; not a check."""
    print(f"INFO: {text}", flush=True)


def report(name):
    """Prints the `NAME: N passed, N failed` line the shell scripts look for; returns the
    exit status (1 if any check failed)."""
    print(f"{name}: {RESULTS['passed']} passed, {RESULTS['failed']} failed", flush=True)
    return 1 if RESULTS["failed"] else 0


def header(kind, length, xid, version=OFP_VERSION):
    """An ofp_header with any length, also a wrong one (for malformed input)."""
    return struct.pack("!BBHI", version, kind, length, xid)


def message(kind, body=b"", xid=0, version=OFP_VERSION):
    """A whole message: the header with the right length, then `body`."""
    return header(kind, 8 + len(body), xid, version) + body


def error_type_code(data):
    """(type, code) of a whole OFPT_ERROR message."""
    return struct.unpack_from("!HH", data, 8)


class Closed(Exception):
    """The peer closed the connection (or reset it)."""


class Connection:
    """One OpenFlow connection over a blocking socket: a framer that answers the peer's
    ECHO_REQUESTs, so a test reads only the messages it is waiting for."""

    def __init__(self, sock, peer, first_xid, expect_timeout):
        self.sock = sock
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.peer = peer  # "switch" or "controller", for messages
        self.buffer = bytearray()
        self.xid = first_xid
        self.expect_timeout = expect_timeout
        # Messages read ahead (by a barrier) that a later receive should still see.
        self.pending = []

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def next_xid(self):
        self.xid += 1
        return self.xid

    def send(self, data):
        self.sock.sendall(data)

    def receive(self, timeout, answer_echo=True):
        """The next whole message (version, type, xid, bytes), or None on timeout.
        Raises Closed when the peer closed the connection."""
        if self.pending:
            return self.pending.pop(0)
        deadline = time.monotonic() + timeout
        while True:
            if len(self.buffer) >= 8:
                version, kind, length, xid = struct.unpack_from("!BBHI", self.buffer)
                if length < 8:
                    raise AssertionError(f"{self.peer} sent a header with length {length}: "
                                         f"{bytes(self.buffer[:8]).hex()}")
                if len(self.buffer) >= length:
                    data = bytes(self.buffer[:length])
                    del self.buffer[:length]
                    if kind == ECHO_REQUEST and answer_echo:
                        self.send(message(ECHO_REPLY, data[8:], xid))
                        continue
                    return version, kind, xid, data
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            self.sock.settimeout(remaining)
            try:
                chunk = self.sock.recv(1 << 16)
            except socket.timeout:
                return None
            except (ConnectionResetError, BrokenPipeError):
                raise Closed()
            if not chunk:
                raise Closed()
            self.buffer += chunk

    def expect(self, predicate, timeout=None):
        """Reads until a message satisfies `predicate(version, type, xid, bytes)`; returns
        it, or None. Messages that do not (packet_ins, port status, ...) are skipped."""
        deadline = time.monotonic() + (self.expect_timeout if timeout is None else timeout)
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            got = self.receive(remaining)
            if got is None:
                return None
            if predicate(*got):
                return got

    def closed_by_peer(self, timeout=3.0):
        """Reads until the peer closes; returns (closed, messages seen before)."""
        seen = []
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                got = self.receive(deadline - time.monotonic())
                if got is None:
                    return False, seen
                seen.append(got)
        except Closed:
            return True, seen
        return False, seen
