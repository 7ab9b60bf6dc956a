/**
 * Known API error ids paired with what to do about them (heroku/hk:util.go does the same).
 * The first row whose id matches, and whose path pattern (if any) matches the request, wins.
 */
export interface ErrorHint {
  id: string;
  /** Only for requests whose path matches, e.g. app routes for not_found. */
  path?: RegExp;
  hint: string;
}

export const ERROR_HINTS: readonly ErrorHint[] = [
  { id: 'unauthorized', hint: 'Log in again with `berth login`, or check BERTH_API_KEY.' },
  { id: 'forbidden', path: /^\/addon-providers/, hint: 'Only a Berth admin can manage add-on providers: log in as the admin (its key is in admin.key under the data dir).' },
  { id: 'forbidden', path: /^\/(accounts|admin\/)/, hint: 'Only a Berth admin can do this: log in as the admin (its key is in admin.key under the data dir).' },
  { id: 'forbidden', hint: 'Your account is not allowed to do this; ask a Berth admin.' },
  { id: 'not_found', path: /^\/apps\/[^/]+/, hint: 'Check the name with `berth apps`.' },
  { id: 'not_found', path: /^\/oauth\/authorizations\//, hint: 'The saved login is gone on the server: run `berth login` again.' },
  { id: 'conflict', path: /^\/apps\/[^/]+\/addons|^\/addon-attachments/, hint: 'Choose another attachment name with --as NAME (or another add-on name with --name), or unset the config var the message names.' },
  { id: 'confirmation_required', hint: 'Detach the add-on from the other apps first (berth addons:detach), or add --force.' },
  { id: 'addon_provider_failed', hint: 'The add-on provider failed, not your app: see `berth addons -a APP` for the add-on\'s state, then try again.' },
  { id: 'conflict', path: /^\/apps/, hint: 'That app name is taken: choose another, or leave it out for a random one.' },
  { id: 'conflict', path: /^\/accounts/, hint: 'An account with that email exists: log in with `berth login --email EMAIL`.' },
  { id: 'conflict', hint: 'It exists already.' },
  { id: 'invalid_params', hint: 'Fix the value the message names; `berth help COMMAND` lists the options.' },
  { id: 'rate_limit', hint: 'Too many requests this hour: wait a few minutes and try again.' },
  { id: 'not_acceptable', hint: 'This CLI speaks API version 3; check that BERTH_API_URL points at Berth.' },
  { id: 'missing_version', hint: 'This CLI speaks API version 3; check that BERTH_API_URL points at Berth.' },
  { id: 'bad_response', hint: 'Check that BERTH_API_URL points at the Berth API, not at an app or a proxy page.' },
  { id: 'internal_server_error', hint: 'This is a bug in Berth; the server log has the details under the Request-Id.' },
];

export function hintFor(id: string, path: string, hints: readonly ErrorHint[] = ERROR_HINTS): string | undefined {
  return hints.find((h) => h.id === id && (h.path === undefined || h.path.test(path)))?.hint;
}
