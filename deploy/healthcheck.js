// Container HEALTHCHECK without curl (absent from the slim image): exit 0 when /api/health answers 2xx.
// Reads the same port variable as the server; the default matches the server's default.
const port = process.env.SMARTMIRROR_PORT || '8080';
const url = process.env.SMARTMIRROR_HEALTH_URL || `http://127.0.0.1:${port}/api/health`;

try {
  const res = await fetch(url, { signal: AbortSignal.timeout(4000) });
  process.exitCode = res.ok ? 0 : 1;
  if (!res.ok) console.error(`health: ${url} answered ${res.status}`);
} catch (err) {
  console.error(`health: ${url} unreachable: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
}
