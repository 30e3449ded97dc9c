#!/usr/bin/env python3
"""Scripted fake OpenFlow 1.0 switches against a running ofcontroller (real TCP).

Each check prints `PASS: ...` or `FAIL: ...`; the exit status is 1 if any failed.
Run by controller-bad-input.sh; stdlib only.

    fake-switch.py --port PORT --pid CONTROLLER_PID [--connections 1000]

What it sends, from switch connections that completed the handshake unless stated:
  - wrong-version and incompatible HELLOs (HELLO_FAILED, then closed; a version-4 HELLO
    without a bitmap negotiates 1.0);
  - truncated and oversized messages (OFPBRC_BAD_LEN), unknown types (OFPBRC_BAD_TYPE),
    wrong versions (OFPBRC_BAD_VERSION), each error carrying the offending bytes (the
    first 64) and xid, and the session going on;
  - OFPT_ERRORs, well-formed or not, which must not be answered with an error;
  - messages split across TCP segments, byte by byte, and many coalesced in one;
  - a header length below 8 (the stream cannot be resynchronised: disconnected);
  - floods of packet_ins, from a switch that never reads and from one that does, while
    VmRSS of the controller is watched;
  - many switches at once (--connections);
  - switches that connect again with their old connection still open (reconnect).
Between steps, two bystander switches must still get answers to their packet_ins.
"""

import argparse
import resource
import select
import selectors
import socket
import struct
import sys
import threading
import time

sys.dont_write_bytecode = True  # no __pycache__ beside the scripts in the tree
from ofpeer import (BARRIER_REPLY, BARRIER_REQUEST, ECHO_REPLY, ECHO_REQUEST, ERROR, FEATURES_REPLY,  # noqa: E402
                    FEATURES_REQUEST, FLOW_MOD, HELLO, NO_BUFFER, PACKET_IN, PACKET_OUT, PORT_STATUS, SET_CONFIG,
                    Closed, Connection, check, error_type_code, header, info, message, report)

ET_HELLO_FAILED, ET_BAD_REQUEST = 0, 1
HFC_INCOMPATIBLE = 0
BRC_BAD_VERSION, BRC_BAD_TYPE, BRC_BAD_LEN = 0, 1, 6


def phy_port(number):
    name = f"eth{number}".encode().ljust(16, b"\0")
    mac = bytes([2, 0, 0, 0, 0, number])
    return struct.pack("!H6s16sIIIIII", number, mac, name, 0, 0, 0xA0, 0, 0, 0)


def features_reply(dpid, xid, ports=4):
    body = struct.pack("!QIB3xII", dpid, 256, 1, 0x87, 0xFFF) + b"".join(phy_port(n) for n in range(1, ports + 1))
    return message(FEATURES_REPLY, body, xid)


def arp_frame(src):
    """A broadcast ARP request from MAC `src` (an int), padded to 60 bytes."""
    eth = b"\xff" * 6 + src.to_bytes(6, "big") + b"\x08\x06"
    arp = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, src.to_bytes(6, "big"), bytes([10, 0, 0, 1]),
                      b"\0" * 6, bytes([10, 0, 0, 2]))
    return (eth + arp).ljust(60, b"\0")


def packet_in(buffer_id, in_port, frame, xid=0):
    return message(PACKET_IN, struct.pack("!IHHBx", buffer_id, len(frame), in_port, 0) + frame, xid)


def answered_buffer(kind, data):
    """The buffer id a PACKET_OUT or FLOW_MOD carries, else None."""
    if kind == PACKET_OUT and len(data) >= 12:
        return struct.unpack_from("!I", data, 8)[0]
    if kind == FLOW_MOD and len(data) >= 68:
        return struct.unpack_from("!I", data, 64)[0]
    return None


class FakeSwitch(Connection):
    """One switch connection to the controller under test."""

    def __init__(self, port, dpid, name=None):
        super().__init__(socket.create_connection(("127.0.0.1", port), timeout=5), "controller", 1000, 3.0)
        self.dpid = dpid
        self.name = name or f"switch {dpid:#x}"
        self.buffer_id = 1
        self.mac = dpid << 16

    def handshake(self):
        hello = self.expect(lambda v, k, x, d: k == HELLO)
        assert hello, f"{self.name}: no HELLO from the controller"
        self.send(message(HELLO, xid=self.next_xid()))
        request = self.expect(lambda v, k, x, d: k == FEATURES_REQUEST)
        assert request, f"{self.name}: no FEATURES_REQUEST"
        self.send(features_reply(self.dpid, request[2]))
        config = self.expect(lambda v, k, x, d: k == SET_CONFIG)
        assert config, f"{self.name}: no SET_CONFIG after FEATURES_REPLY"
        return self

    def packet_in(self):
        """Sends a packet_in with a fresh buffer id; returns that id."""
        self.buffer_id += 1
        self.mac += 1
        self.send(packet_in(self.buffer_id, 1, arp_frame(self.mac), self.next_xid()))
        return self.buffer_id

    def served(self, timeout=3.0):
        """True when a packet_in gets its PACKET_OUT or FLOW_MOD (matched by buffer id)."""
        buffer_id = self.packet_in()
        try:
            return self.expect(lambda v, k, x, d: answered_buffer(k, d) == buffer_id, timeout) is not None
        except Closed:
            return False

    def alive(self, timeout=3.0):
        """True when an ECHO_REQUEST gets its ECHO_REPLY (same xid and payload)."""
        xid = self.next_xid()
        payload = b"alive?" + xid.to_bytes(4, "big")
        self.send(message(ECHO_REQUEST, payload, xid))
        try:
            return self.expect(lambda v, k, x, d: k == ECHO_REPLY and x == xid and d[8:] == payload, timeout) is not None
        except Closed:
            return False

    def error_for(self, offending, timeout=3.0):
        """Sends `offending` and returns the OFPT_ERROR that answers it (same xid), or None."""
        xid = struct.unpack_from("!I", offending, 4)[0]
        self.send(offending)
        try:
            got = self.expect(lambda v, k, x, d: k == ERROR and x == xid, timeout)
        except Closed:
            return None
        if got is None:
            return None
        data = got[3]
        kind, code = error_type_code(data)
        return kind, code, data[12:]

    def quiet_about_errors(self, timeout=1.0):
        """True when no OFPT_ERROR arrives within `timeout`."""
        try:
            return self.expect(lambda v, k, x, d: k == ERROR, timeout) is None
        except Closed:
            return False


def vm_rss_kb(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


class Run:
    def __init__(self, port, pid):
        self.port = port
        self.pid = pid
        self.next_dpid = 0x100
        self.bystanders = []

    def switch(self, name=None, handshake=True):
        self.next_dpid += 1
        switch = FakeSwitch(self.port, self.next_dpid, name)
        return switch.handshake() if handshake else switch

    def bystanders_served(self, after):
        ok = all(b.served() for b in self.bystanders)
        check(f"bystander switches still served after {after}", ok)

    # --- the handshake -----------------------------------------------------------------

    def hellos(self):
        s = self.switch("version-0 HELLO", handshake=False)
        s.expect(lambda v, k, x, d: k == HELLO)
        s.send(message(HELLO, xid=7, version=0))
        got = s.expect(lambda v, k, x, d: k == ERROR)
        kind_code = error_type_code(got[3]) if got else None
        check("HELLO with version 0: OFPET_HELLO_FAILED / OFPHFC_INCOMPATIBLE", kind_code == (ET_HELLO_FAILED, HFC_INCOMPATIBLE),
              f"got {kind_code}")
        check("HELLO with version 0: then disconnected", s.closed_by_peer()[0])
        s.close()

        s = self.switch("bitmap HELLO without 1.0", handshake=False)
        s.expect(lambda v, k, x, d: k == HELLO)
        bitmap_only_13 = struct.pack("!HHI", 1, 8, 1 << 4)  # OFPHET_VERSIONBITMAP: 1.3 only
        s.send(message(HELLO, bitmap_only_13, xid=8, version=4))
        got = s.expect(lambda v, k, x, d: k == ERROR)
        kind_code = error_type_code(got[3]) if got else None
        check("HELLO whose version bitmap lacks 1.0: HELLO_FAILED / INCOMPATIBLE", kind_code == (ET_HELLO_FAILED, HFC_INCOMPATIBLE),
              f"got {kind_code}")
        check("HELLO whose version bitmap lacks 1.0: then disconnected", s.closed_by_peer()[0])
        s.close()

        s = self.switch("version-4 HELLO", handshake=False)
        s.expect(lambda v, k, x, d: k == HELLO)
        s.send(message(HELLO, xid=9, version=4))
        got = s.expect(lambda v, k, x, d: k == FEATURES_REQUEST)
        check("HELLO with version 4 and no bitmap negotiates 1.0 (FEATURES_REQUEST v1)", got is not None and got[0] == 1)
        s.close()

        s = self.switch("PACKET_IN before HELLO", handshake=False)
        s.expect(lambda v, k, x, d: k == HELLO)
        s.send(packet_in(1, 1, arp_frame(1), xid=10))
        got = s.expect(lambda v, k, x, d: k == ERROR)
        kind = struct.unpack_from("!H", got[3], 8)[0] if got else None
        check("a message before HELLO: OFPET_HELLO_FAILED, then disconnected",
              kind == ET_HELLO_FAILED and s.closed_by_peer()[0], f"got error type {kind}")
        s.close()
        self.bystanders_served("bad HELLOs")

    # --- bad messages on an established session ---------------------------------------

    def expect_error(self, s, what, offending, want_type, want_code):
        got = s.error_for(offending)
        if not check(f"{what}: OFPT_ERROR type {want_type} code {want_code}", got is not None and got[:2] == (want_type, want_code),
                     f"got {got[:2] if got else 'nothing'}"):
            return
        check(f"{what}: the error's data is the offending message (first 64 bytes)", got[2] == offending[:64],
              f"{got[2].hex()} vs {offending[:64].hex()}")
        check(f"{what}: session goes on (echo answered)", s.alive())

    def bad_messages(self):
        s = self.switch("bad messages")
        full = packet_in(77, 1, arp_frame(0x0A), xid=0)
        # Truncated: the header says 12 bytes and 12 come, but PACKET_IN needs 18.
        self.expect_error(s, "truncated PACKET_IN (12 bytes)", header(PACKET_IN, 12, 0x51) + full[8:12], ET_BAD_REQUEST, BRC_BAD_LEN)
        self.expect_error(s, "truncated PORT_STATUS (20 bytes)", header(PORT_STATUS, 20, 0x52) + bytes(12), ET_BAD_REQUEST, BRC_BAD_LEN)
        self.expect_error(s, "truncated FEATURES_REPLY (30 bytes)", header(FEATURES_REPLY, 30, 0x53) + bytes(22), ET_BAD_REQUEST, BRC_BAD_LEN)
        # Oversized: more bytes than the type's structure holds.
        self.expect_error(s, "oversized BARRIER_REPLY (16 bytes)", header(BARRIER_REPLY, 16, 0x54) + bytes(8), ET_BAD_REQUEST, BRC_BAD_LEN)
        port_status = struct.pack("!B7x", 2) + phy_port(3)
        self.expect_error(s, "oversized PORT_STATUS (64 + 40 bytes)", header(PORT_STATUS, 104, 0x55) + port_status + bytes(40),
                          ET_BAD_REQUEST, BRC_BAD_LEN)
        # Unknown types.
        self.expect_error(s, "unknown type 0x7f", header(0x7F, 8, 0x56), ET_BAD_REQUEST, BRC_BAD_TYPE)
        self.expect_error(s, "unknown type 22 with a 100-byte body", header(22, 108, 0x57) + bytes(range(100)), ET_BAD_REQUEST, BRC_BAD_TYPE)
        # Wrong versions on messages other than HELLO.
        self.expect_error(s, "ECHO_REQUEST with version 4", message(ECHO_REQUEST, b"abcd", 0x58, version=4), ET_BAD_REQUEST, BRC_BAD_VERSION)
        self.expect_error(s, "PACKET_IN with version 2", header(PACKET_IN, len(full), 0x59, version=2) + full[8:],
                          ET_BAD_REQUEST, BRC_BAD_VERSION)
        # A message only a controller sends.
        self.expect_error(s, "BARRIER_REQUEST from a switch", header(BARRIER_REQUEST, 8, 0x5A), ET_BAD_REQUEST, BRC_BAD_TYPE)

        # Errors are never answered with errors (no ping-pong), well-formed or not.
        s.send(message(ERROR, struct.pack("!HH", 0x7777, 0x1234) + b"junk", 0x5B))
        s.send(header(ERROR, 10, 0x5C) + b"\x00\x01")
        check("OFPT_ERRORs from the switch (one malformed) get no OFPT_ERROR back", s.quiet_about_errors())
        check("after OFPT_ERRORs the session goes on", s.alive())
        check("after all that the switch's packet_ins are still served", s.served())
        self.bystanders_served("bad messages")
        s.close()

    # --- segmentation ------------------------------------------------------------------

    def segmentation(self):
        s = self.switch("segmentation")
        s.buffer_id += 1
        buffer_id = s.buffer_id
        data = packet_in(buffer_id, 2, arp_frame(0x0C), s.next_xid())
        for index in range(len(data)):
            s.send(data[index:index + 1])
            time.sleep(0.002)
        got = s.expect(lambda v, k, x, d: answered_buffer(k, d) == buffer_id)
        check(f"PACKET_IN sent one byte per TCP segment ({len(data)} segments) is answered", got is not None)

        # Split inside the header, then the rest with the start of the next message.
        first, second = s.buffer_id + 1, s.buffer_id + 2
        s.buffer_id += 2
        two = packet_in(first, 2, arp_frame(0x0D), s.next_xid()) + packet_in(second, 2, arp_frame(0x0E), s.next_xid())
        for piece in (two[:3], two[3:70], two[70:]):
            s.send(piece)
            time.sleep(0.05)
        answers = set()
        for _ in range(2):
            got = s.expect(lambda v, k, x, d: answered_buffer(k, d) in (first, second))
            if got:
                answers.add(answered_buffer(got[1], got[3]))
        check("two PACKET_INs split at bytes 3 and 70 are both answered", answers == {first, second}, f"{answers}")

        # Many coalesced into one send.
        ids = []
        blob = bytearray()
        for _ in range(200):
            s.buffer_id += 1
            s.mac += 1
            ids.append(s.buffer_id)
            blob += packet_in(s.buffer_id, 3, arp_frame(s.mac), s.next_xid())
        echo_xid = s.next_xid()
        blob += message(ECHO_REQUEST, b"tail", echo_xid)
        s.send(bytes(blob))
        pending = set(ids)
        echoed = False
        deadline = time.monotonic() + 5
        while (pending or not echoed) and time.monotonic() < deadline:
            got = s.receive(deadline - time.monotonic())
            if got is None:
                break
            pending.discard(answered_buffer(got[1], got[3]))
            echoed = echoed or (got[1] == ECHO_REPLY and got[2] == echo_xid)
        check("200 PACKET_INs and an ECHO_REQUEST coalesced in one send: all answered", not pending and echoed,
              f"{len(pending)} unanswered, echo {'seen' if echoed else 'missing'}")

        # The largest message there is: a 65535-byte ECHO_REQUEST, in one send.
        xid = s.next_xid()
        payload = bytes(i & 0xFF for i in range(65535 - 8))
        s.send(message(ECHO_REQUEST, payload, xid))
        got = s.expect(lambda v, k, x, d: k == ECHO_REPLY and x == xid, 5)
        check("a 65535-byte ECHO_REQUEST is answered with the whole payload", got is not None and got[3][8:] == payload)
        self.bystanders_served("segmentation")
        s.close()

    # --- streams that cannot be resynchronised -------------------------------------------

    def broken_streams(self):
        for length in (0, 4, 7):
            s = self.switch(f"header length {length}")
            s.send(header(PACKET_IN, length, 0x60 + length))
            closed, seen = s.closed_by_peer()
            check(f"header length {length}: that switch is disconnected", closed)
            errors = [error_type_code(d) for v, k, x, d in seen if k == ERROR]
            check(f"header length {length}: one OFPT_ERROR BAD_REQUEST/BAD_LEN before the close",
                  errors == [(ET_BAD_REQUEST, BRC_BAD_LEN)], f"{errors}")
            s.close()
        # A stream cut mid-message is just incomplete: the switch goes away cleanly.
        s = self.switch("cut mid-message")
        data = packet_in(1, 1, arp_frame(0x0F), 0x70)
        s.send(data[:30])
        s.close()
        self.bystanders_served("broken streams and a cut stream")

    # --- floods --------------------------------------------------------------------------

    def floods(self, seconds):
        rss_start = vm_rss_kb(self.pid)
        peak = rss_start

        # 1. A switch that floods packet_ins and never reads.
        s = self.switch("flooder (not reading)")
        s.sock.setblocking(False)
        chunk = bytearray()
        for i in range(500):
            chunk += packet_in(NO_BUFFER, 1, arp_frame((s.dpid << 16) + i), i)
        chunk = bytes(chunk)
        sent = 0
        offset = 0  # a partial send leaves the rest of the chunk to go first
        served = True
        deadline = time.monotonic() + seconds
        next_probe = time.monotonic() + 0.5
        while time.monotonic() < deadline:
            try:
                count = s.sock.send(chunk[offset:])
                sent += count
                offset = (offset + count) % len(chunk)
            except BlockingIOError:
                time.sleep(0.005)
            if time.monotonic() >= next_probe:
                peak = max(peak, vm_rss_kb(self.pid))
                served = served and all(b.served() for b in self.bystanders)
                next_probe = time.monotonic() + 0.5
        peak = max(peak, vm_rss_kb(self.pid))
        check(f"during a {seconds:.0f} s flood from a switch that does not read, the bystanders are served", served)
        info(f"non-reading flooder sent {sent / 1e6:.1f} MB before TCP pushed back; VmRSS {rss_start} kB -> peak {peak} kB")
        # Finish the message the last partial send cut while reading (the controller is
        # not reading this switch until its answers drain), then drain the rest.
        message_length = len(chunk) // 500
        rest = chunk[offset:offset + (message_length - offset % message_length) % message_length]
        drained = 0
        quiet_since = time.monotonic()
        while rest or time.monotonic() - quiet_since < 1.0:
            readable, writable, _ = select.select([s.sock], [s.sock] if rest else [], [], 0.2)
            if writable:
                rest = rest[s.sock.send(rest):]
            if readable:
                data = s.sock.recv(1 << 16)
                if not data:
                    break
                s.buffer += data
                quiet_since = time.monotonic()
            while len(s.buffer) >= 8:
                length = struct.unpack_from("!H", s.buffer, 2)[0]
                if len(s.buffer) < length:
                    break
                if s.buffer[1] == ECHO_REQUEST:  # keep answering keepalives
                    rest += message(ECHO_REPLY, bytes(s.buffer[8:length]), struct.unpack_from("!I", s.buffer, 4)[0])
                del s.buffer[:length]
                drained += 1
        s.sock.setblocking(True)
        check(f"the flooder, reading again ({drained} answers drained), still answers echoes", s.alive(5))
        s.close()

        # 2. A switch that floods packet_ins with ever-new source MACs and reads the answers.
        s = self.switch("flooder (reading, new MACs)")
        stop = threading.Event()
        received = [0]

        def reader():
            sock = s.sock
            sock.settimeout(0.2)
            while not stop.is_set():
                try:
                    data = sock.recv(1 << 16)
                    if not data:
                        return
                    received[0] += len(data)
                except socket.timeout:
                    continue
                except OSError:
                    return

        thread = threading.Thread(target=reader, daemon=True)
        thread.start()
        sent = 0
        mac = s.dpid << 24
        deadline = time.monotonic() + seconds
        next_probe = time.monotonic() + 0.5
        served = True
        while time.monotonic() < deadline:
            blob = bytearray()
            for _ in range(200):
                mac += 1
                blob += packet_in(NO_BUFFER, 1 + mac % 3, arp_frame(mac), 0)
            try:
                s.sock.sendall(bytes(blob))
                sent += len(blob)
            except OSError:
                break
            if time.monotonic() >= next_probe:
                peak = max(peak, vm_rss_kb(self.pid))
                served = served and all(b.served() for b in self.bystanders)
                next_probe = time.monotonic() + 0.5
        stop.set()
        thread.join()
        peak = max(peak, vm_rss_kb(self.pid))
        check(f"during a {seconds:.0f} s flood with new source MACs, the bystanders are served", served)
        info(f"reading flooder sent {sent / 1e6:.1f} MB ({mac - (s.dpid << 24)} MACs), received {received[0] / 1e6:.1f} MB")
        s.close()
        time.sleep(0.5)
        rss_end = vm_rss_kb(self.pid)
        growth = (peak - rss_start) / 1024
        info(f"VmRSS before the floods {rss_start} kB, peak {peak} kB, after {rss_end} kB")
        check(f"controller memory bounded under the floods (VmRSS grew {growth:.1f} MB, limit 64 MB)", growth < 64)
        self.bystanders_served("the floods")

    # --- many switches -----------------------------------------------------------------

    def many(self, count):
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        want = count + 64
        if soft < want:
            resource.setrlimit(resource.RLIMIT_NOFILE, (min(max(want, soft), hard), hard))
        rss_before = vm_rss_kb(self.pid)
        selector = selectors.DefaultSelector()
        states = []
        started = time.monotonic()
        for index in range(count):
            sock = socket.create_connection(("127.0.0.1", self.port), timeout=5)
            sock.setblocking(False)
            state = {"sock": sock, "buffer": bytearray(), "dpid": 0x10000 + index, "stage": "hello", "out": bytearray()}
            selector.register(sock, selectors.EVENT_READ, state)
            states.append(state)
        done = 0
        deadline = time.monotonic() + 60
        while done < count and time.monotonic() < deadline:
            for key, _ in selector.select(timeout=1):
                state = key.data
                try:
                    chunk = state["sock"].recv(1 << 16)
                except BlockingIOError:
                    continue
                except OSError:
                    chunk = b""
                if not chunk:
                    selector.unregister(state["sock"])
                    state["stage"] = "closed"
                    continue
                state["buffer"] += chunk
                while len(state["buffer"]) >= 8:
                    _, kind, length, xid = struct.unpack_from("!BBHI", state["buffer"])
                    if len(state["buffer"]) < length:
                        break
                    data = bytes(state["buffer"][:length])
                    del state["buffer"][:length]
                    reply = b""
                    if kind == HELLO and state["stage"] == "hello":
                        reply = message(HELLO, xid=1)
                        state["stage"] = "features"
                    elif kind == FEATURES_REQUEST:
                        reply = features_reply(state["dpid"], xid, ports=2)
                    elif kind == SET_CONFIG and state["stage"] == "features":
                        state["stage"] = "up"
                        reply = packet_in(4242, 1, arp_frame(state["dpid"] << 8), 2)
                    elif kind == ECHO_REQUEST:
                        reply = message(ECHO_REPLY, data[8:], xid)
                    elif answered_buffer(kind, data) == 4242 and state["stage"] == "up":
                        state["stage"] = "served"
                        done += 1
                    if reply:
                        state["sock"].setblocking(True)
                        state["sock"].sendall(reply)
                        state["sock"].setblocking(False)
        elapsed = time.monotonic() - started
        served = sum(1 for s in states if s["stage"] == "served")
        rss_after = vm_rss_kb(self.pid)
        info(f"{count} switches: {served} completed the handshake and were served in {elapsed:.1f} s; "
             f"VmRSS {rss_before} kB -> {rss_after} kB")
        check(f"{count} switches connected at once are all served", served == count, f"{served} served")
        self.bystanders_served(f"{count} switches")
        for state in states:
            state["sock"].close()


def keepalive(run, interval, timeout):
    """With --echo-interval and --echo-timeout set on the controller: a switch that goes
    silent gets ECHO_REQUESTs, then is disconnected; the ones that answer stay."""
    quiet = run.switch("silent switch")
    chatty = run.switch("chatty switch")
    talkers = [chatty] + run.bystanders

    def service_talkers():
        for talker in talkers:
            while talker.receive(0.02) is not None:  # answers the controller's echoes
                pass

    started = time.monotonic()
    got = None
    closed = False
    try:
        while time.monotonic() - started < timeout + 3:
            service_talkers()
            message = quiet.receive(0.2, answer_echo=False)
            if message is not None and message[1] == ECHO_REQUEST and got is None:
                got = time.monotonic() - started
    except Closed:
        closed = True
    elapsed = time.monotonic() - started
    check(f"a silent switch gets an ECHO_REQUEST ({got if got is None else round(got, 1)} s, interval {interval} s)",
          got is not None and got <= interval + 1)
    check(f"the silent switch is disconnected after the echo timeout ({elapsed:.1f} s, timeout {timeout} s)",
          closed and elapsed >= timeout - 0.5, f"closed={closed}")
    service_talkers()
    check("switches that answer echoes stay up meanwhile", all(t.alive() for t in talkers) and chatty.served())
    quiet.close()
    chatty.close()


def reconnect(run, count):
    """A switch that connects again while its old connection is still open: the old one
    is closed and the new one served, whichever loop each landed on (--threads)."""
    replaced = 0
    for _ in range(count):
        run.next_dpid += 1
        old = FakeSwitch(run.port, run.next_dpid, "first connection").handshake()
        new = FakeSwitch(run.port, run.next_dpid, "second connection").handshake()
        if old.closed_by_peer()[0] and new.served():
            replaced += 1
        old.close()
        new.close()
    check(f"a switch that connects again replaces its old connection ({replaced} of {count})", replaced == count)
    run.bystanders_served("reconnections")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--pid", type=int, required=True)
    parser.add_argument("--connections", type=int, default=1000)
    parser.add_argument("--flood-seconds", type=float, default=4)
    parser.add_argument("--steps", default="hellos,bad,segmentation,broken,floods,many",
                        help="comma-separated: hellos, bad, segmentation, broken, floods, many, keepalive, reconnect")
    parser.add_argument("--echo-interval", type=float, default=1, help="the controller's, for the keepalive step")
    parser.add_argument("--echo-timeout", type=float, default=3, help="the controller's, for the keepalive step")
    args = parser.parse_args()

    run = Run(args.port, args.pid)
    steps = {
        "hellos": run.hellos, "bad": run.bad_messages, "segmentation": run.segmentation,
        "broken": run.broken_streams, "floods": lambda: run.floods(args.flood_seconds),
        "many": lambda: run.many(args.connections),
        "keepalive": lambda: keepalive(run, args.echo_interval, args.echo_timeout),
        "reconnect": lambda: reconnect(run, 20),
    }
    try:
        run.bystanders = [run.switch("bystander 1"), run.switch("bystander 2")]
        check("two bystander switches connected and served", all(b.served() for b in run.bystanders))
        for step in args.steps.split(","):
            steps[step]()
        check("bystanders answer echoes at the end", all(b.alive() for b in run.bystanders))
    except (AssertionError, Closed, OSError) as error:
        check("the scripted session ran to its end", False, f"{type(error).__name__}: {error}")
    return report("fake-switch")


if __name__ == "__main__":
    sys.exit(main())
