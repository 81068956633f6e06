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

/** A matrix for `dim`-long rows at `precision`. */
export function createVectorMatrix(dim: number, precision: Precision): VectorMatrix {
  return precision === 'int8' ? new Int8Matrix(dim) : new Float32Matrix(dim);
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
    const data = new Float32Array(cap * this.dim);
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
    const data = new Int8Array(cap * this.dim);
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
    const d = this.dim;
    let maxAbs = 0;
    for (let j = 0; j < d; j++) maxAbs = Math.max(maxAbs, Math.abs(v[j] ?? 0));
    // Per-row symmetric scale: the largest component maps to ±127, so each row uses the full
    // int8 range whatever its spread (a global scale would waste precision on peaky rows).
    const scale = maxAbs > 0 ? maxAbs / 127 : 1;
    const base = row * d;
    let s = 0;
    for (let j = 0; j < d; j++) {
      const q = Math.round((v[j] ?? 0) / scale);
      this.data[base + j] = q;
      s += q * q;
    }
    this.scales[row] = scale;
    this.norms[row] = s * scale * scale;
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
