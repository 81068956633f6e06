// Prints the README's configuration table (markdown) from the config schema, so the two never
// drift: `node --import tsx apps/server/src/config-doc.ts`.
import { CONFIG_ENV, CONFIG_FLAGS, ConfigSchema, type Config } from './config.ts';

/** The configuration table as markdown: variable, flag, default, description. */
export function configTable(): string {
  const defaults = ConfigSchema.parse({});
  const lines = ['| variable | flag | default | description |', '|---|---|---|---|'];
  for (const [key, schema] of Object.entries(ConfigSchema.shape) as [keyof Config, (typeof ConfigSchema.shape)[keyof Config]][]) {
    const def = defaults[key];
    const cell = (s: string): string => s.replace(/\|/g, '\\|');
    lines.push(
      `| \`${CONFIG_ENV[key]}\` | ${CONFIG_FLAGS[key] ? `\`${CONFIG_FLAGS[key]}\`` : ''} | ${def === undefined ? '' : `\`${String(def)}\``} | ${cell(schema.description ?? '')} |`,
    );
  }
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) process.stdout.write(`${configTable()}\n`);
