import { PlatformError } from '../core/errors.js';

const HEROKU_TYPE = 'application/vnd.heroku+json';

/**
 * Accepts `application/vnd.heroku+json; version=3` and every `version=3.*` variant the official
 * CLI sends (`3.sdk`, `3.filters`, …). Plain `application/json`, `*\/*` or no Accept are treated as
 * version 3 too, so curl works.
 */
export function checkAccept(accept: string | undefined): void {
  if (accept === undefined || !accept.includes(HEROKU_TYPE)) return;
  const version = /version=([^\s;,]+)/.exec(accept)?.[1];
  if (version === undefined) {
    throw new PlatformError('missing_version', `Please specify a version along with Heroku's API MIME type. For example, \`Accept: ${HEROKU_TYPE}; version=3\`.`);
  }
  if (version !== '3' && !version.startsWith('3.')) {
    throw new PlatformError('not_acceptable', `API version ${version} is not supported: Berth speaks version 3 (Accept: ${HEROKU_TYPE}; version=3).`);
  }
}
