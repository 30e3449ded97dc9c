#!/usr/bin/env python3
"""TCP checks against ofnet's services (echo 7, discard 9, chargen 19), run by the
kernel's TCP inside the test namespace. Each subcommand prints one result line and exits
0 on success, 1 on failure.

  netstack-client.py echo HOST BYTES            bytes back intact (sha256 both ways)
  netstack-client.py discard HOST BYTES         sent in full; prints Mbit/s
  netstack-client.py chargen HOST BYTES         the RFC 864 pattern, intact; prints Mbit/s
  netstack-client.py concurrent HOST COUNT      COUNT echo connections open at once
  netstack-client.py refused HOST PORT          a closed port answers RST
  netstack-client.py half-close HOST BYTES      echo after our FIN: all bytes, then EOF
"""
import hashlib
import os
import selectors
import socket
import sys
import time

TIMEOUT = 30


def connect(host, port):
    s = socket.create_connection((host, port), timeout=TIMEOUT)
    return s


def echo(host, size):
    data = os.urandom(size)
    s = connect(host, 7)
    s.setblocking(False)
    sel = selectors.DefaultSelector()
    sel.register(s, selectors.EVENT_READ | selectors.EVENT_WRITE)
    sent, got = 0, bytearray()
    deadline = time.time() + TIMEOUT
    while len(got) < size and time.time() < deadline:
        for key, events in sel.select(timeout=1):
            if events & selectors.EVENT_WRITE and sent < size:
                sent += s.send(data[sent:sent + 65536])
                if sent == size:
                    sel.modify(s, selectors.EVENT_READ)
            if events & selectors.EVENT_READ:
                chunk = s.recv(1 << 16)
                if not chunk:
                    deadline = 0
                got += chunk
    s.close()
    ok = hashlib.sha256(got).digest() == hashlib.sha256(data).digest()
    print(f"echo: sent {sent}, got back {len(got)}, sha256 {'matches' if ok else 'DIFFERS'}")
    return ok


def discard(host, size):
    chunk = os.urandom(1 << 16)
    s = connect(host, 9)
    start = time.time()
    sent = 0
    while sent < size:
        sent += s.send(chunk[: min(len(chunk), size - sent)])
    s.shutdown(socket.SHUT_WR)
    # The stack closes after our FIN: wait for its FIN, so every byte was acknowledged.
    s.settimeout(TIMEOUT)
    rest = s.recv(1)
    elapsed = time.time() - start
    s.close()
    print(f"discard: {sent} bytes in {elapsed:.2f} s, {sent * 8 / elapsed / 1e6:.0f} Mbit/s")
    return sent == size and rest == b""


def chargen_cycle():
    lines = bytearray()
    for line in range(95):
        lines += bytes(32 + (line + column) % 95 for column in range(72)) + b"\r\n"
    return bytes(lines)


def chargen(host, size):
    cycle = chargen_cycle()
    s = connect(host, 19)
    start = time.time()
    got = bytearray()
    while len(got) < size:
        chunk = s.recv(1 << 16)
        if not chunk:
            break
        got += chunk
    elapsed = time.time() - start
    s.close()
    expected = (cycle * (len(got) // len(cycle) + 1))[: len(got)]
    ok = len(got) >= size and bytes(got) == expected
    print(f"chargen: {len(got)} bytes in {elapsed:.2f} s, {len(got) * 8 / elapsed / 1e6:.0f} Mbit/s, pattern {'intact' if ok else 'WRONG'}")
    return ok


def concurrent(host, count):
    sockets = []
    for index in range(count):
        sockets.append(connect(host, 7))
    for index, s in enumerate(sockets):
        s.sendall(b"connection %d\n" % index)
    good = 0
    for index, s in enumerate(sockets):
        want = b"connection %d\n" % index
        got = b""
        while len(got) < len(want):
            chunk = s.recv(64)
            if not chunk:
                break
            got += chunk
        good += got == want
    for s in sockets:
        s.close()
    print(f"concurrent: {good} of {count} connections open at once echoed their line")
    return good == count


def refused(host, port):
    try:
        connect(host, port).close()
    except ConnectionRefusedError:
        print(f"refused: port {port} answered RST")
        return True
    except OSError as error:
        print(f"refused: port {port}: {error}")
        return False
    print(f"refused: port {port} accepted a connection")
    return False


def half_close(host, size):
    data = os.urandom(size)
    s = connect(host, 7)
    s.sendall(data)
    s.shutdown(socket.SHUT_WR)
    got = bytearray()
    while True:
        chunk = s.recv(1 << 16)
        if not chunk:
            break
        got += chunk
    s.close()
    ok = bytes(got) == data
    print(f"half-close: {len(got)} of {size} bytes echoed after our FIN, then EOF: {'ok' if ok else 'WRONG'}")
    return ok


def main():
    command, host, value = sys.argv[1], sys.argv[2], int(sys.argv[3])
    checks = {"echo": echo, "discard": discard, "chargen": chargen, "concurrent": concurrent,
              "refused": refused, "half-close": half_close}
    try:
        ok = checks[command](host, value)
    except (OSError, socket.timeout) as error:
        print(f"{command}: {error}")
        ok = False
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
