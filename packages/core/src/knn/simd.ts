// A tiny WebAssembly SIMD kernel for the classifier's scan: one dot product per stored row,
// 4 float32 (or 16 int8) lanes at a time. JavaScript cannot use SIMD and bounds-checks every
// typed-array read; the same loop in WASM runs several times faster in Node and in Chromium.
// The module is ~300 bytes, assembled here from readable opcodes (no toolchain, no fetch), and
// compiled synchronously (browsers allow that for modules under 4 KB).

/** The compiled kernel: exported memory plus two scans. Pointers are byte offsets into `memory`. */
export interface SimdKernel {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  /** out[r] = Σ_j m[r·dim + j] · q[j] (float32), for r < rows. dim must be a positive multiple of 8. */
  dotf32(m: number, q: number, rows: number, dim: number, out: number): void;
  /** out[r] = float(Σ_j m_i8[r·dim + j] · q_i16[j]), for r < rows. dim must be a positive multiple of 16. */
  doti8(m: number, q: number, rows: number, dim: number, out: number): void;
}

/** Bytes in one WASM memory page. */
export const WASM_PAGE = 65536;

// Opcodes used below (core spec and the fixed-width SIMD proposal, now standard).
const BLOCK = 0x02;
const LOOP = 0x03;
const VOID = 0x40;
const END = 0x0b;
const BR = 0x0c;
const BR_IF = 0x0d;
const GET = 0x20;
const SET = 0x21;
const TEE = 0x22;
const I32_CONST = 0x41;
const I32_EQZ = 0x45;
const I32_LT_U = 0x49;
const I32_ADD = 0x6a;
const I32_SUB = 0x6b;
const I32_SHL = 0x74;
const F32_ADD = 0x92;
const F32_CONVERT_I32_S = 0xb2;
const F32_STORE = [0x38, 0x02, 0x00]; // align 2^2, offset 0
const SIMD = 0xfd;
const V128_LOAD = (offset: number): number[] => [SIMD, 0x00, 0x04, offset]; // align 2^4
const V128_ZERO = [SIMD, 0x0c, ...new Array<number>(16).fill(0)];
const F32X4_LANE = (lane: number): number[] => [SIMD, 0x1f, lane];
const I32X4_LANE = (lane: number): number[] => [SIMD, 0x1b, lane];
const F32X4_ADD = [SIMD, 0xe4, 0x01];
const F32X4_MUL = [SIMD, 0xe6, 0x01];
const I32X4_ADD = [SIMD, 0xae, 0x01];
const I32X4_DOT_I16X8_S = [SIMD, 0xba, 0x01];
const I16X8_EXTEND_LOW_I8X16_S = [SIMD, 0x87, 0x01];
const I16X8_EXTEND_HIGH_I8X16_S = [SIMD, 0x88, 0x01];
const I32 = 0x7f;
const V128 = 0x7b;

// Parameter and local indices shared by both functions.
const M = 0;
const Q = 1;
const ROWS = 2;
const DIM = 3;
const OUT = 4;
const QP = 5;
const QEND = 6;
const ACC = 7;
const V = 8;

/** Shared frame: qend = q + dim << shift; for each row: acc = 0, inner loop, store lane sum. */
function scan(shift: number, inner: number[], laneSum: number[]): number[] {
  return [
    GET, Q, GET, DIM, I32_CONST, shift, I32_SHL, I32_ADD, SET, QEND,
    BLOCK, VOID,
    LOOP, VOID,
    GET, ROWS, I32_EQZ, BR_IF, 1,
    ...V128_ZERO, SET, ACC,
    ...V128_ZERO, SET, V,
    GET, Q, SET, QP,
    LOOP, VOID,
    ...inner,
    END,
    GET, OUT, ...laneSum, ...F32_STORE,
    GET, OUT, I32_CONST, 4, I32_ADD, SET, OUT,
    GET, ROWS, I32_CONST, 1, I32_SUB, SET, ROWS,
    BR, 0,
    END,
    END,
    END,
  ];
}

const DOT_F32 = scan(
  2,
  [
    // Two independent accumulators (acc, v) so consecutive multiply-adds do not wait on each other:
    // acc += m[0..4] * q[0..4]; v += m[4..8] * q[4..8]; m += 32; qp += 32; continue while qp < qend
    GET, ACC, GET, M, ...V128_LOAD(0), GET, QP, ...V128_LOAD(0), ...F32X4_MUL, ...F32X4_ADD, SET, ACC,
    GET, V, GET, M, ...V128_LOAD(16), GET, QP, ...V128_LOAD(16), ...F32X4_MUL, ...F32X4_ADD, SET, V,
    GET, M, I32_CONST, 32, I32_ADD, SET, M,
    GET, QP, I32_CONST, 32, I32_ADD, TEE, QP, GET, QEND, I32_LT_U, BR_IF, 0,
  ],
  [
    GET, ACC, GET, V, ...F32X4_ADD, SET, ACC,
    GET, ACC, ...F32X4_LANE(0), GET, ACC, ...F32X4_LANE(1), F32_ADD,
    GET, ACC, ...F32X4_LANE(2), F32_ADD, GET, ACC, ...F32X4_LANE(3), F32_ADD,
  ],
);

const DOT_I8 = scan(
  1,
  [
    // v = 16 int8 of m; acc += dot(low8(v), q[0..8]) + dot(high8(v), q[8..16]) in int32 lanes
    GET, M, ...V128_LOAD(0), SET, V,
    GET, ACC,
    GET, V, ...I16X8_EXTEND_LOW_I8X16_S, GET, QP, ...V128_LOAD(0), ...I32X4_DOT_I16X8_S, ...I32X4_ADD,
    GET, V, ...I16X8_EXTEND_HIGH_I8X16_S, GET, QP, ...V128_LOAD(16), ...I32X4_DOT_I16X8_S, ...I32X4_ADD,
    SET, ACC,
    GET, M, I32_CONST, 16, I32_ADD, SET, M,
    GET, QP, I32_CONST, 32, I32_ADD, TEE, QP, GET, QEND, I32_LT_U, BR_IF, 0,
  ],
  [
    GET, ACC, ...I32X4_LANE(0), GET, ACC, ...I32X4_LANE(1), I32_ADD,
    GET, ACC, ...I32X4_LANE(2), I32_ADD, GET, ACC, ...I32X4_LANE(3), I32_ADD,
    F32_CONVERT_I32_S,
  ],
);

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

function name(s: string): number[] {
  return [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
}

function body(locals: [number, number][], code: number[]): number[] {
  const content = [...uleb(locals.length), ...locals.flatMap(([n, t]) => [...uleb(n), t]), ...code];
  return [...uleb(content.length), ...content];
}

/** The module's bytes. */
export function kernelBytes(): Uint8Array {
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 5, I32, I32, I32, I32, I32, 0]),
    ...section(3, [2, 0, 0]),
    ...section(5, [1, 0x00, 1]),
    ...section(7, [3, ...name('memory'), 0x02, 0, ...name('dotf32'), 0x00, 0, ...name('doti8'), 0x00, 1]),
    ...section(10, [2, ...body([[2, I32], [2, V128]], DOT_F32), ...body([[2, I32], [2, V128]], DOT_I8)]),
  ]);
}

interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

let cached: { module: object } | null | undefined;

/**
 * A fresh kernel instance with its own memory, or null where WebAssembly SIMD is unavailable
 * (the caller then uses the plain JavaScript loop). Compiles once per process.
 */
export function createSimdKernel(): SimdKernel | null {
  const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (cached === undefined) {
    try {
      const bytes = kernelBytes();
      cached = wasm !== undefined && wasm.validate(bytes) ? { module: new wasm.Module(bytes) } : null;
    } catch {
      cached = null;
    }
  }
  if (cached === null || wasm === undefined) return null;
  return new wasm.Instance(cached.module, {}).exports as SimdKernel;
}
