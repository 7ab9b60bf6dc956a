// The buildpack registry API (Heroku's buildpack-registry.heroku.com) for Berth's built-in
// buildpacks, under /buildpack-registry on the API: HEROKU_BUILDPACK_REGISTRY_URL points here, so
// `heroku buildpacks:set heroku/nodejs`, `buildpacks:search` and `buildpacks:info` resolve
// locally. A built-in's blob_url is `urn:buildpack:heroku/NAME`, as Heroku's official ones are.
// Unauthenticated, like Heroku's: it only describes what ships with Berth.
import { BUILTIN_BUILDPACKS, BUILTIN_DESCRIPTIONS, BUILTIN_SERIALS, type BuiltinBuildpack } from '../../core/builtin-buildpacks.js';
import { PlatformError } from '../../core/errors.js';
import { BUILDPACK_REGISTRY_PATH } from '../../core/heroku-env.js';
import type { Route, RequestContext } from '../context.js';

/** Stable ids, one per built-in (its serial, never its place in the detection order). */
const idOf = (name: BuiltinBuildpack) => `00000000-0000-4000-8000-${String(BUILTIN_SERIALS[name]).padStart(12, '0')}`;

function entry(name: BuiltinBuildpack) {
  return {
    id: idOf(name),
    namespace: 'heroku',
    name,
    description: BUILTIN_DESCRIPTIONS[name],
    category: 'languages',
    blob_url: `urn:buildpack:heroku/${name}`,
    support: { method: 'unsupported' },
    source: { type: 'berth' },
    two_factor_authentication: false,
  };
}

function revision(name: BuiltinBuildpack) {
  return { id: idOf(name), buildpack_id: idOf(name), release: 1, status: 'published', license: 'MIT', tar_link: `urn:buildpack:heroku/${name}` };
}

/** `heroku/nodejs` or a built-in's id; bare names are not registry names. */
function find(ctx: RequestContext): BuiltinBuildpack | undefined {
  const slug = ctx.params.buildpack as string;
  return BUILTIN_BUILDPACKS.find((name) => slug === `heroku/${name}` || slug === idOf(name));
}

const missing = (ctx: RequestContext): never => {
  throw new PlatformError('not_found', `Couldn't find buildpack ${JSON.stringify(ctx.params.buildpack)} in Berth's registry: it holds ${BUILTIN_BUILDPACKS.map((b) => `heroku/${b}`).join(', ')}. Other buildpacks are set by git URL.`);
};

/** `in[namespace][]=…`, `in[name][]=…`, `like[description]=…`, as the registry client sends them. */
function matches(url: URL, name: BuiltinBuildpack): boolean {
  const namespaces = url.searchParams.getAll('in[namespace][]');
  const names = url.searchParams.getAll('in[name][]');
  const like = url.searchParams.get('like[description]');
  return (namespaces.length === 0 || namespaces.includes('heroku')) &&
    (names.length === 0 || names.includes(name)) &&
    (like === null || BUILTIN_DESCRIPTIONS[name].toLowerCase().includes(like.toLowerCase()));
}

export const buildpackRegistryRoutes: Route[] = [
  {
    method: 'GET',
    path: `${BUILDPACK_REGISTRY_PATH}/buildpacks`,
    access: 'public',
    auth: 'none',
    handler: async (ctx) => ({ status: 200, body: BUILTIN_BUILDPACKS.filter((name) => matches(ctx.url, name)).map(entry) }),
  },
  {
    method: 'GET',
    path: `${BUILDPACK_REGISTRY_PATH}/buildpacks/:buildpack`,
    access: 'public',
    auth: 'none',
    async handler(ctx) {
      const name = find(ctx);
      return name ? { status: 200, body: entry(name) } : missing(ctx);
    },
  },
  {
    method: 'GET',
    path: `${BUILDPACK_REGISTRY_PATH}/buildpacks/:buildpack/revisions`,
    access: 'public',
    auth: 'none',
    async handler(ctx) {
      const name = find(ctx);
      return name ? { status: 200, body: [revision(name)] } : missing(ctx);
    },
  },
  {
    method: 'GET',
    path: `${BUILDPACK_REGISTRY_PATH}/buildpacks/:buildpack/readme`,
    access: 'public',
    auth: 'none',
    async handler(ctx) {
      const name = find(ctx);
      return name ? { status: 200, body: { content: `heroku/${name}: ${BUILTIN_DESCRIPTIONS[name]}.`, encoding: 'utf8' } } : missing(ctx);
    },
  },
];
