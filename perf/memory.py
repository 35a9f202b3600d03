#!/usr/bin/env python3
"""Bytes per element after loading N 16-byte members into one list, set,
hash (16-byte values) and sorted set, by INFO used_memory and by
used_memory_rss deltas. Usage: memory.py PORT TYPE [N]"""
import socket, sys

def enc(*args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)

def drain(s, n):
    buf = b""; got = 0
    while got < n:
        buf += s.recv(1 << 20)
        while True:
            i = buf.find(b"\r\n")
            if i < 0: break
            buf = buf[i + 2:]; got += 1

def info(s):
    s.sendall(enc(b"INFO", b"memory")); data = b""
    while True:
        data += s.recv(1 << 16)
        if data.count(b"\r\n") > 3 and data.endswith(b"\r\n") and len(data) > 100 and b"mem_allocator" in data:
            break
    d = {}
    for line in data.decode().split("\r\n"):
        if ":" in line:
            k, v = line.split(":", 1); d[k] = v
    return int(d["used_memory"]), int(d["used_memory_rss"])

port, typ = int(sys.argv[1]), sys.argv[2]; n = int(sys.argv[3]) if len(sys.argv) > 3 else 1_000_000
s = socket.create_connection(("127.0.0.1", port))
m = lambda i: b"%016d" % i   # 16-byte members
u0, r0 = info(s)
batch = 500; pipe = []
for c in range(0, n, batch):
    r = range(c, min(n, c + batch))
    if typ == "list": cmd = enc(b"RPUSH", b"k", *[m(i) for i in r])
    elif typ == "set": cmd = enc(b"SADD", b"k", *[m(i) for i in r])
    elif typ == "hash": cmd = enc(b"HSET", b"k", *sum(([m(i), m(i)] for i in r), []))
    elif typ == "zset": cmd = enc(b"ZADD", b"k", *sum(([b"%d" % i, m(i)] for i in r), []))
    pipe.append(cmd)
    if len(pipe) == 20:
        s.sendall(b"".join(pipe)); drain(s, len(pipe)); pipe = []
if pipe: s.sendall(b"".join(pipe)); drain(s, len(pipe))
u1, r1 = info(s)
print(f"{typ:5s} used_memory/elt={(u1-u0)/n:7.1f} rss/elt={(r1-r0)/n:7.1f}")
