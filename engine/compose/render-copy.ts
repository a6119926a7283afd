/**
 * Deep copies of render inputs (observed objects, programs), so a render never shares objects with its
 * caller. The same result as `structuredClone` for the data render gets (plain objects, lists and
 * primitives, shared references and cycles kept), several times faster: `structuredClone` serialises and
 * deserialises, and a render copies every observed object. Anything else (a `Date`, a `Map`, a class
 * instance, a list with holes) is left to `structuredClone`. Unlike it, extra non-index properties of a
 * list are not copied (JSON has none).
 */
export function copyData<T>(value: T): T {
  return copy(value, new Map()) as T;
}

function copy(value: unknown, seen: Map<object, unknown>): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const known = seen.get(value);
  if (known !== undefined) return known;
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) return clone(value, seen);
    const out: unknown[] = [];
    seen.set(value, out);
    for (let i = 0; i < value.length; i++) {
      // A hole (never in JSON): leave the whole list to structuredClone, which keeps holes.
      if (!(i in value)) {
        seen.delete(value);
        return clone(value, seen);
      }
      out.push(copy(value[i], seen));
    }
    return out;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return clone(value, seen);
  const out: Record<string, unknown> = {};
  seen.set(value, out);
  for (const key of Object.keys(value)) {
    const item = copy((value as Record<string, unknown>)[key], seen);
    if (key in Object.prototype) {
      Object.defineProperty(out, key, { value: item, enumerable: true, writable: true, configurable: true });
    } else {
      out[key] = item;
    }
  }
  return out;
}

function clone(value: object, seen: Map<object, unknown>): unknown {
  const out = structuredClone(value);
  seen.set(value, out);
  return out;
}
