export { COMPOSITION_FILE, readPack } from './read-pack.ts';
export type { Pack } from './read-pack.ts';
export { toCompositionObject } from './to-composition-object.ts';
