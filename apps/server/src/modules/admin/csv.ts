// RFC 4180 CSV in and out: quoted fields may hold commas, quotes ("") and line breaks.

/** Parses CSV text into rows of fields (a leading UTF-8 BOM and a final empty line are dropped). */
export function parseCsv(text: string): string[][] {
  return [...csvRows(text)];
}

/** The rows of CSV text one at a time, so a million-line file is never held as one table. */
export function* csvRows(text: string): Generator<string[]> {
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const n = text.length;
  for (; i < n; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      yield row;
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    yield row;
  }
}

/** One CSV field: quoted when it holds a comma, quote or line break; formula-looking text is defused. */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  let s = String(value);
  // A spreadsheet would run "=…", "+…", "-…", "@…" as a formula (CSV injection): prefix a quote.
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Rows to CSV text with CRLF line ends, as RFC 4180 says. */
export function toCsv(rows: readonly (readonly (string | number | null)[])[]): string {
  return rows.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}
