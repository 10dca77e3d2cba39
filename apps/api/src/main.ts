import { assertNodeVersion } from '@cellar/common';

assertNodeVersion();
// Loaded after the version check, so an old Node gets one clear line rather than a stack trace.
const { runServer } = await import('./server');
await runServer(process.env);
