import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ewma, updateEwma } from './ewma';

describe('ewma', () => {
  it('weighs the old value by half after one half-life, a quarter after two', () => {
    expect(ewma(100, 0, 60_000, 60_000)).toBeCloseTo(50, 9);
    expect(ewma(100, 0, 120_000, 60_000)).toBeCloseTo(25, 9);
  });

  it('is time-aware: two samples dt/2 apart move it as far as one sample dt later', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.integer({ min: 1, max: 3_600_000 }), fc.integer({ min: 1, max: 3_600_000 }), (prev, sample, dt, halfLife) => {
        const twice = ewma(ewma(prev, sample, dt / 2, halfLife), sample, dt / 2, halfLife);
        expect(twice).toBeCloseTo(ewma(prev, sample, dt, halfLife), 6);
      }),
    );
  });

  it('stays between the previous value and the sample', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e9, noNaN: true }), fc.double({ min: 0, max: 1e9, noNaN: true }), fc.integer({ min: 0, max: 1e7 }), fc.integer({ min: 1, max: 1e7 }), (prev, sample, dt, halfLife) => {
        const value = ewma(prev, sample, dt, halfLife);
        expect(value).toBeGreaterThanOrEqual(Math.min(prev, sample) - 1e-6);
        expect(value).toBeLessThanOrEqual(Math.max(prev, sample) + 1e-6);
      }),
    );
  });

  it('starts at the first sample, ignores a duplicate (dt <= 0) and does not smooth with half-life 0', () => {
    expect(ewma(undefined, 42, 1000, 60_000)).toBe(42);
    expect(ewma(Number.NaN, 42, 1000, 60_000)).toBe(42);
    expect(ewma(10, 42, 0, 60_000)).toBe(10);
    expect(ewma(10, 42, 1000, 0)).toBe(42);
  });

  it('updateEwma keeps {value, at} and ignores samples that are not newer', () => {
    const first = updateEwma(undefined, 80, 1_000, 60_000);
    expect(first).toEqual({ value: 80, at: 1_000 });
    const second = updateEwma(first, 0, 61_000, 60_000);
    expect(second).toEqual({ value: 40, at: 61_000 });
    expect(updateEwma(second, 1000, 61_000, 60_000)).toBe(second);
    expect(updateEwma(second, 1000, 30_000, 60_000)).toBe(second);
  });
});
