import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_HEALTH_CONFIG } from './config';
import { MITIGATION_FOR, TRANSITIONS } from './transitions';
import { HEALTH_STATES } from './types';

/** The README's tables are documentation operators read; these specs keep them equal to the code. */
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** Data rows of the first markdown table after `heading`, as trimmed cells. */
function tableAfter(heading: string): string[][] {
  const lines = readme.split('\n');
  const start = lines.findIndex((l) => l.trim() === heading);
  expect(start, `README has a "${heading}" heading`).toBeGreaterThanOrEqual(0);
  const rows: string[][] = [];
  let inTable = false;
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith('|')) {
      inTable = true;
      rows.push(line.split('|').slice(1, -1).map((c) => c.trim()));
    } else if (inTable) break;
  }
  return rows.slice(2); // header and separator
}

const key = (from: string, rule: string, to: string, mitigation: string) => `${from} --${rule}--> ${to} [${mitigation}]`;

describe('README.md matches the code', () => {
  it('the transition table lists exactly the transitions of TRANSITIONS', () => {
    const documented = tableAfter('### Transitions').flatMap(([from, input, to, mitigation]) => {
      const rule = /`([a-z-]+)`/.exec(input!)?.[1];
      expect(rule, `rule id in "${input}"`).toBeDefined();
      return from!.split(',').map((f) => key(f.trim(), rule!, to!, mitigation!));
    });
    const coded = TRANSITIONS.flatMap((t) => t.from.map((f) => key(f, t.rule, t.to, t.mitigation)));
    expect([...documented].sort()).toEqual([...coded].sort());
    expect(new Set(documented).size).toBe(documented.length);
  });

  it('the strategy table lists MITIGATION_FOR for every state', () => {
    const documented = Object.fromEntries(tableAfter('## State machine — `step`').map(([state, strategy]) => [state, strategy!.split(' ')[0]]));
    expect(documented).toEqual(MITIGATION_FOR);
    expect(Object.keys(documented).sort()).toEqual([...HEALTH_STATES].sort());
  });

  it('the state machine defaults table shows DEFAULT_HEALTH_CONFIG', () => {
    const rows = Object.fromEntries(tableAfter('Defaults (`DEFAULT_HEALTH_CONFIG`), for rounds every 3 s:').map(([s, d]) => [s, d]));
    const c = DEFAULT_HEALTH_CONFIG;
    const n = (v: number) => v.toLocaleString('en').replace(/,/g, ' ');
    expect(rows).toMatchObject({
      '`slow` suspectAt / actAt': `${c.slow.suspectAt} / ${c.slow.actAt}`,
      '`unreachable` suspectAt / actAt': `${c.unreachable.suspectAt} / ${c.unreachable.actAt}`,
      '`storageStalled` suspectAt / actAt': `${c.storageStalled.suspectAt} / ${c.storageStalled.actAt}`,
      '`maxScore`': `${c.maxScore}`,
      '`cleanRoundsToRecover`': `${c.cleanRoundsToRecover}`,
      '`recoveryCoolDownMs`': n(c.recoveryCoolDownMs),
      '`unreachableDrainAfterMs`': n(c.unreachableDrainAfterMs),
      '`historySize`': `${c.historySize}`,
    });
  });
});
