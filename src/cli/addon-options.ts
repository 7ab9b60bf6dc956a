import { UsageError } from './cli-error.js';

/**
 * Provider options after `--` in `berth addons:create SERVICE:PLAN -- --key value`: `--key
 * value`, `--key=value`, or a bare `--flag` (true). Pure, table-tested.
 */
export function parseAddonOptions(words: readonly string[]): Record<string, string> {
  const options: Record<string, string> = {};
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as string;
    const match = /^--([A-Za-z0-9][A-Za-z0-9_.-]*)(?:=(.*))?$/s.exec(word);
    if (!match) {
      throw new UsageError(`Unexpected ${JSON.stringify(word)}: provider options go after \`--\` as --key value or --key=value.`, 'e.g. berth addons:create heroku-redis:mini -- --maxmemory-policy allkeys-lru');
    }
    const key = match[1] as string;
    if (match[2] !== undefined) {
      options[key] = match[2];
      continue;
    }
    const next = words[i + 1];
    if (next === undefined || next.startsWith('--')) {
      options[key] = 'true';
    } else {
      options[key] = next;
      i += 1;
    }
  }
  return options;
}
