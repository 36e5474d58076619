/**
 * A minimal WebAssembly assembler shared by the hand-written kernel modules (serving-wasm.ts,
 * workers/als-wasm.ts): LEB128 and constant encodings, an instruction emitter for one function body,
 * module assembly (types, functions, memory, exports, code) and compilation with a null fallback.
 * Nothing here knows about any kernel; the modules subclass {@link Code} for their own instructions.
 */

/** Value types. */
export const I32 = 0x7f;
export const F64 = 0x7c;
export const V128 = 0x7b;

/** Unsigned LEB128. */
export function uleb(v: number): number[] {
  const out: number[] = [];
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
  return out;
}

/** Signed LEB128 (32-bit values). */
export function sleb(v: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

/** Little-endian IEEE-754 bytes of a float64 constant. */
export function f64Bytes(v: number): number[] {
  return Array.from(new Uint8Array(new Float64Array([v]).buffer));
}

/** Instruction emitter for one function body (locals by index, i32 control flow). */
export class Code {
  readonly bytes: number[] = [];
  get(i: number): this {
    return this.op(0x20, ...uleb(i));
  }
  set(i: number): this {
    return this.op(0x21, ...uleb(i));
  }
  tee(i: number): this {
    return this.op(0x22, ...uleb(i));
  }
  i32(v: number): this {
    return this.op(0x41, ...sleb(v));
  }
  op(...b: number[]): this {
    this.bytes.push(...b);
    return this;
  }
  /** i32.add of local a and local b, left on the stack. */
  add(a: number, b: number): this {
    return this.get(a).get(b).op(0x6a);
  }
  /** local += by. */
  inc(local: number, by: number): this {
    return this.get(local).i32(by).op(0x6a).set(local);
  }
  /** `block; loop; <exit test: i32 on stack → leave when nonzero>; body; br 0; end; end`. */
  whileLoop(exitWhen: (c: this) => void, body: (c: this) => void): this {
    this.op(0x02, 0x40, 0x03, 0x40);
    exitWhen(this);
    this.op(0x0d, 1);
    body(this);
    return this.op(0x0c, 0, 0x0b, 0x0b);
  }
  /** `loop; body; <continue test: i32 on stack>; br_if 0; end` (body runs at least once). */
  doWhile(body: (c: this) => void, continueWhen: (c: this) => void): this {
    this.op(0x03, 0x40);
    body(this);
    continueWhen(this);
    return this.op(0x0d, 0, 0x0b);
  }
}

/** The shared emitter plus the SIMD (0xfd-prefixed) instructions. */
export class SimdCode extends Code {
  /** SIMD prefix op with an optional memarg (align 3 = 8-byte hint, offset). */
  simd(opcode: number, memOffset?: number): this {
    this.op(0xfd, ...uleb(opcode));
    return memOffset === undefined ? this : this.op(3, ...uleb(memOffset));
  }
  /** v128 zero. */
  zero(): this {
    return this.op(0xfd, 0x0c, ...new Array<number>(16).fill(0));
  }
}

// SIMD opcodes (after the 0xfd prefix).
export const V_LOAD = 0x00;
export const V_STORE = 0x0b;
export const F64X2_SPLAT = 0x14;
export const F64X2_EXTRACT = 0x21;
export const F64X2_ADD = 0xf0;
export const F64X2_MUL = 0xf2;
export const F64X2_NEG = 0xed;
export const F64X2_SUB = 0xf1;

/** One function of a module: `params` i32 parameters, then `locals` (value types), returning `results`. */
export interface WasmFunction {
  name: string;
  params: number;
  locals: number[];
  code: Code;
  /** Result value types; none when absent. */
  results?: number[];
}

function section(id: number, payload: number[]): number[] {
  return [id, ...uleb(payload.length), ...payload];
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function nameBytes(s: string): number[] {
  const b = Array.from(new TextEncoder().encode(s));
  return [...uleb(b.length), ...b];
}

/**
 * The module's bytes: function i is `fns[i]`, exported under its name, with its own type. One linear
 * memory of at least one page, no maximum: `'import'` takes it as env.memory, `'export'` defines it
 * and exports it as "memory" (ahead of the functions).
 */
export function assembleModule(fns: WasmFunction[], memory: 'import' | 'export'): Uint8Array<ArrayBuffer> {
  const types = fns.map((f) => {
    const results = f.results ?? [];
    return [0x60, ...uleb(f.params), ...new Array<number>(f.params).fill(I32), ...uleb(results.length), ...results];
  });
  const funcs = fns.map((_, i) => uleb(i));
  const fnExports = fns.map((f, i) => [...nameBytes(f.name), 0x00, ...uleb(i)]);
  const bodies = fns.map((f) => {
    // Run-length local declarations.
    const groups: number[][] = [];
    for (const t of f.locals) {
      const last = groups[groups.length - 1];
      if (last && last[1] === t) last[0]++;
      else groups.push([1, t]);
    }
    const inner = [...vec(groups.map(([n, t]) => [...uleb(n), t])), ...f.code.bytes, 0x0b];
    return [...uleb(inner.length), ...inner];
  });
  const limits = [0x00, ...uleb(1)]; // min 1 page, no max
  const memorySections =
    memory === 'import'
      ? {
          imports: section(2, vec([[...nameBytes('env'), ...nameBytes('memory'), 0x02, ...limits]])),
          memories: [],
          exports: fnExports,
        }
      : {
          imports: [],
          memories: section(5, vec([limits])),
          exports: [[...nameBytes('memory'), 0x02, 0], ...fnExports],
        };
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, vec(types)),
    ...memorySections.imports,
    ...section(3, vec(funcs)),
    ...memorySections.memories,
    ...section(7, vec(memorySections.exports)),
    ...section(10, vec(bodies)),
  ]);
}

/** The compiled module, or null when this runtime has no WebAssembly or rejects the bytes (e.g. no SIMD). */
export function compileModule(bytes: Uint8Array<ArrayBuffer>): WebAssembly.Module | null {
  return typeof WebAssembly !== 'undefined' && WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
}

/** Grows `memory` to at least `bytes`. Views on the memory must be re-created afterwards. */
export function ensureMemoryBytes(memory: WebAssembly.Memory, bytes: number): void {
  const have = memory.buffer.byteLength;
  if (bytes > have) memory.grow(Math.ceil((bytes - have) / 65536));
}
