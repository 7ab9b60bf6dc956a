import { exportLines, herokuEnvironment } from '../core/heroku-env.js';

export interface BannerInfo {
  dataDir: string;
  state: string;
  apiUrl: string;
  apiTlsUrl: string;
  /** Where a browser opens the dashboard (the API's HTTP port, `/`). */
  dashboardUrl: string;
  gitHost: string;
  /** git over SSH, when on: the URL pattern and the host key fingerprints. */
  ssh?: { url: string; fingerprints: string[] };
  routerUrl: string;
  adminKeyPath: string;
  caCertPath: string;
  createdAdmin?: { email: string };
  /** What dynos run on, when not the host root: the stack image and its cache. */
  stack?: string;
}

/** What `bin/berth up` prints once everything listens. */
export function banner(info: BannerInfo): string {
  const key = `$(cat ${info.adminKeyPath})`;
  const lines = [
    '',
    `Berth is up (data ${info.dataDir}, state in ${info.state}).`,
    '',
    `  dashboard  ${info.dashboardUrl}   (log in with your email and password, or an API key)`,
    `  API        ${info.apiUrl}   ${info.apiTlsUrl}`,
    `  git        https://${info.gitHost}/<app>.git`,
    ...(info.ssh ? [`  git (SSH)  ${info.ssh.url}   host key ${info.ssh.fingerprints.join(' ')}`] : []),
    `  router     ${info.routerUrl}`,
    ...(info.stack ? [`  stack      ${info.stack}`] : []),
    `  admin key  ${info.adminKeyPath}${info.createdAdmin ? `  (new admin account ${info.createdAdmin.email})` : ''}`,
    `  local CA   ${info.caCertPath}`,
    '',
    'Use the berth CLI (login sets up git push and the local CA; nothing to export):',
    `  BERTH_API_KEY=${key} bin/berth accounts:create you@example.com`,
    `  bin/berth login --api-url ${info.apiUrl} --email you@example.com`,
    'or as the admin:',
    `  export BERTH_API_URL=${info.apiUrl} BERTH_API_KEY=${key}`,
    '',
    'Point the official heroku CLI at it, and keep it (and your key) off Heroku\'s hosts (or: eval "$(berth heroku-env)"):',
    ...exportLines(herokuEnvironment({ apiUrl: info.apiUrl, gitHost: info.gitHost, apiKey: key }), { quote: false, width: 120 }).map((line) => `  ${line}`),
    '',
    'Trust the local CA for the heroku CLI and git without `berth login`:',
    `  export NODE_EXTRA_CA_CERTS=${info.caCertPath} GIT_SSL_CAINFO=${info.caCertPath}`,
    '',
    'Stop with Ctrl-C.',
    '',
  ];
  return lines.join('\n');
}
