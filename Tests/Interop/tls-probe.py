#!/usr/bin/env python3
"""Probes an OpenFlow TLS port the way a bad or hostile client would.

  tls-probe.py HOST PORT tls [KEY CERT] [CA]   TLS (with a client certificate when given);
                                               prints "accepted" when an OpenFlow HELLO
                                               comes back, else "refused: REASON"
  tls-probe.py HOST PORT plain                 plain OpenFlow HELLO on the TLS port
  tls-probe.py HOST PORT idle N SOURCE SECONDS opens N TCP connections from SOURCE, says
                                               nothing on them, prints "open N" once done
                                               and holds them for SECONDS
The server's certificate is not checked here: this is the server's test, not ours.
"""
import socket
import ssl
import sys
import time

HELLO = bytes([1, 0, 0, 8, 0, 0, 0, 1])


def read_hello(sock):
    data = b""
    while len(data) < 8:
        chunk = sock.recv(8 - len(data))
        if not chunk:
            return "refused: closed before a HELLO"
        data += chunk
    return "accepted" if data[0] == 1 and data[1] == 0 else "refused: not a HELLO"


def probe_tls(host, port, key=None, cert=None):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    if key:
        context.load_cert_chain(cert, key)
    try:
        with socket.create_connection((host, port), timeout=5) as raw:
            with context.wrap_socket(raw) as sock:
                return read_hello(sock)
    except (ssl.SSLError, OSError) as error:
        return "refused: " + (getattr(error, "reason", None) or str(error))


def probe_plain(host, port):
    try:
        with socket.create_connection((host, port), timeout=5) as sock:
            sock.sendall(HELLO)
            return read_hello(sock)
    except OSError as error:
        return "refused: " + str(error)


def hold_idle(host, port, count, source, seconds):
    held = []
    for _ in range(count):
        sock = socket.socket()
        sock.bind((source, 0))
        sock.settimeout(5)
        try:
            sock.connect((host, port))
            held.append(sock)
        except OSError:
            sock.close()
    print("open", len(held), flush=True)
    time.sleep(seconds)


def main():
    host, port, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    if mode == "tls":
        key, cert = (sys.argv[4], sys.argv[5]) if len(sys.argv) > 5 else (None, None)
        print(probe_tls(host, port, key, cert))
    elif mode == "plain":
        print(probe_plain(host, port))
    elif mode == "idle":
        hold_idle(host, port, int(sys.argv[4]), sys.argv[5], float(sys.argv[6]))
    else:
        sys.exit("unknown mode " + mode)


main()
