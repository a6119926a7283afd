import { stopSharedControlPlane } from './cluster.ts';

/** Mocha root hooks: stop the shared control plane once every suite has run. */
export async function mochaGlobalTeardown(): Promise<void> {
  await stopSharedControlPlane();
}
