import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError, ConnectionError } from '../../src/cli/api-client.js';
import { CliError, UsageError } from '../../src/cli/cli-error.js';
import { describeConnectionFailure, errorCode } from '../../src/cli/connection-error.js';
import { hintFor } from '../../src/cli/error-hints.js';
import { explain } from '../../src/cli/report-error.js';

const hints: [string, string, RegExp | undefined][] = [
  ['unauthorized', '/account', /^Log in again with `berth login`, or check BERTH_API_KEY\.$/],
  ['not_found', '/apps/my-app', /^Check the name with `berth apps`\.$/],
  ['not_found', '/regions/x', undefined],
  ['conflict', '/apps', /app name is taken/],
  ['conflict', '/accounts', /berth login --email EMAIL/],
  ['invalid_params', '/apps', /berth help COMMAND/],
  ['rate_limit', '/apps', /wait/],
  ['forbidden', '/accounts', /admin/],
  ['forbidden', '/apps/x', /not allowed/],
  ['something_new', '/apps', undefined],
];
for (const [id, path, expected] of hints) {
  test(`${id} on ${path} ${expected ? 'has a fix hint' : 'has no hint'}`, () => {
    const hint = hintFor(id, path);
    if (expected === undefined) assert.equal(hint, undefined);
    else assert.match(hint ?? '', expected);
  });
}

const refused = Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
const nested = new TypeError('fetch failed', { cause: { errors: [{ code: 'ECONNREFUSED' }] } });
const failures: [string, unknown, RegExp][] = [
  ['a refused connection asks whether bin/berth up runs', refused, /^Cannot reach the Berth API at http:\/\/h:5000: is `bin\/berth up` running\? Set BERTH_API_URL/],
  ['a refusal inside an AggregateError is still a refusal', nested, /is `bin\/berth up` running\?/],
  ['an unknown host points at BERTH_API_URL', new TypeError('x', { cause: { code: 'ENOTFOUND' } }), /Cannot resolve the host/],
  ['an untrusted certificate points at NODE_EXTRA_CA_CERTS', new TypeError('x', { cause: { code: 'SELF_SIGNED_CERT_IN_CHAIN' } }), /NODE_EXTRA_CA_CERTS/],
  ['a timeout says the API did not answer', Object.assign(new Error('t'), { name: 'TimeoutError' }), /did not answer in time/],
  ['anything else still names the URL', new TypeError('fetch failed'), /^Cannot reach the Berth API at http:\/\/h:5000: check/],
];
for (const [name, err, expected] of failures) {
  test(name, () => assert.match(describeConnectionFailure('http://h:5000', err), expected));
}

test('errorCode finds the code down the cause chain', () => {
  assert.equal(errorCode(refused), 'ECONNREFUSED');
  assert.equal(errorCode(new Error('plain')), undefined);
});

test('explain gives exit 1 for API and connection errors and 2 for usage errors', () => {
  assert.deepEqual(explain(new ApiError(404, 'not_found', 'No app.', 'GET', '/apps/x')), { message: 'No app.', hint: 'Check the name with `berth apps`.', exitCode: 1 });
  assert.equal(explain(new ConnectionError('http://h:5000', refused)).exitCode, 1);
  assert.deepEqual(explain(new UsageError('Bad.')), { message: 'Bad.', exitCode: 2 });
  assert.deepEqual(explain(new CliError('Oops.', { hint: 'Do this.' })), { message: 'Oops.', hint: 'Do this.', exitCode: 1 });
});
