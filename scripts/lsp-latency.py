#!/usr/bin/env python3
"""Latency of `answerlint server`: didChange of one sentence -> diagnostics published.

Speaks LSP over the server's stdio like an editor: opens a script of about 2 KB (built
from examples/zh-weak.md and examples/en-weak.md), then N times replaces one sentence
with a new one (a new figure each time, so the model has to embed it) and measures the
time from sending didChange to receiving publishDiagnostics for that version. The
server's debounce is set to 0 (debounceMs) so that the numbers are the server's work;
an editor's change waits 150 ms more by default.

    scripts/lsp-latency.py [--bin target/release/answerlint] [--runs 60] [--no-model] [--docs 20]

Prints median and p95 in milliseconds, after --warmup changes that are not counted, and
the server's resident memory (VmRSS, Linux) with --docs copies of the script open.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def send(p, msg):
    body = json.dumps(msg).encode()
    p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    p.stdin.flush()


def read(p):
    length = None
    while True:
        line = p.stdout.readline()
        if not line:
            raise SystemExit("server closed its output")
        line = line.strip()
        if not line:
            break
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    return json.loads(p.stdout.read(length))


def wait(p, pred):
    while True:
        m = read(p)
        if pred(m):
            return m


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(ROOT, "target/release/answerlint"))
    ap.add_argument("--runs", type=int, default=60)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--no-model", action="store_true")
    ap.add_argument("--docs", type=int, default=20, help="documents open at the end")
    a = ap.parse_args()

    base = ""
    for name in ("zh-weak.md", "en-weak.md"):
        with open(os.path.join(ROOT, "examples", name), encoding="utf-8") as f:
            base += f.read() + "\n"
    marker = "我们的退货率只有1.2%。"
    text = base + "\n" + marker + "\n"
    uri = "file://" + os.path.join(ROOT, "target", "latency.md")

    env = dict(os.environ)
    env.pop("ANSWERLINT_NO_MODEL", None)
    p = subprocess.Popen([a.bin, "server"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
    opts = {"debounceMs": 0, "noModel": a.no_model, "device": "cpu"}
    send(p, {"jsonrpc": "2.0", "id": 1, "method": "initialize",
             "params": {"processId": None, "rootUri": None, "capabilities": {},
                        "initializationOptions": opts}})
    wait(p, lambda m: m.get("id") == 1)
    send(p, {"jsonrpc": "2.0", "method": "initialized", "params": {}})
    start = time.perf_counter()
    send(p, {"jsonrpc": "2.0", "method": "textDocument/didOpen",
             "params": {"textDocument": {"uri": uri, "languageId": "markdown", "version": 1,
                                         "text": text}}})
    wait(p, lambda m: m.get("method") == "textDocument/publishDiagnostics")
    first = (time.perf_counter() - start) * 1000
    if not a.no_model:
        wait(p, lambda m: m.get("method") == "window/logMessage"
             and m["params"]["message"] == "sentence model loaded")
        wait(p, lambda m: m.get("method") == "textDocument/publishDiagnostics")
    lines = text.split("\n")
    line = lines.index(marker)
    times = []
    for i in range(a.warmup + a.runs):
        new = "我们的退货率只有%d.%d%%，一般%d天左右补发。" % (i % 9 + 1, i % 10, i % 7 + 2)
        version = i + 2
        send(p, {"jsonrpc": "2.0", "method": "textDocument/didChange",
                 "params": {"textDocument": {"uri": uri, "version": version},
                            "contentChanges": [{"range": {
                                "start": {"line": line, "character": 0},
                                "end": {"line": line, "character": len(marker.encode("utf-16-le")) // 2}},
                                "text": new}]}})
        t = time.perf_counter()
        wait(p, lambda m: m.get("method") == "textDocument/publishDiagnostics"
             and m["params"].get("version") == version)
        if i >= a.warmup:
            times.append((time.perf_counter() - t) * 1000)
        marker = new
    # More open documents (copies under other names), each linted, for the memory figure.
    for k in range(1, a.docs):
        other = uri.replace("latency.md", "latency-%d.md" % k)
        send(p, {"jsonrpc": "2.0", "method": "textDocument/didOpen",
                 "params": {"textDocument": {"uri": other, "languageId": "markdown",
                                             "version": 1, "text": text.replace("1.2%", "%d.5%%" % k)}}})
        wait(p, lambda m: m.get("method") == "textDocument/publishDiagnostics"
             and m["params"]["uri"] == other)
    rss = "?"
    try:
        with open("/proc/%d/status" % p.pid) as f:
            for l in f:
                if l.startswith("VmRSS:"):
                    rss = "%.0f MB" % (int(l.split()[1]) / 1024)
    except OSError:
        pass
    send(p, {"jsonrpc": "2.0", "id": 2, "method": "shutdown"})
    wait(p, lambda m: m.get("id") == 2)
    send(p, {"jsonrpc": "2.0", "method": "exit"})
    code = p.wait()
    times.sort()
    p95 = times[min(len(times) - 1, int(round(0.95 * len(times))) - 1)]
    print("%s: %d-byte script, %d changes: didChange -> diagnostics median %.1f ms, "
          "p95 %.1f ms, max %.1f ms (first lint after open %.1f ms); RSS with %d documents "
          "open: %s; exit code %d"
          % ("no model" if a.no_model else "model (cpu)", len(text.encode()), len(times),
             statistics.median(times), p95, times[-1], first, max(a.docs, 1), rss, code))


if __name__ == "__main__":
    sys.exit(main())
