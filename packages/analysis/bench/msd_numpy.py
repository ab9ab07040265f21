"""NumPy baseline for bench/msd.ts: the same FFT time-averaged MSD per window, written the direct
NumPy way (transpose to one contiguous row per coordinate, centre, zero-padded rfft along time in
blocks of 2048 coordinates, sum power spectra over coordinates, one irfft, prefix sums of row
norms). Of the layouts tried here (rfft along axis 0 in blocks of 1024 or all at once; contiguous
rows in blocks of 256, 512, 2048 or all) this was the fastest, 0.31-0.44 s per 1000 x 20000 window. Data: a float32 uniform-step random walk generated window by window;
only the MSD computation is timed (wall and CPU). Prints one JSON line.

usage: python3 msd_numpy.py ROWS_PER_WINDOW D WINDOWS
"""
import json
import resource
import sys
import time

import numpy as np

BLOCK = 2048  # coordinates per rfft batch: bounds the complex spectrum block (2048 x 1025 complex128)


def tamsd(window: np.ndarray) -> np.ndarray:
    n, d = window.shape
    m = 1 << (2 * n - 1).bit_length()
    x = np.ascontiguousarray(window.T, dtype=np.float64)
    x -= x.mean(axis=1, keepdims=True)
    power = np.zeros(m // 2 + 1)
    for j0 in range(0, d, BLOCK):
        spec = np.fft.rfft(x[j0 : j0 + BLOCK], n=m, axis=1)
        power += (spec.real**2 + spec.imag**2).sum(axis=0)
    corr = np.fft.irfft(power, n=m)[1:n]
    norms = (x * x).sum(axis=0)
    prefix = np.concatenate(([0.0], np.cumsum(norms)))
    lags = np.arange(1, n)
    return (prefix[n] - prefix[lags] + prefix[n - lags] - 2 * corr) / (n - lags)


def main() -> None:
    rows, d, windows = (int(a) for a in sys.argv[1:4])
    rng = np.random.default_rng(1)
    position = np.zeros(d, dtype=np.float64)
    msd_seconds = 0.0
    msd_cpu_seconds = 0.0
    checksum = 0.0
    for _ in range(windows):
        steps = rng.random((rows, d), dtype=np.float32) - np.float32(0.5)
        window = (np.cumsum(steps, axis=0, dtype=np.float64) + position).astype(np.float32)
        position = window[-1].astype(np.float64)
        t = time.perf_counter()
        cpu = time.process_time()
        msd = tamsd(window)
        msd_seconds += time.perf_counter() - t
        msd_cpu_seconds += time.process_time() - cpu
        checksum += float(msd[0])
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"msd_seconds": msd_seconds, "msd_cpu_seconds": msd_cpu_seconds, "peak_rss_mb": peak_kb / 1024, "msd1_mean": checksum / windows}))


if __name__ == "__main__":
    main()
