/** One row of a benchmark table: column name → value. */
export type Row = Record<string, string | number | boolean | null>;

/**
 * Prints a benchmark's result the one way every benchmark does: a readable table on stderr
 * and one JSON object on stdout, so `node bench/x.ts > x.json` keeps only the data.
 */
export function report(name: string, rows: Row[], extra: Record<string, unknown> = {}): void {
  const json = { bench: name, at: new Date().toISOString(), node: process.version, ...extra, rows };
  process.stderr.write(`\n${name}\n${formatTable(rows)}\n`);
  process.stdout.write(`${JSON.stringify(json)}\n`);
}

/** A fixed-width text table; numbers are right-aligned and rounded to 4 significant digits. */
export function formatTable(rows: Row[]): string {
  if (rows.length === 0) return '(no rows)';
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v: Row[string] | undefined): string =>
    v === undefined || v === null ? '' : typeof v === 'number' ? String(Number(v.toPrecision(4))) : String(v);
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (vals: string[], numeric: boolean[]): string =>
    vals.map((v, i) => (numeric[i] ? v.padStart(widths[i] ?? 0) : v.padEnd(widths[i] ?? 0))).join('  ');
  const numeric = cols.map((c) => rows.every((r) => typeof r[c] === 'number' || r[c] === undefined));
  return [
    line(cols, numeric),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.map((r) => line(cols.map((c) => cell(r[c])), numeric)),
  ].join('\n');
}
