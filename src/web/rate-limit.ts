/**
 * Counts attempts per key in memory only (addresses of the public are never stored), in fixed
 * windows. Each process counts on its own; behind several processes the limit multiplies, which
 * still stops floods and guessing at any useful speed.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  /**
   * `now` and `wait` are the clock and the pause of slowDown(); tests pass their own, so that a
   * window can end without waiting for it and a slow-down is recorded instead of slept.
   */
  constructor(
    private readonly now: () => number = Date.now,
    private readonly wait: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ) {}

  /** Holds an answer back for `ms` (a slowed-down login). */
  holdBack(ms: number): Promise<void> {
    return this.wait(ms);
  }

  /** Records one attempt and answers whether it is within the limit. */
  attempt(key: string, limit: number, windowMs: number): boolean {
    const now = this.now();
    if (this.windows.size > 50_000) this.sweep(now);
    const current = this.windows.get(key);
    if (!current || current.resetAt <= now) {
      this.windows.set(key, { count: 1, resetAt: now + windowMs });
      return true;
    }
    current.count += 1;
    return current.count <= limit;
  }

  /** Records one event and answers how many the key has seen in its current window. */
  count(key: string, windowMs: number): number {
    this.attempt(key, Number.POSITIVE_INFINITY, windowMs);
    return this.windows.get(key)!.count;
  }

  /** Whether a key has used up its limit in the current window, without counting an attempt. */
  exhausted(key: string, limit: number): boolean {
    const current = this.windows.get(key);
    return current !== undefined && current.resetAt > this.now() && current.count >= limit;
  }

  /** Takes back one attempt of the current window: one that turned out to be no failure. */
  refund(key: string): void {
    const current = this.windows.get(key);
    if (current && current.resetAt > this.now() && current.count > 0) current.count -= 1;
  }

  private sweep(now: number) {
    for (const [key, window] of this.windows) if (window.resetAt <= now) this.windows.delete(key);
  }
}
