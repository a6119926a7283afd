export {
  startControlPlane,
  type ApiserverRestartOptions,
  type ControlPlane,
  type ControlPlaneOptions,
  type RestartOptions,
} from './control-plane.ts';
export { ensureBinaries, ensureKubectl, type ControlPlaneBinaries } from './binaries.ts';
