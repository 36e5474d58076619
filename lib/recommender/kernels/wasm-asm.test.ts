import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { servingWasmBytes } from './serving-wasm';
import { sleb, uleb } from '../core/wasm-asm';
import { alsWasmBytes } from './als-wasm';

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

describe('WebAssembly assembler', () => {
  it('encodes LEB128 at the byte boundaries', () => {
    expect(uleb(0)).toEqual([0]);
    expect(uleb(127)).toEqual([0x7f]);
    expect(uleb(128)).toEqual([0x80, 0x01]);
    expect(uleb(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(sleb(63)).toEqual([0x3f]);
    expect(sleb(64)).toEqual([0xc0, 0x00]);
    expect(sleb(-1)).toEqual([0x7f]);
    expect(sleb(-64)).toEqual([0x40]);
    expect(sleb(-65)).toEqual([0xbf, 0x7f]);
    expect(sleb(-123456)).toEqual([0xc0, 0xbb, 0x78]);
  });

  // Hashes of the modules as assembled before the shared assembler existed (f0d2b7b; the ALS module since cgRow's
  // `flat` parameter, #25): a kernel change must update them on purpose, a refactor of the assembler must not.
  it('assembles the serving kernels byte for byte as before', () => {
    const bytes = servingWasmBytes();
    expect(bytes.length).toBe(1612);
    expect(sha256(bytes)).toBe('ee265829b4ff30e1c003758aff452427777150f6cb8599211c7416462e22fadc');
    expect(WebAssembly.validate(bytes)).toBe(true);
  });

  it('assembles the ALS SIMD kernels byte for byte as before', () => {
    const bytes = alsWasmBytes();
    expect(bytes.length).toBe(3168);
    expect(sha256(bytes)).toBe('a9a084fe2a280665d0cef454f68ef16bbcc493a8dda7e5bfa763695482ac8d54');
    expect(WebAssembly.validate(bytes)).toBe(true);
  });
});
