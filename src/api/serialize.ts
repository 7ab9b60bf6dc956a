import { REGION, STACK, type Account, type App, type Authorization } from '../core/model.js';
import { DEFAULT_STACK, type StackInfo } from '../core/stacks.js';
import type { StackDescription } from './context.js';
import type { CurrentReleaseSummary } from '../store/port.js';
import type { ApiDeps } from './context.js';

/**
 * Platform API v3 shapes (spec/heroku-platform-api-schema.json) plus what the official CLI reads.
 * `current` is what the app's current release says (release time, slug size, buildpack).
 */
export function serializeApp(app: App, owner: Pick<Account, 'id' | 'email'>, urls: ApiDeps['urls'], current?: CurrentReleaseSummary, repoSize: number | null = null, team?: { id: string; name: string }) {
  return {
    acm: false,
    archived_at: null,
    buildpack_provided_description: current?.buildpackProvidedDescription ?? null,
    build_stack: { id: STACK.id, name: app.buildStack },
    created_at: app.createdAt,
    create_status: 'complete',
    generation: { id: '5e9f4e36-5d7c-4d3b-9f0e-2f2f6ad4c0a1', name: 'cedar' },
    git_url: urls.gitUrl(app.name),
    id: app.id,
    internal_routing: null,
    maintenance: app.maintenance,
    name: app.name,
    owner: { email: owner.email, id: owner.id },
    organization: team ? { id: team.id, name: team.name } : null,
    team: team ? { id: team.id, name: team.name } : null,
    process_tier: 'production',
    region: { id: REGION.id, name: app.region },
    released_at: current?.releasedAt ?? app.releasedAt,
    repo_size: repoSize,
    slug_size: current?.slugSize ?? null,
    space: null,
    stack: { id: STACK.id, name: app.stack },
    updated_at: app.updatedAt,
    web_url: urls.webUrl(app.name),
  };
}

export function serializeAccount(account: Account) {
  return {
    allow_tracking: false,
    beta: false,
    created_at: account.createdAt,
    email: account.email,
    federated: false,
    id: account.id,
    identity_provider: null,
    last_login: null,
    name: account.name,
    sms_number: null,
    suspended_at: null,
    delinquent_at: null,
    two_factor_authentication: false,
    updated_at: account.updatedAt,
    verified: true,
    country_of_residence: null,
    default_organization: null,
    default_team: null,
    berth_admin: account.isAdmin,
  };
}

/** `token` is present only in the response that created the key. */
export function serializeAuthorization(authorization: Authorization, account: Account, now: Date, token?: string) {
  const expiresIn =
    authorization.expiresAt === null ? null : Math.max(0, Math.round((Date.parse(authorization.expiresAt) - now.getTime()) / 1000));
  return {
    access_token: { expires_in: expiresIn, id: authorization.id, token: token ?? null },
    client: null,
    created_at: authorization.createdAt,
    description: authorization.description,
    grant: null,
    id: authorization.id,
    refresh_token: null,
    scope: authorization.scope,
    session: authorization.session ? { id: authorization.id } : null,
    updated_at: authorization.updatedAt,
    user: { email: account.email, full_name: account.name, id: account.id },
  };
}

export function serializeRegion(createdAt: string) {
  return {
    country: 'Local',
    created_at: createdAt,
    description: 'This Berth installation',
    id: REGION.id,
    locale: 'local',
    name: REGION.name,
    private_capable: false,
    provider: { name: 'berth', region: REGION.name },
    updated_at: createdAt,
  };
}

/** Heroku's stack fields, plus Berth's: what it is built from, the image version dynos start on. */
export function serializeStack(stack: StackInfo, createdAt: string, host?: StackDescription) {
  return {
    created_at: createdAt,
    default: stack.id === DEFAULT_STACK.id,
    id: stack.id,
    name: stack.name,
    state: 'public',
    updated_at: host?.builtAt ?? createdAt,
    base: stack.base,
    dyno_root: host?.dynoRoot ?? null,
    image_state: host?.state ?? null,
    version: host?.version ?? null,
    built_at: host?.builtAt ?? null,
    content_hash: host?.contentHash ?? null,
    run_image_bytes: host?.runImageBytes ?? null,
    build_image_bytes: host?.buildImageBytes ?? null,
    packages: host?.packages ?? null,
  };
}
