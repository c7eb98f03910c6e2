/** A small least-recently-used map: the API's caches stay bounded however many ids are asked for. */
export class Lru<K, V> {
  readonly #values = new Map<K, V>();

  constructor(private readonly capacity: number) {}

  get(key: K): V | undefined {
    const value = this.#values.get(key);
    if (value !== undefined) {
      this.#values.delete(key);
      this.#values.set(key, value);
    }
    return value;
  }

  set(key: K, value: V): void {
    this.#values.delete(key);
    this.#values.set(key, value);
    if (this.#values.size > this.capacity) this.#values.delete(this.#values.keys().next().value as K);
  }

  delete(key: K): void {
    this.#values.delete(key);
  }
}
