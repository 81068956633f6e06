import { AppError } from '@smartmirror/api';
import { createSimdKernel, WASM_PAGE } from './simd.ts';
import type { SimdKernel } from './simd.ts';

// Row storage for the classifier: one contiguous typed array grown by doubling, so a query is a
// single linear pass over memory (cache- and prefetch-friendly) with no per-row objects.

/** Storage precision of stored vectors. */
export type Precision = 'float32' | 'int8';

/** A growable row-major matrix of unit vectors with a dot-product scan. */
export interface VectorMatrix {
  readonly dim: number;
  readonly precision: Precision;
  /** Rows that fit without growing. */
  readonly capacity: number;
  /** Makes room for at least `rows` rows, keeping the first `used` rows. */
  reserve(rows: number, used: number): void;
  /** Writes `v` (length dim) into `row`; int8 quantises with a per-row scale. */
  set(row: number, v: Float32Array): void;
  /** Copies row `from` over row `to` (swap-remove). */
  move(from: number, to: number): void;
  /** Dequantised copy of `row` into `out` (length dim). */
  get(row: number, out: Float32Array, outOffset?: number): void;
  /** Squared norm of the stored (possibly quantised) row: ≈ 1 for unit input. */
  selfDot(row: number): number;
  /** out[r] = row_r · q for the first `rows` rows. Allocates nothing. */
  dotAll(q: Float32Array, rows: number, out: Float32Array): void;
}

const INITIAL_ROWS = 16;

/**
 * A matrix for `dim`-long rows at `precision`, scanned by the WebAssembly SIMD kernel when the
 * platform has it and dim suits its lane width (8 for float32, 16 for int8), else by plain
 * JavaScript; `simd: false` forces JavaScript.
 */
export function createVectorMatrix(dim: number, precision: Precision, simd = true): VectorMatrix {
  const kernel = simd && dim % (precision === 'int8' ? 16 : 8) === 0 ? createSimdKernel() : null;
  if (kernel !== null) return new WasmMatrix(dim, precision, kernel);
  return precision === 'int8' ? new Int8Matrix(dim) : new Float32Matrix(dim);
}

/** Largest |query| component maps to this int16 value: 1024 × 127 × 4095 stays inside int32. */
const QUERY_INT16_MAX = 4095;

function align16(n: number): number {
  return (n + 15) & ~15;
}

/**
 * Rows live in the kernel's linear memory: [query | rows … | scan output]. Growing the memory
 * keeps the rows in place (no copy, unlike a new typed array); the output area moves to the end.
 */
class WasmMatrix implements VectorMatrix {
  capacity = 0;
  private readonly elem: number;
  private readonly rowsAt: number;
  private outAt: number;
  private f32: Float32Array;
  private i8: Int8Array;
  private i16: Int16Array;
  private scales = new Float32Array(0);
  private norms = new Float32Array(0);

  constructor(
    readonly dim: number,
    readonly precision: Precision,
    private readonly kernel: SimdKernel,
  ) {
    this.elem = precision === 'int8' ? 1 : 4;
    this.rowsAt = align16(dim * 4);
    this.outAt = this.rowsAt;
    this.f32 = new Float32Array(0);
    this.i8 = new Int8Array(0);
    this.i16 = new Int16Array(0);
    this.views();
  }

  private views(): void {
    const buffer = this.kernel.memory.buffer;
    this.f32 = new Float32Array(buffer);
    this.i8 = new Int8Array(buffer);
    this.i16 = new Int16Array(buffer);
  }

  reserve(rows: number, used: number): void {
    if (rows <= this.capacity) return;
    const cap = grownCapacity(this.capacity, rows);
    const outAt = this.rowsAt + align16(cap * this.dim * this.elem);
    const needed = outAt + cap * 4;
    const have = this.kernel.memory.buffer.byteLength;
    if (needed > have) {
      allocate(() => this.kernel.memory.grow(Math.ceil((needed - have) / WASM_PAGE)), rows, this.dim);
      this.views();
    }
    const scales = new Float32Array(cap);
    scales.set(this.scales.subarray(0, used));
    const norms = new Float32Array(cap);
    norms.set(this.norms.subarray(0, used));
    this.scales = scales;
    this.norms = norms;
    this.outAt = outAt;
    this.capacity = cap;
  }

  set(row: number, v: Float32Array): void {
    const d = this.dim;
    if (this.precision === 'float32') {
      this.f32.set(v, this.rowsAt / 4 + row * d);
      let s = 0;
      for (let j = 0; j < d; j++) s += (v[j] as number) * (v[j] as number);
      this.norms[row] = s;
      return;
    }
    const [scale, sq] = quantise(v, this.i8, this.rowsAt + row * d);
    this.scales[row] = scale;
    this.norms[row] = sq;
  }

  move(from: number, to: number): void {
    const d = this.dim;
    if (this.precision === 'float32') {
      const base = this.rowsAt / 4;
      this.f32.copyWithin(base + to * d, base + from * d, base + from * d + d);
    } else {
      this.i8.copyWithin(this.rowsAt + to * d, this.rowsAt + from * d, this.rowsAt + from * d + d);
    }
    this.scales[to] = this.scales[from] ?? 0;
    this.norms[to] = this.norms[from] ?? 0;
  }

  get(row: number, out: Float32Array, outOffset = 0): void {
    const d = this.dim;
    if (this.precision === 'float32') {
      const base = this.rowsAt / 4 + row * d;
      out.set(this.f32.subarray(base, base + d), outOffset);
      return;
    }
    const scale = this.scales[row] ?? 0;
    const base = this.rowsAt + row * d;
    for (let j = 0; j < d; j++) out[outOffset + j] = (this.i8[base + j] as number) * scale;
  }

  selfDot(row: number): number {
    return this.norms[row] ?? 0;
  }

  dotAll(q: Float32Array, rows: number, out: Float32Array): void {
    if (rows === 0) return;
    const d = this.dim;
    const res = this.outAt / 4;
    if (this.precision === 'float32') {
      this.f32.set(q, 0);
      this.kernel.dotf32(this.rowsAt, 0, rows, d, this.outAt);
      out.set(this.f32.subarray(res, res + rows));
      return;
    }
    // int8 rows × int16 query in integer lanes; both scales are applied once per row afterwards.
    let maxAbs = 0;
    for (let j = 0; j < d; j++) maxAbs = Math.max(maxAbs, Math.abs(q[j] as number));
    const qScale = maxAbs > 0 ? maxAbs / QUERY_INT16_MAX : 1;
    for (let j = 0; j < d; j++) this.i16[j] = Math.round((q[j] as number) / qScale);
    this.kernel.doti8(this.rowsAt, 0, rows, d, this.outAt);
    const f = this.f32;
    const scales = this.scales;
    for (let r = 0; r < rows; r++) out[r] = (f[res + r] as number) * (scales[r] as number) * qScale;
  }
}

/** Writes the int8 quantisation of `v` at `at`; returns [scale, squared norm of the stored row]. */
function quantise(v: Float32Array, into: Int8Array, at: number): [number, number] {
  const d = v.length;
  let maxAbs = 0;
  for (let j = 0; j < d; j++) maxAbs = Math.max(maxAbs, Math.abs(v[j] as number));
  // Per-row symmetric scale: the largest component maps to ±127, so each row uses the full
  // int8 range whatever its spread (a global scale would waste precision on peaky rows).
  const scale = maxAbs > 0 ? maxAbs / 127 : 1;
  let s = 0;
  for (let j = 0; j < d; j++) {
    const q = Math.round((v[j] as number) / scale);
    into[at + j] = q;
    s += q * q;
  }
  return [scale, s * scale * scale];
}

/** Runs an allocation, turning the engine's RangeError into the product's one error type. */
function allocate<T>(make: () => T, rows: number, dim: number): T {
  try {
    return make();
  } catch (cause) {
    throw new AppError('PAYLOAD_TOO_LARGE', `cannot store ${rows} examples of dim ${dim}: out of memory`, { cause });
  }
}

function grownCapacity(current: number, rows: number): number {
  let cap = Math.max(current, INITIAL_ROWS);
  while (cap < rows) cap *= 2;
  return cap;
}

class Float32Matrix implements VectorMatrix {
  readonly precision = 'float32' as const;
  capacity = 0;
  private data = new Float32Array(0);
  private norms = new Float32Array(0);

  constructor(readonly dim: number) {}

  reserve(rows: number, used: number): void {
    if (rows <= this.capacity) return;
    const cap = grownCapacity(this.capacity, rows);
    const data = allocate(() => new Float32Array(cap * this.dim), rows, this.dim);
    data.set(this.data.subarray(0, used * this.dim));
    const norms = new Float32Array(cap);
    norms.set(this.norms.subarray(0, used));
    this.data = data;
    this.norms = norms;
    this.capacity = cap;
  }

  set(row: number, v: Float32Array): void {
    this.data.set(v, row * this.dim);
    let s = 0;
    for (let j = 0; j < this.dim; j++) s += (v[j] ?? 0) * (v[j] ?? 0);
    this.norms[row] = s;
  }

  move(from: number, to: number): void {
    const d = this.dim;
    this.data.copyWithin(to * d, from * d, from * d + d);
    this.norms[to] = this.norms[from] ?? 0;
  }

  get(row: number, out: Float32Array, outOffset = 0): void {
    out.set(this.data.subarray(row * this.dim, row * this.dim + this.dim), outOffset);
  }

  selfDot(row: number): number {
    return this.norms[row] ?? 0;
  }

  dotAll(q: Float32Array, rows: number, out: Float32Array): void {
    const m = this.data;
    const d = this.dim;
    // Four independent accumulators let the JIT overlap the multiply-adds; the tail handles
    // dims that are not a multiple of 4. The `as number` casts are safe: indices are in range.
    const d4 = d - (d % 4);
    for (let r = 0, base = 0; r < rows; r++, base += d) {
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let j = 0;
      for (; j < d4; j += 4) {
        s0 += (m[base + j] as number) * (q[j] as number);
        s1 += (m[base + j + 1] as number) * (q[j + 1] as number);
        s2 += (m[base + j + 2] as number) * (q[j + 2] as number);
        s3 += (m[base + j + 3] as number) * (q[j + 3] as number);
      }
      for (; j < d; j++) s0 += (m[base + j] as number) * (q[j] as number);
      out[r] = s0 + s1 + s2 + s3;
    }
  }
}

class Int8Matrix implements VectorMatrix {
  readonly precision = 'int8' as const;
  capacity = 0;
  private data = new Int8Array(0);
  /** Per-row dequantisation scale: value = int8 × scale. */
  private scales = new Float32Array(0);
  private norms = new Float32Array(0);

  constructor(readonly dim: number) {}

  reserve(rows: number, used: number): void {
    if (rows <= this.capacity) return;
    const cap = grownCapacity(this.capacity, rows);
    const data = allocate(() => new Int8Array(cap * this.dim), rows, this.dim);
    data.set(this.data.subarray(0, used * this.dim));
    const scales = new Float32Array(cap);
    scales.set(this.scales.subarray(0, used));
    const norms = new Float32Array(cap);
    norms.set(this.norms.subarray(0, used));
    this.data = data;
    this.scales = scales;
    this.norms = norms;
    this.capacity = cap;
  }

  set(row: number, v: Float32Array): void {
    const [scale, sq] = quantise(v, this.data, row * this.dim);
    this.scales[row] = scale;
    this.norms[row] = sq;
  }

  move(from: number, to: number): void {
    const d = this.dim;
    this.data.copyWithin(to * d, from * d, from * d + d);
    this.scales[to] = this.scales[from] ?? 0;
    this.norms[to] = this.norms[from] ?? 0;
  }

  get(row: number, out: Float32Array, outOffset = 0): void {
    const d = this.dim;
    const scale = this.scales[row] ?? 0;
    const base = row * d;
    for (let j = 0; j < d; j++) out[outOffset + j] = (this.data[base + j] ?? 0) * scale;
  }

  selfDot(row: number): number {
    return this.norms[row] ?? 0;
  }

  dotAll(q: Float32Array, rows: number, out: Float32Array): void {
    const m = this.data;
    const d = this.dim;
    // The float32 storage's loop, copied on purpose: one function fed both Float32Array and
    // Int8Array rows would make this hot loop polymorphic for the JIT.
    const d4 = d - (d % 4);
    for (let r = 0, base = 0; r < rows; r++, base += d) {
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let j = 0;
      for (; j < d4; j += 4) {
        s0 += (m[base + j] as number) * (q[j] as number);
        s1 += (m[base + j + 1] as number) * (q[j + 1] as number);
        s2 += (m[base + j + 2] as number) * (q[j + 2] as number);
        s3 += (m[base + j + 3] as number) * (q[j + 3] as number);
      }
      for (; j < d; j++) s0 += (m[base + j] as number) * (q[j] as number);
      out[r] = (s0 + s1 + s2 + s3) * (this.scales[r] as number);
    }
  }
}
