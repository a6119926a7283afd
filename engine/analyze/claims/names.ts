/** Claim names: DNS-1123 labels, capped where a pack caps them, stable for the same input. */
import { dnsLabel } from '../analyze.ts';

/** `s` as a DNS label of at most `max` characters (no trailing `-` after cutting). */
export function dnsName(s: string, max = 63): string {
  return dnsLabel(s).slice(0, max).replace(/-+$/, '') || 'app';
}

/** App names are capped so the names the App pack derives (`<app>-deployment`, `<app>-build`) stay valid. */
export const APP_NAME_MAX = 40;
