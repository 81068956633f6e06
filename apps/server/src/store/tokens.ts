import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Role } from '@smartmirror/api';
import { randomToken } from '../auth.ts';

/** Where the tokens live: one file per role in the data folder, mode 0600. */
export interface TokenStore {
  read(role: Role): Promise<string | null>;
  write(role: Role, token: string): Promise<void>;
}

/** File name of a role's token inside the data folder. */
export const tokenFile = (role: Role): string => `${role}.token`;

/** Token files in `dataDir`. */
export function createFileTokenStore(dataDir: string): TokenStore {
  return {
    async read(role) {
      try {
        const t = (await readFile(join(dataDir, tokenFile(role)), 'utf8')).trim();
        return t.length > 0 ? t : null;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw err;
      }
    },
    async write(role, token) {
      await mkdir(dataDir, { recursive: true });
      const file = join(dataDir, tokenFile(role));
      // Write-then-rename: a crash never leaves a half-written token behind.
      const tmp = `${file}.${process.pid}.tmp`;
      await writeFile(tmp, `${token}\n`, { mode: 0o600 });
      await chmod(tmp, 0o600);
      await rename(tmp, file);
    },
  };
}

/**
 * The token of a role: from config when set, else the stored one, else a new random one that is
 * stored. `created` tells the caller to print it (once).
 */
export async function resolveToken(store: TokenStore, role: Role, fromConfig: string | undefined): Promise<{ token: string; created: boolean }> {
  if (fromConfig) return { token: fromConfig, created: false };
  const stored = await store.read(role);
  if (stored) return { token: stored, created: false };
  const token = randomToken();
  await store.write(role, token);
  return { token, created: true };
}
