import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { coalesced } from '../../../src/shared/coalesced.ts';

describe('coalesced: how library.changed is paced (the job thread announcing, the views reloading)', () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());

  it('answers an event on its own at once (the last one of a job comes with its summary)', () => {
    const runs: number[] = [];
    const r = coalesced(() => runs.push(Date.now()), 250);
    r.trigger();
    expect(runs).toEqual([1_000_000]);
    vi.advanceTimersByTime(5000);
    r.trigger();
    expect(runs).toEqual([1_000_000, 1_005_000]);
  });

  it('runs a burst at most once per window, and once more after its last event', () => {
    const runs: number[] = [];
    const r = coalesced(() => runs.push(Date.now() - 1_000_000), 250);
    // an event every 100 ms for a second
    for (let t = 0; t <= 1000; t += 100) {
      r.trigger();
      vi.advanceTimersByTime(100);
    }
    vi.advanceTimersByTime(1000);
    // the event at 1,000 came just after the run at 1,000: one more run, a window later
    expect(runs).toEqual([0, 250, 500, 750, 1000, 1250]);
    // nothing runs without an event
    vi.advanceTimersByTime(5000);
    expect(runs).toHaveLength(6);
  });

  it('runs nothing more once cancelled (the view went away)', () => {
    let n = 0;
    const r = coalesced(() => n++, 250);
    r.trigger();
    r.trigger();
    r.cancel();
    vi.advanceTimersByTime(1000);
    expect(n).toBe(1);
  });
});
