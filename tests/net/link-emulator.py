#!/usr/bin/env python3
"""Userspace stand-in for `tc netem` (the test kernels have no qdiscs).

Creates a network namespace whose only link to the host is a pair of TUN devices bridged by this
process, so every IP packet between the namespace and the host passes through here. Per direction
("down": host -> namespace, "up": namespace -> host) it applies, in this order: the cut state,
random loss, a token-bucket rate limit with a bounded drop-tail queue, then a fixed delay with
optional jitter. Jitter never reorders packets (a real access link doesn't either, and reordering
would be a different impairment).

Control: JSON lines on stdin, one JSON answer line on stdout per command:
  {"id": 1, "cmd": "set", "down": {"rateKbps": 1000, "delayMs": 50, "lossPercent": 2}, "up": {...}}
  {"id": 2, "cmd": "cut"}   {"id": 3, "cmd": "restore"}   {"id": 4, "cmd": "stats"}
A direction given to "set" is replaced as a whole: fields left out mean no limit, no delay, no loss.
The first stdout line is {"event": "ready", ...} with the addresses. When stdin closes (the test
process ended, however it ended) or on SIGTERM/SIGINT, the namespace is deleted and the process exits.

Run as root: python3 link-emulator.py --netns NAME --host-dev TUN1 --ns-dev TUN2 (the namespace must not
exist; the devices are created). The link gets a free /30 in 10.213.0.0/16.
"""
import argparse
import collections
import fcntl
import ipaddress
import json
import os
import random
import re
import select
import signal
import struct
import subprocess
import sys
import time
import traceback

TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000
MTU = 1500
FIELDS = {'rateKbps', 'delayMs', 'jitterMs', 'lossPercent', 'burstBytes', 'queueMs'}


def open_tun(name):
    fd = os.open('/dev/net/tun', os.O_RDWR | os.O_NONBLOCK | os.O_CLOEXEC)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack('16sH', name.encode(), IFF_TUN | IFF_NO_PI))
    return fd


def ip(*args):
    subprocess.run(['ip', *args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def pick_subnet():
    """A random /30 in 10.213.0.0/16 that overlaps no address or route of the host."""
    out = subprocess.run(['ip', '-4', '-o', 'addr'], check=True, capture_output=True, text=True).stdout
    out += subprocess.run(['ip', '-4', '-o', 'route', 'show', 'table', 'all'], check=True, capture_output=True, text=True).stdout
    used = [ipaddress.ip_network(m, strict=False) for m in re.findall(r'\b\d+\.\d+\.\d+\.\d+(?:/\d+)?\b', out)]
    for _ in range(100):
        net = ipaddress.ip_network(f'10.213.{random.randrange(256)}.{random.randrange(64) * 4}/30')
        # A default route is 0.0.0.0/0 and overlaps everything; it doesn't make a subnet busy.
        if not any(u.prefixlen > 0 and u.overlaps(net) for u in used):
            return net
    raise RuntimeError('no free /30 in 10.213.0.0/16')


def check_params(name, p):
    if not isinstance(p, dict):
        raise ValueError(f'{name}: expected an object')
    unknown = set(p) - FIELDS
    bad = [k for k in FIELDS & set(p) if not isinstance(p[k], (int, float)) or p[k] < 0]
    if unknown or bad or p.get('lossPercent', 0) > 100:
        raise ValueError(f'bad {name} parameters {p!r} (known: {sorted(FIELDS)}, numbers >= 0, loss <= 100)')


class Direction:
    """One direction of the link: loss -> token bucket + bounded queue -> delay line."""

    def __init__(self, name):
        self.name = name
        self.configure({})
        self.tat = 0.0  # GCRA "theoretical arrival time" of the token bucket
        self.backlog = collections.deque()  # (leaves_bucket_at, size) of packets still queued
        self.backlog_bytes = 0
        self.line = collections.deque()  # (deliver_at, packet), deliver_at non-decreasing
        self.last_delivery = 0.0
        self.counts = dict(received=0, delivered=0, deliveredBytes=0, lost=0, queueDropped=0, cutDropped=0, writeErrors=0,
                           lateMaxMs=0.0)  # how far behind schedule a delivery was: this process's own error

    def configure(self, p):
        self.rate_bps = float(p.get('rateKbps', 0)) * 1000  # 0: unlimited
        self.delay = float(p.get('delayMs', 0)) / 1000
        self.jitter = float(p.get('jitterMs', 0)) / 1000
        self.loss = float(p.get('lossPercent', 0)) / 100
        # A bucket of at least one full packet, so an idle link sends a packet without waiting.
        self.burst_bytes = max(float(p.get('burstBytes', MTU)), MTU)
        # The queue holds at most queueMs worth of traffic at the configured rate (drop-tail).
        self.queue_ms = float(p.get('queueMs', 250))
        self.params = {'rateKbps': self.rate_bps / 1000, 'delayMs': self.delay * 1000, 'jitterMs': self.jitter * 1000,
                       'lossPercent': self.loss * 100, 'burstBytes': self.burst_bytes, 'queueMs': self.queue_ms}

    def queue_limit(self):
        return max(self.rate_bps / 8 * self.queue_ms / 1000, 2 * MTU)

    def offer(self, pkt, now, cut):
        self.counts['received'] += 1
        if cut:
            self.counts['cutDropped'] += 1
            return
        if self.loss > 0 and random.random() < self.loss:
            self.counts['lost'] += 1
            return
        leaves = now
        if self.rate_bps > 0:
            while self.backlog and self.backlog[0][0] <= now:
                self.backlog_bytes -= self.backlog.popleft()[1]
            if self.backlog_bytes + len(pkt) > self.queue_limit():
                self.counts['queueDropped'] += 1
                return
            # GCRA form of a token bucket: conforming once the bucket would hold len(pkt) tokens.
            self.tat = max(self.tat, now)
            leaves = max(now, self.tat - self.burst_bytes * 8 / self.rate_bps)
            self.tat += len(pkt) * 8 / self.rate_bps
            if leaves > now:
                self.backlog.append((leaves, len(pkt)))
                self.backlog_bytes += len(pkt)
        deliver = leaves + self.delay
        if self.jitter > 0:
            deliver += random.uniform(-self.jitter, self.jitter)
        deliver = max(deliver, self.last_delivery, now)
        self.last_delivery = deliver
        self.line.append((deliver, pkt))

    def drop_all(self):
        """A cut also loses what is on the wire or queued."""
        self.counts['cutDropped'] += len(self.line)
        self.line.clear()
        self.backlog.clear()
        self.backlog_bytes = 0
        self.tat = 0.0

    def deliver_due(self, now, out_fd):
        while self.line and self.line[0][0] <= now:
            due, pkt = self.line.popleft()
            self.counts['lateMaxMs'] = max(self.counts['lateMaxMs'], (now - due) * 1000)
            try:
                os.write(out_fd, pkt)
                self.counts['delivered'] += 1
                self.counts['deliveredBytes'] += len(pkt)
            except OSError:
                self.counts['writeErrors'] += 1

    def report(self):
        return {**self.params, **self.counts, 'inFlight': len(self.line)}

    def next_due(self):
        return self.line[0][0] if self.line else None


def setup(args):
    """The namespace, its end of the link, and the host's end; returns (host address, namespace address)."""
    # Held while picking the subnet and claiming it, so that parallel emulators pick different ones.
    with open('/run/confab-link-emulator.lock', 'w') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        net = pick_subnet()
        host_addr, ns_addr = [str(a) for a in list(net.hosts())[:2]]
        ip('addr', 'add', f'{host_addr}/{net.prefixlen}', 'dev', args.host_dev)
    # The open fd keeps working after the device moves to the other namespace.
    ip('link', 'set', args.ns_dev, 'netns', args.netns)
    # IPv4 only: no IPv6 link-local chatter mixed into what the tests measure.
    with open(f'/proc/sys/net/ipv6/conf/{args.host_dev}/disable_ipv6', 'w') as f:
        f.write('1')
    ip('netns', 'exec', args.netns, 'sysctl', '-qw', f'net.ipv6.conf.{args.ns_dev}.disable_ipv6=1')
    ip('link', 'set', args.host_dev, 'mtu', str(MTU), 'up')
    ip('-n', args.netns, 'link', 'set', 'lo', 'up')
    ip('-n', args.netns, 'addr', 'add', f'{ns_addr}/{net.prefixlen}', 'dev', args.ns_dev)
    ip('-n', args.netns, 'link', 'set', args.ns_dev, 'mtu', str(MTU), 'up')
    ip('-n', args.netns, 'route', 'add', 'default', 'via', host_addr)
    return host_addr, ns_addr


def serve(host_fd, ns_fd):
    """Forwards packets between the two ends and answers commands until stdin closes."""
    down, up = Direction('down'), Direction('up')
    cut = False
    stdin = sys.stdin.fileno()
    os.set_blocking(stdin, False)
    pending = b''

    def command(msg):
        nonlocal cut
        cmd = msg.get('cmd')
        if cmd == 'set':
            given = [d for d in (down, up) if d.name in msg]
            for d in given:  # all or nothing
                check_params(d.name, msg[d.name])
            for d in given:
                d.configure(msg[d.name])
        elif cmd == 'cut':
            cut = True
            down.drop_all()
            up.drop_all()
        elif cmd == 'restore':
            cut = False
        elif cmd != 'stats':
            return {'ok': False, 'error': f'unknown command {cmd!r}'}
        return {'ok': True, 'cut': cut, 'down': down.report(), 'up': up.report()}

    while True:
        now = time.monotonic()
        dues = [t for t in (down.next_due(), up.next_due()) if t is not None]
        timeout = max(0.0, min(dues) - now) if dues else None
        readable, _, _ = select.select([host_fd, ns_fd, stdin], [], [], timeout)
        now = time.monotonic()
        for fd in readable:
            if fd == stdin:
                chunk = os.read(stdin, 65536)
                if not chunk:
                    return
                pending += chunk
                while b'\n' in pending:
                    line, pending = pending.split(b'\n', 1)
                    if not line.strip():
                        continue
                    msg = {}
                    try:
                        msg = json.loads(line)
                        answer = command(msg)
                    except (ValueError, TypeError, AttributeError) as err:
                        answer = {'ok': False, 'error': str(err)}
                    print(json.dumps({'id': msg.get('id') if isinstance(msg, dict) else None, **answer}), flush=True)
                continue
            direction = down if fd == host_fd else up
            # Drain what is there (bounded, so the other side and timers are not starved).
            for _ in range(256):
                try:
                    pkt = os.read(fd, 65536)
                except BlockingIOError:
                    break
                direction.offer(pkt, now, cut)
        down.deliver_due(now, ns_fd)
        up.deliver_due(now, host_fd)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--netns', required=True)
    ap.add_argument('--host-dev', required=True)
    ap.add_argument('--ns-dev', required=True)
    args = ap.parse_args()

    host_fd = open_tun(args.host_dev)
    ns_fd = open_tun(args.ns_dev)

    created = False

    def cleanup(*_, code=0):
        # Closing the fds removes both TUN devices.
        os.close(host_fd)
        os.close(ns_fd)
        if created:
            subprocess.run(['ip', 'netns', 'del', args.netns], stderr=subprocess.DEVNULL)
        os._exit(code)

    # netem runs in the kernel, ahead of every process; a real-time priority gets close to that on
    # a loaded machine (the loop sleeps in select, and the kernel caps real-time tasks at 95% CPU).
    try:
        os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(10))
    except OSError:
        pass  # not permitted here: still correct, just less punctual under load
    signal.signal(signal.SIGTERM, cleanup)
    signal.signal(signal.SIGINT, cleanup)
    try:
        ip('netns', 'add', args.netns)  # fails if the name is taken: never touch another's namespace
        created = True
        host_addr, ns_addr = setup(args)
        print(json.dumps({'event': 'ready', 'hostAddress': host_addr, 'namespaceAddress': ns_addr}), flush=True)
        serve(host_fd, ns_fd)
    except subprocess.CalledProcessError as err:
        print(json.dumps({'event': 'error', 'message': f'{err}: {err.stderr.decode().strip()}'}), flush=True)
        cleanup(code=1)
    except Exception:  # whatever broke, the namespace must go
        traceback.print_exc()
        cleanup(code=1)
    cleanup()


if __name__ == '__main__':
    main()
