// Hash routes (`#/apps/NAME/logs`): no dashboard path can collide with an API path.

export type AppTab = 'overview' | 'resources' | 'activity' | 'logs' | 'metrics' | 'settings';
export const APP_TABS: ReadonlyArray<{ tab: AppTab; label: string }> = [
  { tab: 'overview', label: 'Overview' },
  { tab: 'resources', label: 'Resources' },
  { tab: 'activity', label: 'Activity' },
  { tab: 'logs', label: 'Logs' },
  { tab: 'metrics', label: 'Metrics' },
  { tab: 'settings', label: 'Settings' },
];

export type Route = { page: 'apps' } | { page: 'account' } | { page: 'app'; app: string; tab: AppTab } | { page: 'not-found'; hash: string };

export function parseHash(hash: string): Route {
  const path = hash.replace(/^#/, '').replace(/\/+$/, '') || '/';
  if (path === '/' || path === '/apps') return { page: 'apps' };
  if (path === '/account') return { page: 'account' };
  const match = /^\/apps\/([^/]+)(?:\/([a-z]+))?$/.exec(path);
  if (match) {
    const tab = (match[2] ?? 'overview') as AppTab;
    if (APP_TABS.some((t) => t.tab === tab)) return { page: 'app', app: decodeURIComponent(match[1] as string), tab };
  }
  return { page: 'not-found', hash: path };
}

export const appHref = (app: string, tab: AppTab = 'overview') => `#/apps/${encodeURIComponent(app)}${tab === 'overview' ? '' : `/${tab}`}`;

export function navigate(href: string): void {
  location.hash = href.replace(/^#/, '');
}
