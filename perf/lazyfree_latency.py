#!/usr/bin/env python3
"""While one client deletes a big value, a second client sends PING in a
loop; report the deleting call's time and the worst PING latency seen
during it, for DEL vs UNLINK of an N-member set and FLUSHALL SYNC vs ASYNC
over N keys. Run against one port; perf/lazyfree.sh runs it for ferrodis
and redis-server side by side."""
import socket, sys, threading, time
sys.setswitchinterval(0.0001)  # else the GIL adds up to 5 ms to any timing

def conn(port):
    s = socket.create_connection(("127.0.0.1", port))
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s

def enc(*args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)

def read_replies(s, n):
    """Reads n simple replies (status/int/error/bulk) -- enough here."""
    buf = b""; got = 0
    while got < n:
        chunk = s.recv(1 << 20)
        if not chunk:
            raise RuntimeError("closed")
        buf += chunk
        # count complete lines that start a reply; bulk replies are not used
        while True:
            i = buf.find(b"\r\n")
            if i < 0:
                break
            buf = buf[i + 2:]; got += 1
    return got

def fill_set(s, key, n):
    batch = 1000; pipe = []
    for c in range(0, n, batch):
        pipe.append(enc(b"SADD", key, *[b"m:%d" % i for i in range(c, min(n, c + batch))]))
        if len(pipe) == 50:
            s.sendall(b"".join(pipe)); read_replies(s, len(pipe)); pipe = []
    if pipe:
        s.sendall(b"".join(pipe)); read_replies(s, len(pipe))

def fill_keys(s, n):
    batch = 1000
    for c in range(0, n, batch * 10):
        cmds = [enc(b"MSET", *sum(([b"k:%d" % i, b"v"] for i in range(b0, min(n, b0 + batch))), []))
                for b0 in range(c, min(n, c + batch * 10), batch)]
        s.sendall(b"".join(cmds)); read_replies(s, len(cmds))

def pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))] if xs else 0.0

def measure(port, setup, cmd):
    """PING latencies in two windows of 0.6 s: idle (before the command) and
    during (from sending the command on). The VM's own scheduling jitter
    shows in the idle window; the command's cost is the difference."""
    s = conn(port); setup(s)
    p = conn(port)
    stop = threading.Event(); samples = []
    def pinger():
        while not stop.is_set():
            t = time.perf_counter(); p.sendall(b"PING\r\n"); p.recv(64)
            samples.append((t, time.perf_counter() - t))
    th = threading.Thread(target=pinger); th.start()
    time.sleep(0.2); t0 = time.perf_counter(); time.sleep(0.6)
    t1 = time.perf_counter(); s.sendall(enc(*cmd)); s.recv(64); took = time.perf_counter() - t1
    time.sleep(0.6); stop.set(); th.join()
    s.sendall(enc(b"FLUSHALL", b"SYNC")); s.recv(64)
    # A PING sent just before the command waits for it: attribute each
    # sample by when it completed, and let the "during" window cover the
    # whole command plus 0.6 s of background work.
    idle = [l for (t, l) in samples if t0 <= t + l < t1]
    during = [l for (t, l) in samples if t1 <= t + l < t1 + took + 0.6]
    during = during or [took]
    return (took * 1000, max(idle or [0]) * 1000, pct(idle, 0.99) * 1000,
            max(during) * 1000, pct(during, 0.99) * 1000)

if __name__ == "__main__":
    port = int(sys.argv[1]); n = int(sys.argv[2]) if len(sys.argv) > 2 else 2_000_000
    cases = [
        ("DEL set", lambda s: fill_set(s, b"big", n), (b"DEL", b"big")),
        ("UNLINK set", lambda s: fill_set(s, b"big", n), (b"UNLINK", b"big")),
        ("FLUSHALL SYNC", lambda s: fill_keys(s, n), (b"FLUSHALL", b"SYNC")),
        ("FLUSHALL ASYNC", lambda s: fill_keys(s, n), (b"FLUSHALL", b"ASYNC")),
    ]
    for name, setup, cmd in cases:
        took, imax, ip99, dmax, dp99 = measure(port, setup, cmd)
        print(f"{name:16s} call_ms={took:9.2f}  ping during: max={dmax:7.2f} p99={dp99:6.2f}  idle baseline: max={imax:6.2f} p99={ip99:6.2f}")
