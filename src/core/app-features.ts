/**
 * App features (Heroku labs): capabilities an app turns on with `berth labs:enable NAME` or
 * `PATCH /apps/:app/features/:name {"enabled": true}`. The table is the catalogue: every app has
 * every feature, off unless the store says otherwise. Ids are fixed, so a feature has the same id
 * on every app and every Berth (Heroku's do too).
 */
export interface AppFeatureDefinition {
  id: string;
  /** `log-runtime-metrics`: what users type. */
  name: string;
  displayName: string;
  description: string;
  docUrl: string;
  /** Heroku's maturity: `alpha`, `beta` or `general` (the official CLI hides `general` ones in `labs`). */
  state: 'alpha' | 'beta' | 'general';
  feedbackEmail: string;
  /**
   * Running dynos read the feature when they start: changing it rolls the app's dynos the way
   * `ps:restart` does, so they pick it up.
   */
  restartsDynos: boolean;
}

export const RUNTIME_METRICS_FEATURE = 'log-runtime-metrics';
/** `berth ps:autoidle on`: the app's web dynos idle after a quiet spell, as eco dynos always do. */
export const AUTOIDLE_FEATURE = 'autoidle';
/** The router redirects the app's plain-HTTP requests to HTTPS. */
export const FORCE_HTTPS_FEATURE = 'force-https';
/** The router adds Strict-Transport-Security to the app's HTTPS responses. */
export const HSTS_FEATURE = 'hsts';

export const APP_FEATURES: readonly AppFeatureDefinition[] = [
  {
    id: '5f4e3f3a-7f7e-4f5a-9c1b-2a6d0c1e8b01',
    name: RUNTIME_METRICS_FEATURE,
    displayName: 'Log runtime metrics',
    description: "Emit each dyno's memory use and load average into the app's logs every 20 seconds",
    docUrl: 'https://devcenter.heroku.com/articles/log-runtime-metrics',
    state: 'beta',
    feedbackEmail: 'feedback@berth.invalid',
    restartsDynos: true,
  },
  {
    id: '5f4e3f3a-7f7e-4f5a-9c1b-2a6d0c1e8b02',
    name: AUTOIDLE_FEATURE,
    displayName: 'Idle web dynos when unused',
    description: 'Stop the web dynos after 30 minutes without requests (as eco dynos sleep); the next request wakes them',
    docUrl: 'https://devcenter.heroku.com/articles/eco-dyno-hours#dyno-sleeping',
    state: 'beta',
    feedbackEmail: 'feedback@berth.invalid',
    restartsDynos: false,
  },
  {
    id: '5f4e3f3a-7f7e-4f5a-9c1b-2a6d0c1e8b04',
    name: FORCE_HTTPS_FEATURE,
    displayName: 'Force HTTPS',
    description: 'Redirect every plain-HTTP request to HTTPS at the router (301 for GET and HEAD, 308 for other methods)',
    docUrl: 'https://devcenter.heroku.com/articles/preparing-a-codebase-for-heroku-deployment#force-https',
    state: 'general',
    feedbackEmail: 'feedback@berth.invalid',
    restartsDynos: false,
  },
  {
    id: '5f4e3f3a-7f7e-4f5a-9c1b-2a6d0c1e8b03',
    name: HSTS_FEATURE,
    displayName: 'HTTP Strict Transport Security',
    description: 'Add Strict-Transport-Security: max-age=31536000 to HTTPS responses that do not set it (browsers then use HTTPS only for a year)',
    docUrl: 'https://developer.mozilla.org/docs/Web/HTTP/Headers/Strict-Transport-Security',
    state: 'general',
    feedbackEmail: 'feedback@berth.invalid',
    restartsDynos: false,
  },
];

/**
 * Whether an app's web dynos idle: eco web dynos always do (Heroku's sleeping), any other size
 * when the app turned `autoidle` on.
 */
export function idles(input: { webSize: string | undefined; autoidle: boolean }): boolean {
  return input.autoidle || input.webSize === 'eco';
}

/** A feature by name or id (case-insensitive), or undefined. */
export function findAppFeature(identity: string): AppFeatureDefinition | undefined {
  const key = identity.toLowerCase();
  return APP_FEATURES.find((f) => f.name === key || f.id === key);
}
