import { objectKey, type KubeObject } from './types.ts';

/** Index function: the index values of an object (e.g. its owner's name, a label value). */
export type IndexFunc<T> = (obj: T) => readonly string[];

/** What consumers of an informer may do with its cache. Objects are shared: never mutate them. */
export interface ReadonlyStore<T extends KubeObject = KubeObject> {
  readonly size: number;
  /** By `namespace/name` (or `name` for cluster-scoped objects). */
  get(key: string): T | undefined;
  getByName(namespace: string | undefined, name: string): T | undefined;
  /** Every object, or those of one namespace. */
  list(namespace?: string): T[];
  keys(): IterableIterator<string>;
  /** Objects whose index function returned `value`. */
  byIndex(index: string, value: string): T[];
  /** Adds an index (built over the current contents at once). */
  addIndex(name: string, fn: IndexFunc<T>): void;
}

/** In-memory cache keyed `namespace/name`, with secondary indexes kept in step on every change. */
export class Store<T extends KubeObject = KubeObject> implements ReadonlyStore<T> {
  private readonly items = new Map<string, T>();
  private readonly indexers = new Map<string, IndexFunc<T>>();
  /** index name -> value -> keys */
  private readonly indices = new Map<string, Map<string, Set<string>>>();

  get size(): number {
    return this.items.size;
  }

  get(key: string): T | undefined {
    return this.items.get(key);
  }

  getByName(namespace: string | undefined, name: string): T | undefined {
    return this.items.get(namespace ? `${namespace}/${name}` : name);
  }

  list(namespace?: string): T[] {
    const out: T[] = [];
    for (const obj of this.items.values()) {
      if (namespace === undefined || obj.metadata.namespace === namespace) out.push(obj);
    }
    return out;
  }

  keys(): IterableIterator<string> {
    return this.items.keys();
  }

  byIndex(index: string, value: string): T[] {
    const idx = this.indices.get(index);
    if (!idx) throw new Error(`store has no index "${index}"`);
    const keys = idx.get(value);
    if (!keys) return [];
    const out: T[] = [];
    for (const k of keys) {
      const obj = this.items.get(k);
      if (obj) out.push(obj);
    }
    return out;
  }

  addIndex(name: string, fn: IndexFunc<T>): void {
    if (this.indexers.has(name)) throw new Error(`store already has index "${name}"`);
    this.indexers.set(name, fn);
    this.indices.set(name, new Map());
    for (const [key, obj] of this.items) this.indexOne(name, fn, key, obj);
  }

  /** Inserts or replaces; returns the previous object. */
  upsert(obj: T): T | undefined {
    const key = objectKey(obj);
    const old = this.items.get(key);
    if (old) this.unindex(key, old);
    this.items.set(key, obj);
    for (const [name, fn] of this.indexers) this.indexOne(name, fn, key, obj);
    return old;
  }

  /** Removes by key; returns the removed object. */
  remove(key: string): T | undefined {
    const old = this.items.get(key);
    if (!old) return undefined;
    this.unindex(key, old);
    this.items.delete(key);
    return old;
  }

  private indexOne(name: string, fn: IndexFunc<T>, key: string, obj: T): void {
    const idx = this.indices.get(name);
    if (!idx) return;
    for (const value of fn(obj)) {
      let keys = idx.get(value);
      if (!keys) idx.set(value, (keys = new Set()));
      keys.add(key);
    }
  }

  private unindex(key: string, obj: T): void {
    for (const [name, fn] of this.indexers) {
      const idx = this.indices.get(name);
      if (!idx) continue;
      for (const value of fn(obj)) {
        const keys = idx.get(value);
        if (!keys) continue;
        keys.delete(key);
        if (keys.size === 0) idx.delete(value);
      }
    }
  }
}
