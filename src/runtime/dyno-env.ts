/**
 * The dyno contract's environment, and nothing else: config vars, PORT, DYNO, PS, HOME=/app and
 * Heroku's PATH. Berth's own environment never reaches a dyno (bwrap --clearenv; the launcher
 * itself runs with HELPER_ENV). Config vars may override HOME and PATH (as on Heroku), never
 * PORT, DYNO or PS.
 */
import { RuntimeError } from './errors.js';

export const DYNO_PATH = '/app/bin:/app/node_modules/.bin:/usr/local/bin:/usr/bin:/bin';
const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function dynoEnv(name: string, port: number, env: Readonly<Record<string, string>>): Record<string, string> {
  const result: Record<string, string> = { HOME: '/app', PATH: DYNO_PATH };
  for (const [key, value] of Object.entries(env)) {
    if (key.startsWith('__BERTH_')) {
      throw new RuntimeError('invalid_spec', `Config var name ${key} is reserved (__BERTH_*): rename it`);
    }
    if (!ENV_KEY.test(key)) {
      throw new RuntimeError('invalid_spec', `Config var name ${JSON.stringify(key)} is invalid: use letters, digits and underscores, not starting with a digit`);
    }
    if (typeof value !== 'string' || value.includes('\0')) {
      throw new RuntimeError('invalid_spec', `Config var ${key} must be a string without NUL bytes`);
    }
    result[key] = value;
  }
  result.PORT = String(port);
  result.DYNO = name;
  result.PS = name;
  return result;
}
