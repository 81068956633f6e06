import type { Command } from 'commander';
import { CONFIG_ENV, createFileTokenStore, randomToken, resolveToken, tokenFile } from '@smartmirror/server';
import type { RegisterCommand } from './index.ts';
import { storeConfig, type StoreFlags } from './serve.ts';

/** `smartmirror token [--rotate] [--kiosk]`: prints (or replaces) the admin or kiosk token. */
export const registerToken: RegisterCommand = (program: Command) => {
  program
    .command('token')
    .description('Print the admin token (or the kiosk token with --kiosk); --rotate replaces it')
    .option('--data <dir>', 'data folder; env SMARTMIRROR_DATA, default ./data')
    .option('--kiosk', 'the kiosk token instead of the admin token')
    .option('--rotate', 'generate a new token (restart the server to apply it)')
    .action(async (o: StoreFlags & { kiosk?: boolean; rotate?: boolean }) => {
      const config = storeConfig(o);
      const role = o.kiosk ? 'kiosk' : 'admin';
      const fromEnv = role === 'admin' ? config.adminToken : config.kioskToken;
      const envName = role === 'admin' ? CONFIG_ENV.adminToken : CONFIG_ENV.kioskToken;
      const store = createFileTokenStore(config.dataDir);
      if (o.rotate) {
        const token = randomToken();
        await store.write(role, token);
        process.stdout.write(`${token}\n`);
        process.stderr.write(
          `smartmirror: new ${role} token saved in ${config.dataDir}/${tokenFile(role)}; restart the server to apply it${fromEnv ? ` (but ${envName} is set and wins)` : ''}\n`,
        );
        return;
      }
      const { token, created } = await resolveToken(store, role, fromEnv);
      process.stdout.write(`${token}\n`);
      if (created) process.stderr.write(`smartmirror: no ${role} token yet: generated one and saved it in ${config.dataDir}/${tokenFile(role)}\n`);
    });
};
