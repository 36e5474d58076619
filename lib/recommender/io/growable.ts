/** Append-only typed arrays that double their capacity, so loaders never keep a JS value per row. */
type TypedCtor<T> = { new (n: number): T };

class Growable<T extends Int32Array | Float32Array | Float64Array> {
  private buf: T;
  length = 0;
  constructor(
    private readonly ctor: TypedCtor<T>,
    capacity = 1024,
  ) {
    this.buf = new ctor(Math.max(16, capacity));
  }
  push(v: number): void {
    if (this.length === this.buf.length) {
      const next = new this.ctor(this.buf.length * 2);
      (next as Int32Array).set(this.buf as unknown as Int32Array);
      this.buf = next;
    }
    this.buf[this.length++] = v;
  }
  /** A right-sized copy of the contents. */
  toArray(): T {
    return this.buf.slice(0, this.length) as T;
  }
}

export class GrowableInt32 extends Growable<Int32Array> {
  constructor(capacity?: number) {
    super(Int32Array, capacity);
  }
}
export class GrowableFloat32 extends Growable<Float32Array> {
  constructor(capacity?: number) {
    super(Float32Array, capacity);
  }
}
export class GrowableFloat64 extends Growable<Float64Array> {
  constructor(capacity?: number) {
    super(Float64Array, capacity);
  }
}
