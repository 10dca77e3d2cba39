import { assertNodeVersion } from '@cellar/common';

assertNodeVersion();
// Loaded after the version check, so an old Node gets one clear line rather than a stack trace.
const { runTenancyWorker } = await import('./tenancy-worker');
await runTenancyWorker(process.env);
