import type { Route } from '../context.js';

/**
 * GET /instance (Berth extension, any account): what a client needs to set up git for this
 * install without the operator's help: where app repositories live (`git_url_prefix`) and the
 * local CA that signs the git host's, the API's HTTPS and the `run` rendezvous's certificates
 * (`ca_certificate`, null when they carry publicly trusted ones). `berth login` saves the CA and
 * points git at it for that host only.
 */
export const instanceRoutes: Route[] = [
  {
    method: 'GET',
    path: '/instance',
    access: 'account',
    async handler(ctx) {
      const sample = new URL(ctx.deps.urls.gitUrl('app'));
      return {
        status: 200,
        body: {
          git_url_prefix: `${sample.origin}/`,
          ca_certificate: ctx.deps.localCaCertificate ?? null,
        },
      };
    },
  },
];
