#!/usr/bin/env python3
"""N requests of ~2 KB at once against `answerlint serve`: statuses, latency percentiles.

Usage: scripts/serve-load.py PORT [N] [model|nomodel] [fresh|repeat]

Texts are answer lines from examples/ drawn with a fixed seed until 2 KB; with `fresh`
(the default) every figure is replaced by a random one, so that the model sees sentences
it has not embedded before. Run the server first (`answerlint serve --port PORT`) and read
its peak memory from /proc/PID/status (VmHWM) after the run.
"""
import glob
import http.client
import json
import random
import re
import sys
import threading
import time

port = int(sys.argv[1])
n = int(sys.argv[2]) if len(sys.argv) > 2 else 50
model = (sys.argv[3] if len(sys.argv) > 3 else "model") == "model"
fresh = (sys.argv[4] if len(sys.argv) > 4 else "fresh") == "fresh"

lines = []
for f in sorted(glob.glob("examples/*.md")):
    text = open(f, encoding="utf-8").read()
    lines += [l for l in text.splitlines() if l.strip() and not l.startswith("#")]
rng = random.Random(7)
texts = []
for i in range(n):
    body = "## 问题%d：买家投诉商品破损，怎么处理？\n\n" % i
    while len(body.encode()) < 2048:
        line = rng.choice(lines)
        if fresh:
            line = re.sub(r"[0-9]+", lambda m: str(rng.randint(2, 999)), line)
        body += line + "\n"
    texts.append(body)


def post(text, out, i):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    start = time.perf_counter()
    body = json.dumps({"text": text, "no_model": not model})
    c.request("POST", "/api/check", body, {"Content-Type": "application/json"})
    r = c.getresponse()
    r.read()
    out[i] = (r.status, time.perf_counter() - start)


out = [None] * n
threads = [threading.Thread(target=post, args=(texts[i], out, i)) for i in range(n)]
t0 = time.perf_counter()
for t in threads:
    t.start()
for t in threads:
    t.join()
wall = time.perf_counter() - t0
lat = sorted(o[1] for o in out)
print("answered %d of %d, statuses %s" % (sum(o[0] == 200 for o in out), n, sorted({o[0] for o in out})))
print("wall %.2f s, p50 %.0f ms, p95 %.0f ms, max %.0f ms" % (
    wall, 1000 * lat[n // 2], 1000 * lat[max(0, -(-n * 95 // 100) - 1)], 1000 * lat[-1]))
