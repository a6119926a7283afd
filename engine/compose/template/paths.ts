/** Any item of a list / any value of a map, in static paths read inside `{{#each}}`. */
export const ANY_ITEM = '[]';
export const ANY_VALUE = '{}';

const IDENTIFIER = /^[A-Za-z_$][\w$-]*$/;

/**
 * Renders a data path for messages: `claim.spec.apps[2].name`, `claim.spec.apps[*].name`,
 * `metadata.labels["app.kubernetes.io/name"]`.
 */
export function formatPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number' || /^\d+$/.test(segment)) {
      out += `[${segment}]`;
    } else if (segment === ANY_ITEM || segment === ANY_VALUE) {
      out += '[*]';
    } else if (IDENTIFIER.test(segment)) {
      out += out === '' ? segment : `.${segment}`;
    } else {
      out += `[${JSON.stringify(segment)}]`;
    }
  }
  return out;
}
