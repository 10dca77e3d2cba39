import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { median, medianAbsoluteDeviation, pushBounded, robustZScore } from './stats';

describe('robust statistics', () => {
  it('median of odd and even samples, null when empty', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
  });

  it('MAD ignores one wild value', () => {
    expect(medianAbsoluteDeviation([10, 11, 9, 10, 1000])).toBe(1);
  });

  it('z-score floors the spread so identical peers do not give infinity', () => {
    expect(robustZScore(12, 10, 0, 1)).toBe(2);
  });

  it('the ring buffer keeps the most recent values, oldest first, never more than its capacity', () => {
    fc.assert(
      fc.property(fc.array(fc.integer(), { maxLength: 50 }), fc.integer({ min: 1, max: 10 }), (values, capacity) => {
        let buffer: number[] = [];
        for (const v of values) buffer = pushBounded(buffer, v, capacity);
        expect(buffer).toEqual(values.slice(Math.max(0, values.length - capacity)));
      }),
    );
  });
});
