export { startControlPlane, type ControlPlane, type ControlPlaneOptions } from './control-plane.ts';
export { ensureBinaries, type ControlPlaneBinaries } from './binaries.ts';
