// Started by lifecycle.test.ts as a separate process: starts a control plane, prints its
// pids and dir as JSON, then waits to be killed.
import { startControlPlane } from '../../../engine/controlplane/index.ts';

const cp = await startControlPlane();
process.stdout.write(`${JSON.stringify({ pids: cp.pids, dir: cp.dir })}\n`);
setInterval(() => {}, 1000);
