import type { CkuProfile } from '@cellar/ckus';
import type { PrismaClient, SecretKey } from '@cellar/db';
import type { DetectorJobs } from '@cellar/detector';
import type { KafkaAdminRegistry, TenancyJobs } from '@cellar/tenancy';

/**
 * What the tenant and fleet routes need from outside. server.ts builds the real ones;
 * integration specs build the same against the test stack.
 */
export interface TenancyDeps {
  prisma: PrismaClient;
  kafkaAdmins: KafkaAdminRegistry;
  jobs: TenancyJobs;
  secretKey: SecretKey;
  ckuProfile: CkuProfile;
  /** The degradation detector's queue: operator overrides (demote, drain, restore) go there. */
  detectorJobs: DetectorJobs;
}
