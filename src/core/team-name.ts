import { PlatformError } from './errors.js';
import { APP_NAME_PATTERN } from './app-name.js';

/** Team names follow the app name rule (they appear in `TEAM@herokumanager.com` owner emails and URLs). */
export function validateTeamName(name: unknown): string {
  if (typeof name !== 'string' || !APP_NAME_PATTERN.test(name) || name === 'apps' || name === 'invitations' || name === 'permissions') {
    throw new PlatformError('invalid_params', `Team name ${JSON.stringify(name)} is invalid: start with a letter, end with a letter or digit, only lowercase letters, digits and dashes, 3 to 30 characters (and not apps, invitations or permissions).`);
  }
  return name;
}
