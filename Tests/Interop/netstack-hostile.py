#!/usr/bin/env python3
"""Hostile and malformed traffic against ofnet, from the Linux side of its tap (run inside
the test namespace by netstack-hostile.sh). Frames are built with scapy and written to the
tap with a packet socket; a thread captures what ofnet sends back on the same tap. The
connections under attack are ordinary kernel sockets: their sequence numbers are learnt
from ofnet's own segments, so every spoofed segment carries the connection's real 4-tuple.

  netstack-hostile.py CHECK TAP LINUX_IP OUR_IP [ARG]

Checks (each prints one line per finding and exits 0 when all held, 1 otherwise):
  rst-in-window        RST inside the window but not at RCV.NXT: challenge ACK, no reset
  rst-exact            RST at exactly RCV.NXT: the connection is reset
  syn-established      SYN on an established connection (in and out of window): challenge ACK
  data-out-of-window   data beyond the window and behind it: ACK, nothing delivered
  bad-ack              data at RCV.NXT acknowledging unsent or too-old data: ACK, dropped
  syn-flood COUNT      COUNT SYNs from spoofed addresses and ports, then a real connection
  frag-control         an echo in out-of-order fragments is answered (the observation works)
  frag-overlap         echoes made of overlapping fragments get no reply
  frag-tiny            8-byte fragments (ICMP echo, and a TCP SYN whose first fragment holds
                       only the ports and sequence number) are reassembled and answered
  frag-timeout SECONDS a fragment held SECONDS is forgotten; reassembly works after
  bad-ip-checksum      ICMP echo with a wrong IPv4 header checksum: no reply
  truncated-tcp        SYNs with a cut or inconsistent TCP header: no answer
  bad-tcp-checksum     SYN and in-sequence data with a wrong TCP checksum: ignored
"""
import logging
import os
import random
import select
import socket
import struct
import subprocess
import sys
import threading
import time
from types import SimpleNamespace

logging.getLogger("scapy").setLevel(logging.ERROR)
from scapy.layers.inet import ICMP, IP, TCP  # noqa: E402
from scapy.layers.l2 import Ether  # noqa: E402
from scapy.packet import Raw  # noqa: E402

ETH_P_ALL = 0x0003
FIN, SYN, RST, PSH, ACK = 0x01, 0x02, 0x04, 0x08, 0x10
MOD = 1 << 32
FAILURES = []


def report(ok, text):
    print(("ok: " if ok else "FAILED: ") + text, flush=True)
    if not ok:
        FAILURES.append(text)
    return ok


def info(text):
    print("info: " + text, flush=True)


def flag_names(flags):
    return "".join(name for bit, name in ((SYN, "S"), (FIN, "F"), (RST, "R"), (PSH, "P"), (ACK, "A")) if flags & bit) or "-"


def parse(frame, when):
    """The IPv4, TCP and ICMP fields of one frame, or None."""
    if len(frame) < 34 or frame[12:14] != b"\x08\x00":
        return None
    ip = frame[14:]
    ihl = (ip[0] & 15) * 4
    total = struct.unpack("!H", ip[2:4])[0]
    fragment = struct.unpack("!H", ip[6:8])[0]
    p = SimpleNamespace(
        time=when, src=socket.inet_ntoa(ip[12:16]), dst=socket.inet_ntoa(ip[16:20]), proto=ip[9],
        ipid=struct.unpack("!H", ip[4:6])[0], more=bool(fragment & 0x2000), offset=(fragment & 0x1FFF) * 8,
        body=ip[ihl:total], tcp=None, icmp=None)
    whole = not p.more and p.offset == 0
    if whole and p.proto == 6 and len(p.body) >= 20:
        sport, dport, seq, ack, offset_flags, window = struct.unpack("!HHIIHH", p.body[:16])
        data_offset = (offset_flags >> 12) * 4
        p.tcp = SimpleNamespace(
            sport=sport, dport=dport, seq=seq, ack=ack, flags=offset_flags & 0x1FF, window=window,
            options=p.body[20:data_offset], payload=p.body[data_offset:])
    elif whole and p.proto == 1 and len(p.body) >= 8:
        kind, code, _, ident, seq = struct.unpack("!BBHHH", p.body[:8])
        p.icmp = SimpleNamespace(type=kind, code=code, id=ident, seq=seq, payload=p.body[8:])
    return p


def describe(p):
    if p.tcp:
        t = p.tcp
        return f"{p.src}:{t.sport} > {p.dst}:{t.dport} [{flag_names(t.flags)}] seq {t.seq} ack {t.ack} win {t.window} len {len(t.payload)}"
    if p.icmp:
        return f"{p.src} > {p.dst} ICMP type {p.icmp.type} code {p.icmp.code} id {p.icmp.id}"
    return f"{p.src} > {p.dst} proto {p.proto} len {len(p.body)}"


class Wire:
    """The Linux side of the tap: frames from ofnet captured by a thread, frames injected."""

    def __init__(self, tap, linux_ip, our_ip):
        self.tap, self.linux_ip, self.our_ip = tap, linux_ip, our_ip
        with open(f"/sys/class/net/{tap}/address") as f:
            self.tap_mac = f.read().strip()
        self.our_mac = self.resolve(our_ip)
        self.our_mac_bytes = bytes.fromhex(self.our_mac.replace(":", ""))
        self.rx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
        self.rx.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16 << 20)
        self.rx.bind((tap, 0))
        self.rx.settimeout(0.05)
        self.tx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
        self.tx.bind((tap, 0))
        self.frames = []
        self.running = True
        self.thread = threading.Thread(target=self.capture, daemon=True)
        self.thread.start()

    @staticmethod
    def resolve(address):
        for _ in range(2):
            with open("/proc/net/arp") as f:
                for line in f.read().splitlines()[1:]:
                    fields = line.split()
                    if fields[0] == address and fields[3] != "00:00:00:00:00:00":
                        return fields[3]
            subprocess.run(["ping", "-c", "1", "-W", "2", address], stdout=subprocess.DEVNULL, check=False)
        raise SystemExit(f"no ARP entry for {address}")

    def capture(self):
        while self.running:
            try:
                frame = self.rx.recv(65536)
            except socket.timeout:
                continue
            except OSError:
                return
            if frame[6:12] == self.our_mac_bytes:
                self.frames.append((time.monotonic(), frame))

    def mark(self):
        return len(self.frames)

    def since(self, index):
        parsed = (parse(frame, when) for when, frame in self.frames[index:])
        return [p for p in parsed if p is not None]

    def wait_for(self, index, predicate, timeout):
        deadline = time.monotonic() + timeout
        while True:
            for p in self.since(index):
                if predicate(p):
                    return p
            if time.monotonic() >= deadline:
                return None
            time.sleep(0.02)

    def ether(self, src_mac=None):
        return Ether(src=src_mac or self.tap_mac, dst=self.our_mac)

    def send(self, packet, src_mac=None):
        self.tx.send(bytes(self.ether(src_mac) / packet))

    def send_raw(self, frame):
        while True:
            try:
                return self.tx.send(frame)
            except BlockingIOError:
                time.sleep(0.001)
            except OSError as error:
                if error.errno != 105:  # ENOBUFS: the tap's queue is full, try again
                    raise
                time.sleep(0.001)

    def close(self):
        self.running = False
        self.thread.join()
        self.rx.close()
        self.tx.close()


class Flow:
    """A kernel socket connected to ofnet's echo port, with its state as seen on the wire."""

    def __init__(self, wire, port=7):
        self.wire, self.port = wire, port
        self.start = wire.mark()
        self.sock = socket.create_connection((wire.our_ip, port), timeout=5)
        self.lport = self.sock.getsockname()[1]
        synack = wire.wait_for(self.start, lambda p: self.ours(p) and p.tcp.flags & SYN, 2)
        if synack is None:
            raise SystemExit("no SYN-ACK seen for the kernel's connection")
        self.iss = synack.tcp.seq
        self.shift = window_shift(synack.tcp.options)
        self.sync()

    def ours(self, p):
        return (p.tcp is not None and p.src == self.wire.our_ip and p.dst == self.wire.linux_ip
                and p.tcp.sport == self.port and p.tcp.dport == self.lport)

    def segments(self, index):
        return [p for p in self.wire.since(index) if self.ours(p)]

    def sync(self):
        """Echoes a few bytes, lets the connection go idle, then reads from ofnet's own
        segments: SND.NXT of ofnet (snd), what it acknowledged (rcv: the kernel's SND.NXT)
        and the window it offers, in bytes."""
        probe = os.urandom(8)
        self.sock.sendall(probe)
        got = b""
        while len(got) < len(probe):
            chunk = self.sock.recv(64)
            if not chunk:
                raise SystemExit("echo connection closed while syncing")
            got += chunk
        if got != probe:
            raise SystemExit("echo returned other bytes while syncing")
        time.sleep(0.3)
        segs = self.segments(self.start)
        end = 0
        for p in segs:
            t = p.tcp
            length = len(t.payload) + (1 if t.flags & SYN else 0) + (1 if t.flags & FIN else 0)
            end = max(end, (t.seq - self.iss) % MOD + length)
        last = segs[-1].tcp
        self.snd = (self.iss + end) % MOD
        self.rcv = last.ack
        self.window = last.window << self.shift
        return self

    def inject(self, flags, seq, ack, payload=b"", checksum=None):
        segment = TCP(sport=self.lport, dport=self.port, seq=seq % MOD, ack=ack % MOD, flags=flags, window=1024)
        if checksum is not None:
            segment.chksum = checksum
        self.wire.send(IP(src=self.wire.linux_ip, dst=self.wire.our_ip) / segment / Raw(payload))

    def answers(self, index, wait=1.0):
        time.sleep(wait)
        return self.segments(index)

    def is_ack_for_state(self, p):
        t = p.tcp
        return t.flags == ACK and t.seq == self.snd and t.ack == self.rcv and not t.payload

    def pending_bytes(self, wait=0.5):
        """Whatever reached the kernel socket unasked (it should be nothing)."""
        ready, _, _ = select.select([self.sock], [], [], wait)
        if not ready:
            return b""
        self.sock.setblocking(False)
        try:
            return self.sock.recv(1 << 16)
        except BlockingIOError:
            return b""
        finally:
            self.sock.setblocking(True)
            self.sock.settimeout(5)

    def echo_intact(self, size=4096):
        """Sends SIZE random bytes (from a thread, so a large echo cannot deadlock) and
        wants exactly them back, and nothing more."""
        data = os.urandom(size)
        failure = []

        def send():
            try:
                self.sock.sendall(data)
            except OSError as error:
                failure.append(error)

        sender = threading.Thread(target=send, daemon=True)
        sender.start()
        got = bytearray()
        try:
            while len(got) < size:
                chunk = self.sock.recv(min(size - len(got), 1 << 16))
                if not chunk:
                    break
                got += chunk
        except OSError as error:
            failure.append(error)
        sender.join(5)
        if failure:
            return False, f"echo failed after {len(got)} of {size} bytes: {failure[0]}"
        extra = self.pending_bytes(0.3)
        if got == data and not extra:
            return True, f"{size} bytes echoed intact"
        return False, f"echo returned {len(got)} bytes ({'same' if got == data else 'different'}) and {len(extra)} more"

    def close(self):
        self.sock.close()


def window_shift(options):
    i = 0
    while i < len(options):
        kind = options[i]
        if kind == 0:
            break
        if kind == 1:
            i += 1
            continue
        if i + 1 >= len(options):
            break
        length = options[i + 1]
        if kind == 3 and length == 3:
            return options[i + 2]
        i += max(length, 2)
    return 0


def summary(segments):
    return "; ".join(describe(p) for p in segments) or "nothing"


def expect_challenge_ack(flow, what, index):
    answers = flow.answers(index)
    acks = [p for p in answers if flow.is_ack_for_state(p)]
    others = [p for p in answers if not flow.is_ack_for_state(p)]
    ok = len(acks) >= 1 and not others
    return report(ok, f"{what}: expected a bare ACK seq {flow.snd} ack {flow.rcv}; ofnet sent: {summary(answers)}")


def check_echo(flow, what):
    ok, text = flow.echo_intact()
    return report(ok, f"{what}: {text}")


# --- TCP on an established connection ------------------------------------------------

def rst_in_window(wire, _):
    flow = Flow(wire)
    for offset in (1, 1000, max(flow.window - 1, 2)):
        index = wire.mark()
        flow.inject("R", flow.rcv + offset, 0)
        expect_challenge_ack(flow, f"RST at RCV.NXT+{offset} (window {flow.window})", index)
        flow.sync()
    index = wire.mark()
    flow.inject("RA", flow.rcv + 500, flow.snd)
    expect_challenge_ack(flow, "RST+ACK at RCV.NXT+500", index)
    flow.sync()
    index = wire.mark()
    flow.inject("R", flow.rcv + flow.window + 1000, 0)
    answers = flow.answers(index)
    report(not answers, f"RST beyond the window (RCV.NXT+{flow.window + 1000}): ignored; ofnet sent: {summary(answers)}")
    check_echo(flow, "connection survives the blind RSTs")
    flow.close()


def rst_exact(wire, _):
    flow = Flow(wire)
    index = wire.mark()
    flow.inject("R", flow.rcv, 0)
    answers = flow.answers(index, 0.5)
    report(not answers, f"RST at exactly RCV.NXT {flow.rcv}: no answer expected; ofnet sent: {summary(answers)}")
    # The connection is gone at ofnet: the kernel's next data must meet a RST.
    index = wire.mark()
    error = None
    try:
        flow.sock.sendall(b"after the reset")
        got = flow.sock.recv(64)
        error = f"recv returned {got!r}"
    except ConnectionResetError:
        error = "ECONNRESET"
    except OSError as failure:
        error = str(failure)
    rst = wire.wait_for(index, lambda p: flow.ours(p) and p.tcp.flags & RST, 2)
    report(rst is not None and error == "ECONNRESET",
           f"after the exact RST, data from the kernel gets: {describe(rst) if rst else 'no RST'}; socket: {error}")
    flow.close()


def syn_established(wire, _):
    flow = Flow(wire)
    cases = [("SYN at RCV.NXT", flow.rcv), ("SYN at RCV.NXT+100", flow.rcv + 100),
             ("SYN at RCV.NXT-1", flow.rcv - 1), ("SYN far outside the window", flow.rcv + (1 << 31))]
    for what, seq in cases:
        index = wire.mark()
        flow.inject("S", seq, 0)
        expect_challenge_ack(flow, what, index)
        flow.sync()
    check_echo(flow, "connection survives the SYNs")
    flow.close()


def data_out_of_window(wire, _):
    flow = Flow(wire)
    cases = [("beyond the right edge", flow.rcv + flow.window + 100),
             ("half the sequence space away", flow.rcv + (1 << 31)),
             ("entirely old (already received)", flow.rcv - 2000)]
    for what, seq in cases:
        index = wire.mark()
        flow.inject("PA", seq, flow.snd, b"INJECTED-" * 40)
        expect_challenge_ack(flow, f"data {what} (seq RCV.NXT{(seq - flow.rcv) % MOD - (MOD if (seq - flow.rcv) % MOD >= MOD // 2 else 0):+d})", index)
        stray = flow.pending_bytes(0.2)
        report(not stray, f"data {what}: nothing delivered to the echo stream ({len(stray)} bytes came back)")
        flow.sync()
    check_echo(flow, "echo stream unaffected")
    flow.close()


def bad_ack(wire, _):
    flow = Flow(wire)
    cases = [("acknowledging 100000 bytes never sent", flow.snd + 100000),
             ("acknowledging 1 GiB in the past", flow.snd - (1 << 30))]
    for what, ack in cases:
        index = wire.mark()
        flow.inject("PA", flow.rcv, ack, b"BADACK-" * 40)
        expect_challenge_ack(flow, f"data at RCV.NXT {what}", index)
        stray = flow.pending_bytes(0.2)
        report(not stray, f"data {what}: nothing delivered to the echo stream ({len(stray)} bytes came back)")
        flow.sync()
    check_echo(flow, "echo stream unaffected")
    flow.close()


def syn_flood(wire, count):
    count = count or 5000
    prefix = wire.our_ip.rsplit(".", 1)[0]
    taken = {wire.our_ip, wire.linux_ip}
    frames = []
    start = time.monotonic()
    for _ in range(count):
        while True:
            source = f"{prefix}.{random.randint(10, 250)}"
            if source not in taken:
                break
        mac = "02:" + ":".join(f"{random.randint(0, 255):02x}" for _ in range(5))
        frame = (Ether(src=mac, dst=wire.our_mac) / IP(src=source, dst=wire.our_ip, id=random.randint(0, 65535))
                 / TCP(sport=random.randint(1024, 65535), dport=7, seq=random.randint(0, MOD - 1), flags="S",
                       window=64240, options=[("MSS", 1460), ("NOP", None), ("WScale", 7)]))
        frames.append(bytes(frame))
    built = time.monotonic() - start
    # An established connection from before the flood must carry on through it.
    before = Flow(wire)
    dropped_path = f"/sys/class/net/{wire.tap}/statistics/tx_dropped"
    with open(dropped_path) as f:
        dropped = int(f.read())
    index = wire.mark()
    start = time.monotonic()
    for number, frame in enumerate(frames):
        wire.send_raw(frame)
        if number % 32 == 31:
            time.sleep(0.003)  # paced, so the tap's queue (1000 frames) does not overflow
    elapsed = time.monotonic() - start
    time.sleep(1)
    with open(dropped_path) as f:
        dropped = int(f.read()) - dropped
    answers = wire.since(index)
    synacks = sum(1 for p in answers if p.tcp and p.tcp.flags & (SYN | ACK) == SYN | ACK)
    arps = sum(1 for _, f in wire.frames[index:] if f[12:14] == b"\x08\x06")
    info(f"{count} spoofed SYNs to port 7 (built in {built:.1f} s) sent in {elapsed:.2f} s "
         f"({count / max(elapsed, 1e-6):.0f}/s), {dropped} dropped by the tap's queue before ofnet read them; "
         f"ofnet sent {arps} ARP requests and {synacks} SYN-ACKs in the next second")
    ok, text = before.echo_intact(1 << 20)
    report(ok, f"a connection established before the flood: {text}")
    before.close()
    # A real client right after the flood, with the kernel's usual SYN retries.
    begin = time.monotonic()
    index = wire.mark()
    s = socket.socket()
    s.bind((wire.linux_ip, 0))
    port = s.getsockname()[1]
    s.settimeout(10)
    try:
        s.connect((wire.our_ip, 7))
        connected = time.monotonic() - begin
        s.sendall(b"after the flood\n")
        s.settimeout(5)
        got = b""
        while len(got) < 16:
            chunk = s.recv(64)
            if not chunk:
                break
            got += chunk
        ok = got == b"after the flood\n"
        report(ok, f"a real connection to port 7 after the flood: connected in {connected:.2f} s, echo {'ok' if ok else repr(got)}")
    except OSError as error:
        answers = [p for p in wire.since(index) if p.tcp and p.tcp.dport == port]
        report(False, f"a real connection to port 7 after the flood: {error} after {time.monotonic() - begin:.1f} s; "
                      f"the kernel's SYNs from {wire.linux_ip}:{port} (first and retries) got from ofnet: {summary(answers)} "
                      f"(expected a SYN-ACK; the listener's backlog is held by the spoofed half-open connections)")
    finally:
        s.close()
    for port in (9, 19):
        try:
            socket.create_connection((wire.our_ip, port), timeout=5).close()
            report(True, f"a real connection to port {port} (not flooded) after the flood")
        except OSError as error:
            report(False, f"a real connection to port {port} (not flooded) after the flood: {error}")


# --- IPv4 fragments -----------------------------------------------------------------

def echo_bytes(ident, payload):
    return bytes(ICMP(type=8, id=ident, seq=1) / Raw(payload))


def send_pieces(wire, ipid, pieces, proto=1, gap=0.0):
    for offset, data, more in pieces:
        wire.send(IP(src=wire.linux_ip, dst=wire.our_ip, id=ipid, proto=proto, flags="MF" if more else 0,
                     frag=offset // 8) / Raw(data))
        if gap:
            time.sleep(gap)


def echo_reply(wire, index, ident, timeout):
    return wire.wait_for(index, lambda p: p.icmp and p.icmp.type == 0 and p.icmp.id == ident and p.src == wire.our_ip, timeout)


def new_ids():
    return random.randint(1, 65535), random.randint(1, 65535)


def frag_control(wire, _):
    ident, ipid = new_ids()
    payload = os.urandom(48)
    data = echo_bytes(ident, payload)
    index = wire.mark()
    send_pieces(wire, ipid, [(24, data[24:], False), (0, data[:24], True)])
    reply = echo_reply(wire, index, ident, 2)
    report(reply is not None and reply.icmp.payload == payload,
           f"echo in 2 fragments, last first: {'reply, payload intact' if reply and reply.icmp.payload == payload else describe(reply) if reply else 'no reply'}")


def frag_overlap(wire, _):
    patterns = [
        ("teardrop: [0,24)+MF then [16,56) last", lambda d, e: [(0, d[:24], True), (16, e[16:], False)]),
        ("contained: [0,32)+MF, [8,16)+MF with other bytes, [32,56) last",
         lambda d, e: [(0, d[:32], True), (8, e[8:16], True), (32, d[32:], False)]),
        ("last overlapping: [0,32)+MF then [24,56) last", lambda d, e: [(0, d[:32], True), (24, e[24:], False)]),
        ("last first, then [0,40)+MF over it", lambda d, e: [(32, d[32:], False), (0, e[:40], True)]),
        ("last ending inside an earlier fragment: [0,32)+MF, [16,24) last, [24,56) last",
         lambda d, e: [(0, d[:32], True), (16, e[16:24], False), (24, d[24:], False)]),
        ("RFC 1858 overwrite: [0,16)+MF, [8,56) last", lambda d, e: [(0, d[:16], True), (8, e[8:], False)]),
    ]
    for what, make in patterns:
        ident, ipid = new_ids()
        data = echo_bytes(ident, os.urandom(48))
        # The other bytes still make a valid echo, so a stack that keeps either copy answers.
        other = echo_bytes(ident, os.urandom(48))
        index = wire.mark()
        send_pieces(wire, ipid, make(data, other))
        reply = echo_reply(wire, index, ident, 1.5)
        report(reply is None, f"overlapping fragments, {what}: {'no reply' if reply is None else 'REPLY ' + describe(reply)}")
    # After all that the reassembler still works.
    frag_control(wire, None)


def frag_tiny(wire, _):
    for size in (56, 57):
        ident, ipid = new_ids()
        payload = os.urandom(size)
        data = echo_bytes(ident, payload)
        pieces = [(offset, data[offset:offset + 8], offset + 8 < len(data)) for offset in range(0, len(data), 8)]
        random.shuffle(pieces)
        index = wire.mark()
        send_pieces(wire, ipid, pieces)
        reply = echo_reply(wire, index, ident, 2)
        report(reply is not None and reply.icmp.payload == payload,
               f"echo of {len(data)} bytes in {len(pieces)} fragments of at most 8 bytes, shuffled: "
               f"{'reply, payload intact' if reply and reply.icmp.payload == payload else describe(reply) if reply else 'no reply'}")
    # RFC 1858: a TCP SYN whose first fragment holds only the ports and the sequence number.
    sport = random.randint(20000, 60000)
    segment = bytes(IP(src=wire.linux_ip, dst=wire.our_ip) /
                    TCP(sport=sport, dport=8, seq=12345, flags="S", window=1024, options=[("MSS", 1460)]))[20:]
    pieces = [(offset, segment[offset:offset + 8], offset + 8 < len(segment)) for offset in range(0, len(segment), 8)]
    index = wire.mark()
    send_pieces(wire, random.randint(1, 65535), pieces, proto=6)
    answer = wire.wait_for(index, lambda p: p.tcp and p.tcp.sport == 8 and p.tcp.dport == sport, 2)
    report(answer is not None and answer.tcp.flags & RST and answer.tcp.ack == 12346,
           f"TCP SYN to closed port 8 in {len(pieces)} fragments of 8 bytes (tiny first fragment): "
           f"answered like a whole one: {describe(answer) if answer else 'no answer'}")


def frag_timeout(wire, seconds):
    seconds = seconds or 32
    ident, ipid = new_ids()
    data = echo_bytes(ident, os.urandom(48))
    index = wire.mark()
    send_pieces(wire, ipid, [(0, data[:24], True)])
    started = time.monotonic()
    # Fill the other reassembly slots with datagrams that never complete, then try a
    # whole fragmented echo: informational (how the stack shares its reassembly slots).
    for _ in range(8):
        send_pieces(wire, random.randint(1, 65535), [(0, echo_bytes(1, os.urandom(48))[:24], True)])
    probe, probe_ipid = new_ids()
    probe_data = echo_bytes(probe, os.urandom(48))
    probe_index = wire.mark()
    send_pieces(wire, probe_ipid, [(0, probe_data[:24], True), (24, probe_data[24:], False)])
    reply = echo_reply(wire, probe_index, probe, 1.5)
    info(f"with 9 incomplete datagrams pending, a new fragmented echo {'was answered' if reply else 'got NO reply (reassembly slots all taken until the timeout)'}")
    remaining = seconds - (time.monotonic() - started)
    if remaining > 0:
        time.sleep(remaining)
    late = wire.mark()
    send_pieces(wire, ipid, [(24, data[24:], False)])
    reply = echo_reply(wire, late, ident, 1.5)
    report(reply is None, f"second fragment {seconds} s after the first: {'no reply (first fragment forgotten)' if reply is None else 'REPLY: the stale fragment was kept'}")
    exceeded = [p for p in wire.since(index) if p.icmp and p.icmp.type == 11]
    info(f"ICMP time exceeded (fragment reassembly) sent by ofnet: {summary(exceeded) if exceeded else 'none (RFC 1122 3.3.2: SHOULD when fragment zero arrived)'}")
    frag_control(wire, None)


# --- Malformed frames ---------------------------------------------------------------

def bad_ip_checksum(wire, _):
    ident, ipid = new_ids()
    packet = IP(src=wire.linux_ip, dst=wire.our_ip, id=ipid) / ICMP(type=8, id=ident, seq=1) / Raw(b"x" * 32)
    good = IP(bytes(packet)).chksum
    packet.chksum = good ^ 0x5A5A
    index = wire.mark()
    wire.send(packet)
    reply = echo_reply(wire, index, ident, 1.5)
    report(reply is None, f"ICMP echo with IPv4 header checksum {good ^ 0x5A5A:#06x} (right: {good:#06x}): {'no reply' if reply is None else 'REPLY'}")
    packet.chksum = None
    index = wire.mark()
    wire.send(packet)
    reply = echo_reply(wire, index, ident, 1.5)
    report(reply is not None, f"the same echo with the right checksum: {'reply' if reply else 'no reply'}")


def syn_to_closed(wire, sport):
    return TCP(sport=sport, dport=8, seq=777000, flags="S", window=1024, options=[("MSS", 1460)])


def closed_port_answer(wire, sport, index, timeout=1.5):
    return wire.wait_for(index, lambda p: p.tcp and p.tcp.sport == 8 and p.tcp.dport == sport, timeout)


def truncated_tcp(wire, _):
    cases = []
    sport = random.randint(20000, 60000)
    whole = bytes(IP(src=wire.linux_ip, dst=wire.our_ip) / syn_to_closed(wire, sport))[20:]
    cases.append(("TCP header cut to 12 bytes by the IP length", sport, IP(src=wire.linux_ip, dst=wire.our_ip, proto=6) / Raw(whole[:12])))
    sport = random.randint(20000, 60000)
    whole = bytes(IP(src=wire.linux_ip, dst=wire.our_ip) / syn_to_closed(wire, sport))[20:]
    cases.append(("TCP header cut to 19 bytes", sport, IP(src=wire.linux_ip, dst=wire.our_ip, proto=6) / Raw(whole[:19])))
    sport = random.randint(20000, 60000)
    cases.append(("data offset 15 (60 bytes) in a 24-byte segment", sport,
                  IP(src=wire.linux_ip, dst=wire.our_ip) / TCP(sport=sport, dport=8, seq=777000, flags="S", dataofs=15, options=[("MSS", 1460)])))
    sport = random.randint(20000, 60000)
    cases.append(("data offset 4 (16 bytes, under the minimum)", sport,
                  IP(src=wire.linux_ip, dst=wire.our_ip) / TCP(sport=sport, dport=8, seq=777000, flags="S", dataofs=4)))
    sport = random.randint(20000, 60000)
    ip_long = IP(src=wire.linux_ip, dst=wire.our_ip) / syn_to_closed(wire, sport)
    ip_long.len = len(ip_long) + 40
    cases.append(("IPv4 total length 40 bytes past the frame's end", sport, ip_long))
    for what, sport, packet in cases:
        index = wire.mark()
        wire.send(packet)
        answer = closed_port_answer(wire, sport, index)
        report(answer is None, f"SYN to closed port 8 with {what}: {'no answer' if answer is None else 'ANSWERED ' + describe(answer)}")
    sport = random.randint(20000, 60000)
    index = wire.mark()
    wire.send(IP(src=wire.linux_ip, dst=wire.our_ip) / syn_to_closed(wire, sport))
    answer = closed_port_answer(wire, sport, index)
    report(answer is not None and answer.tcp.flags & RST, f"the well-formed SYN to closed port 8: {describe(answer) if answer else 'no answer'}")


def bad_tcp_checksum(wire, _):
    sport = random.randint(20000, 60000)
    segment = syn_to_closed(wire, sport)
    good = TCP(bytes(IP(src=wire.linux_ip, dst=wire.our_ip) / segment)[20:]).chksum
    segment.chksum = good ^ 0x00FF
    index = wire.mark()
    wire.send(IP(src=wire.linux_ip, dst=wire.our_ip) / segment)
    answer = closed_port_answer(wire, sport, index)
    report(answer is None, f"SYN to closed port 8 with TCP checksum {good ^ 0xFF:#06x} (right: {good:#06x}): {'no answer' if answer is None else 'ANSWERED ' + describe(answer)}")
    flow = Flow(wire)
    sample = IP(src=wire.linux_ip, dst=wire.our_ip) / TCP(sport=flow.lport, dport=7, seq=flow.rcv, ack=flow.snd, flags="PA", window=1024) / Raw(b"BADSUM-" * 40)
    right = TCP(bytes(sample)[20:]).chksum
    index = wire.mark()
    flow.inject("PA", flow.rcv, flow.snd, b"BADSUM-" * 40, checksum=right ^ 0x0F0F)
    answers = flow.answers(index)
    stray = flow.pending_bytes(0.2)
    report(not answers and not stray,
           f"data at RCV.NXT with a wrong TCP checksum: ofnet sent {summary(answers)}; {len(stray)} bytes came back")
    check_echo(flow, "echo stream unaffected")
    flow.close()


CHECKS = {
    "rst-in-window": rst_in_window, "rst-exact": rst_exact, "syn-established": syn_established,
    "data-out-of-window": data_out_of_window, "bad-ack": bad_ack, "syn-flood": syn_flood,
    "frag-control": frag_control, "frag-overlap": frag_overlap, "frag-tiny": frag_tiny,
    "frag-timeout": frag_timeout, "bad-ip-checksum": bad_ip_checksum, "truncated-tcp": truncated_tcp,
    "bad-tcp-checksum": bad_tcp_checksum,
}


def main():
    if len(sys.argv) < 5 or sys.argv[1] not in CHECKS:
        raise SystemExit(__doc__)
    check, tap, linux_ip, our_ip = sys.argv[1:5]
    argument = int(sys.argv[5]) if len(sys.argv) > 5 else 0
    wire = Wire(tap, linux_ip, our_ip)
    try:
        CHECKS[check](wire, argument)
    except (OSError, SystemExit) as error:
        report(False, f"{check}: {error}")
    finally:
        wire.close()
    sys.exit(1 if FAILURES else 0)


if __name__ == "__main__":
    main()
