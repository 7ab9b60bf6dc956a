// Wires automatic certificates (ACME) into the control plane: issuer, reachability check, challenges in the router.
import { readFile } from 'node:fs/promises';
import { AcmeIssuer } from '../acme/acme-issuer.js';
import { CertificateManager } from '../acme/certificate-manager.js';
import { ChallengeBoard } from '../acme/challenge-board.js';
import { ReachabilityCheck } from '../acme/reachability-check.js';
import type { RouteSync } from '../deploy/route-sync.js';
import type { Store } from '../store/port.js';
import type { AcmeOptions } from './options.js';

/** How often every hostname is looked at when nothing changes (renewals, retries after backoff). */
const DEFAULT_INTERVAL_MS = 15 * 60_000;

export interface AcmeWiring {
  store: Store;
  routes: RouteSync;
  domain: string;
  routerHttpPort: number;
  log(fields: Record<string, unknown>): void;
}

/**
 * The certificate manager of this control plane, not started yet: its challenges go into the
 * apps' routing config (RouteSync), every route push makes it look at the app again, and the
 * certificates it gets reach the router with the uploaded ones (RouteSync.certificates).
 */
export async function createCertificateManager(options: AcmeOptions, wiring: AcmeWiring): Promise<{ manager: CertificateManager; intervalMs: number }> {
  const { routes } = wiring;
  const board = new ChallengeBoard();
  routes.useChallenges((appId) => board.of(appId));
  board.onChange((appId) => routes.push(appId));
  const directoryCa = options.directoryCaFile ? await readFile(options.directoryCaFile, 'utf8') : undefined;
  const issuer = new AcmeIssuer(wiring.store, { directoryUrl: options.directoryUrl, ...(options.email ? { email: options.email } : {}), ...(directoryCa ? { directoryCa } : {}) });
  const reachability = new ReachabilityCheck({ routerHttpPort: () => wiring.routerHttpPort, ...(options.dnsServer ? { dnsServer: options.dnsServer } : {}) });
  const manager = new CertificateManager({
    store: wiring.store,
    issuer,
    reachability,
    board,
    platformDomain: wiring.domain,
    certificatesChanged: (appId) => routes.push(appId),
    log: wiring.log,
    now: () => new Date(),
    ...(options.retryBaseMs !== undefined ? { retryBaseMs: options.retryBaseMs } : {}),
  });
  routes.onPush(() => manager.kick());
  return { manager, intervalMs: options.intervalMs ?? DEFAULT_INTERVAL_MS };
}
