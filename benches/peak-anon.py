#!/usr/bin/env python3
"""Runs a command and samples /proc/PID/status every 5 ms; prints the peak anonymous
(heap) RSS and the peak total RSS. Anonymous memory is the process's own heap; file-backed
pages (the mapped pack files) are the rest. Usage: peak-anon.py CMD ARGS..."""
import subprocess, sys, time

p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
peak_anon = peak_rss = 0
while p.poll() is None:
    try:
        with open(f"/proc/{p.pid}/status") as f:
            for line in f:
                if line.startswith("RssAnon:"):
                    peak_anon = max(peak_anon, int(line.split()[1]))
                elif line.startswith("VmRSS:"):
                    peak_rss = max(peak_rss, int(line.split()[1]))
    except (FileNotFoundError, ProcessLookupError):
        break
    time.sleep(0.005)
print(f"peak heap (RssAnon) {peak_anon / 1024:.0f} MB, peak RSS {peak_rss / 1024:.0f} MB (sampled)")
sys.exit(p.returncode)
