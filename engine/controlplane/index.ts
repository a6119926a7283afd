export { startControlPlane, type ControlPlane, type ControlPlaneOptions } from './control-plane.ts';
export { ensureBinaries, ensureKubectl, type ControlPlaneBinaries } from './binaries.ts';
