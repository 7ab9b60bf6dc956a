export interface BannerInfo {
  dataDir: string;
  state: string;
  apiUrl: string;
  apiTlsUrl: string;
  gitHost: string;
  routerUrl: string;
  adminKeyPath: string;
  caCertPath: string;
  createdAdmin?: { email: string };
}

/** What `bin/berth up` prints once everything listens. */
export function banner(info: BannerInfo): string {
  const key = `$(cat ${info.adminKeyPath})`;
  const lines = [
    '',
    `Berth is up (data ${info.dataDir}, state in ${info.state}).`,
    '',
    `  API        ${info.apiUrl}   ${info.apiTlsUrl}`,
    `  git        https://${info.gitHost}/<app>.git`,
    `  router     ${info.routerUrl}`,
    `  admin key  ${info.adminKeyPath}${info.createdAdmin ? `  (new admin account ${info.createdAdmin.email})` : ''}`,
    `  local CA   ${info.caCertPath}`,
    '',
    'Point the berth CLI at it:',
    `  export BERTH_API_URL=${info.apiUrl} BERTH_API_KEY=${key}`,
    '',
    'Point the official heroku CLI at it:',
    `  export HEROKU_HOST=${info.apiUrl} HEROKU_API_KEY=${key} HEROKU_GIT_HOST=${info.gitHost} HEROKU_PARTICLEBOARD_URL=${info.apiUrl} DISABLE_TELEMETRY=true`,
    '',
    'Trust the local CA (git push over HTTPS, heroku run):',
    `  export NODE_EXTRA_CA_CERTS=${info.caCertPath} GIT_SSL_CAINFO=${info.caCertPath}`,
    '',
    'Stop with Ctrl-C.',
    '',
  ];
  return lines.join('\n');
}
