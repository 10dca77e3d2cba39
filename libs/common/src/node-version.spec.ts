import { describe, expect, it } from 'vitest';
import { nodeVersionProblem } from './node-version';

describe('nodeVersionProblem', () => {
  it('accepts 22.12 and newer', () => {
    expect(nodeVersionProblem('22.12.0')).toBeUndefined();
    expect(nodeVersionProblem('24.21.0')).toBeUndefined();
  });
  it('names the version it refuses', () => {
    expect(nodeVersionProblem('20.20.2')).toMatch(/needs Node.js 22.12 or newer, but this is 20.20.2/);
    expect(nodeVersionProblem('22.11.0')).toMatch(/22.11.0/);
  });
});
