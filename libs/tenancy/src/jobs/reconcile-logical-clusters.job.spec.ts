import { describe, expect, it } from 'vitest';
import { jobFor } from './reconcile-logical-clusters.job';

describe('jobFor', () => {
  const regular = { quarantine: false };
  const quarantine = { quarantine: true };
  it('names the job that finishes each in-between status', () => {
    expect(jobFor({ status: 'PROVISIONING', quarantinedAt: null, cell: regular })).toBe('provision-logical-cluster');
    expect(jobFor({ status: 'DELETING', quarantinedAt: null, cell: regular })).toBe('delete-logical-cluster');
    expect(jobFor({ status: 'UPDATING', quarantinedAt: null, cell: regular })).toBe('resize-logical-cluster');
    expect(jobFor({ status: 'UPDATING', quarantinedAt: null, cell: quarantine })).toBe('quarantine-logical-cluster');
    expect(jobFor({ status: 'UPDATING', quarantinedAt: new Date(), cell: quarantine })).toBe('resize-logical-cluster');
  });
  it('leaves settled rows alone', () => {
    for (const status of ['READY', 'FAILED', 'DELETED']) expect(jobFor({ status, quarantinedAt: null, cell: regular })).toBeUndefined();
  });
});
