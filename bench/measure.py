"""Shared measuring helpers for the benchmarks: percentiles and a process's CPU and memory."""

import os
import statistics


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))]


def summary(values: list[float]) -> str:
    return (f"p50 {percentile(values, 50):.2f}  p95 {percentile(values, 95):.2f}  "
            f"max {max(values):.2f}  mean {statistics.fmean(values):.2f}")


class ProcessMeter:
    """CPU seconds (user + system) and resident memory of one process, from /proc."""

    def __init__(self, pid: int):
        self.pid = pid
        self._ticks = os.sysconf("SC_CLK_TCK")

    def cpu_seconds(self) -> float:
        with open(f"/proc/{self.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / self._ticks

    def _status_mb(self, field: str) -> float:
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
        return 0.0

    def rss_mb(self) -> float:
        return self._status_mb("VmRSS")

    def peak_rss_mb(self) -> float:
        return self._status_mb("VmHWM")

    def reset_peak(self) -> None:
        """Start a new peak-RSS window (Linux: writing 5 to clear_refs resets VmHWM to VmRSS)."""
        with open(f"/proc/{self.pid}/clear_refs", "w") as f:
            f.write("5")
