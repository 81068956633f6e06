import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';

// No Docker engine on the build machines: the deployment files are checked statically here, and
// the image's entrypoint is run as a plain process in ship-entrypoint.int.test.ts.
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const read = (p: string): string => readFileSync(join(root, p), 'utf8');
const which = (cmd: string): boolean => {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

interface Instruction {
  op: string;
  args: string;
}

/** Dockerfile → instructions, continuation lines joined and comments dropped. */
function parseDockerfile(text: string): Instruction[] {
  const joined = text
    .split('\n')
    .filter((l) => !/^\s*#/.test(l))
    .join('\n')
    .replace(/\\\n/g, ' ');
  return joined
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const m = /^(\S+)\s*(.*)$/.exec(l);
      return { op: (m?.[1] ?? '').toUpperCase(), args: m?.[2] ?? '' };
    });
}

/** Splits instructions into stages at each FROM. */
function stages(ins: Instruction[]): Instruction[][] {
  const out: Instruction[][] = [];
  for (const i of ins) {
    if (i.op === 'FROM') out.push([]);
    out.at(-1)?.push(i);
  }
  return out;
}

const SECRET = /(TOKEN|SECRET|PASSWORD|PASSWD|API_KEY|PRIVATE_KEY|CREDENTIAL)/i;

describe('deploy/Dockerfile', () => {
  const ins = parseDockerfile(read('deploy/Dockerfile'));
  const all = stages(ins);
  const runtime = all.at(-1) ?? [];
  const arg = (op: string): string[] => runtime.filter((i) => i.op === op).map((i) => i.args);

  it('is multi-stage on node 20 bookworm-slim, compilers only in the build stage', () => {
    expect(all.length).toBeGreaterThanOrEqual(2);
    const nodeImage = ins.find((i) => i.op === 'ARG' && i.args.startsWith('NODE_IMAGE='))?.args ?? '';
    expect(nodeImage).toBe('NODE_IMAGE=node:20-bookworm-slim');
    const build = all[0] ?? [];
    expect(build.some((i) => i.op === 'RUN' && /\bg\+\+/.test(i.args) && /\bpython3\b/.test(i.args))).toBe(true);
    for (const i of runtime) if (i.op === 'RUN') expect(i.args).not.toMatch(/\b(g\+\+|make|python3|build-essential)\b/);
    expect(runtime.some((i) => i.op === 'COPY' && i.args.startsWith('--from='))).toBe(true);
  });

  it('copies every workspace manifest before npm ci (otherwise npm ci refuses the lockfile)', () => {
    const workspaces = (JSON.parse(read('package.json')) as { workspaces: string[] }).workspaces;
    const build = all[0] ?? [];
    const ciAt = build.findIndex((i) => i.op === 'RUN' && /npm ci\b/.test(i.args));
    expect(ciAt).toBeGreaterThan(0);
    const copied = build.slice(0, ciAt).filter((i) => i.op === 'COPY').map((i) => i.args);
    for (const ws of workspaces) expect(copied).toContain(`${ws}/package.json ${ws}/`);
    expect(copied.some((c) => c.includes('package-lock.json'))).toBe(true);
  });

  it('runs as a non-root user with /data as the volume and data dir', () => {
    const user = arg('USER').at(-1);
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^(root|0)(:|$)/);
    expect(arg('VOLUME').join(' ')).toContain('/data');
    expect(arg('ENV').join(' ')).toMatch(/SMARTMIRROR_DATA=\/data\b/);
  });

  it('checks health with node against /api/health (no curl in slim images)', () => {
    const hc = arg('HEALTHCHECK').join(' ');
    expect(hc).toMatch(/CMD \["node", "deploy\/healthcheck\.js"\]/);
    expect(read('deploy/healthcheck.js')).toContain('/api/health');
  });

  it('starts the CLI serve under tini so SIGTERM reaches node', () => {
    const entry = JSON.parse(arg('ENTRYPOINT').at(-1) ?? '[]') as string[];
    const cmd = JSON.parse(arg('CMD').at(-1) ?? '[]') as string[];
    expect(entry.slice(0, 2)).toEqual(['/usr/bin/tini', '--']);
    expect([...entry, ...cmd].slice(2)).toEqual(['node', 'apps/cli/bin/smartmirror.js', 'serve']);
    expect(existsSync(join(root, 'apps/cli/bin/smartmirror.js'))).toBe(true);
    expect(runtime.some((i) => i.op === 'RUN' && /\btini\b/.test(i.args))).toBe(true);
  });

  it('bakes no secrets into the image', () => {
    for (const i of ins) if (i.op === 'ENV' || i.op === 'ARG') expect(i.args).not.toMatch(SECRET);
    for (const i of ins) if (i.op === 'COPY' || i.op === 'ADD') expect(i.args).not.toMatch(/\.env\b|\.pem\b|token/i);
    const ignored = read('.dockerignore').split('\n').map((l) => l.trim());
    for (const p of ['.git', '**/node_modules', 'data', '.env', '.env.*']) expect(ignored).toContain(p);
  });
});

describe('deploy/compose.yaml', () => {
  const compose = parseYaml(read('deploy/compose.yaml')) as {
    services: Record<string, { restart?: string; volumes?: string[]; healthcheck?: { test?: string[] }; environment?: Record<string, string>; build?: { context: string; dockerfile: string } }>;
    volumes?: Record<string, unknown>;
  };
  const svc = compose.services.smartmirror;

  it('restarts unless stopped, keeps /data in a named volume, checks health', () => {
    expect(svc?.restart).toBe('unless-stopped');
    const vol = svc?.volumes?.find((v) => v.endsWith(':/data'));
    expect(vol).toBeDefined();
    expect(Object.keys(compose.volumes ?? {})).toContain(vol?.split(':')[0]);
    expect(svc?.healthcheck?.test).toEqual(['CMD', 'node', 'deploy/healthcheck.js']);
    expect(svc?.environment?.SMARTMIRROR_DATA).toBe('/data');
  });

  it('builds this Dockerfile from the repository root and carries no secrets', () => {
    expect(join('deploy', svc?.build?.context ?? '')).toBe('.');
    expect(svc?.build?.dockerfile).toBe('deploy/Dockerfile');
    for (const key of Object.keys(svc?.environment ?? {})) expect(key).not.toMatch(SECRET);
  });

  it('documents the Coral USB mapping, commented out', () => {
    expect(read('deploy/compose.yaml')).toMatch(/^\s*#\s*- \/dev\/bus\/usb:\/dev\/bus\/usb/m);
  });
});

describe('deploy/systemd/smartmirror.service', () => {
  const unit = read('deploy/systemd/smartmirror.service');
  const value = (key: string): string | undefined => new RegExp(`^${key}=(.*)$`, 'm').exec(unit)?.[1];

  it('restarts always, runs unprivileged and hardened, and starts the same command as the image', () => {
    expect(value('Restart')).toBe('always');
    expect(value('User')).toBe('smartmirror');
    for (const k of ['NoNewPrivileges', 'ProtectSystem', 'ProtectHome', 'PrivateTmp']) expect(value(k)).toMatch(/^(yes|strict)$/);
    expect(value('ExecStart')).toMatch(/node \S*apps\/cli\/bin\/smartmirror\.js serve$/);
    expect(value('KillSignal')).toBe('SIGTERM');
    // V8's JIT and WebAssembly need writable+executable memory.
    expect(value('MemoryDenyWriteExecute')).toBeUndefined();
  });

  it.skipIf(!which('systemd-analyze'))('passes systemd-analyze verify', () => {
    const out = execFileSync('systemd-analyze', ['verify', join(root, 'deploy/systemd/smartmirror.service')], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(out).toBe('');
  });
});

describe('deploy/kiosk', () => {
  const script = read('deploy/kiosk/smartmirror-kiosk.sh');

  it('starts Chromium with the kiosk flags', () => {
    for (const flag of [
      '--kiosk',
      '--noerrdialogs',
      '--disable-infobars',
      '--check-for-update-interval=31536000',
      '--autoplay-policy=no-user-gesture-required',
    ])
      expect(script).toContain(flag);
  });

  it('allows the camera for the mirror origin only, and no microphone', () => {
    const policy = JSON.parse(read('deploy/kiosk/chromium-policy.json')) as { VideoCaptureAllowedUrls: string[]; AudioCaptureAllowed: boolean };
    expect(policy.VideoCaptureAllowedUrls).toContain('http://localhost:8080');
    expect(policy.VideoCaptureAllowedUrls.every((u) => /^https?:\/\/[^/*]+$/.test(u))).toBe(true);
    expect(policy.AudioCaptureAllowed).toBe(false);
  });

  it.skipIf(!which('shellcheck'))('passes shellcheck', () => {
    const scripts = ['deploy/kiosk/smartmirror-kiosk.sh', 'deploy/kiosk/install.sh'].map((p) => join(root, p));
    expect(execFileSync('shellcheck', scripts, { encoding: 'utf8' })).toBe('');
  });
});

if (!which('shellcheck')) console.warn('ship-deploy: shellcheck not installed; kiosk scripts are not linted (apt-get install shellcheck).');
