// An add-on provider for API tests, implementing the AddonProvider port (a port may have a
// test implementation; Berth's real Postgres, Redis and partner providers have their own tests).
// It keeps its resources in memory and can be told to fail, hang, answer garbage or go async.

import { AddonProviderError, type AddonProvider, type AddonResource, type ProvisionRequest, type ProvisionResult } from '../../src/core/addon-provider.js';
import type { AddonServiceSpec } from '../../src/core/addon-catalog.js';

/** `sync-throw`: a buggy provider whose method throws before returning a promise. */
export type ProviderMode = 'ok' | 'fail' | 'hang' | 'garbage' | 'async' | 'throw' | 'sync-throw';

export class TestAddonProvider implements AddonProvider {
  /** What the next calls do. */
  mode: ProviderMode = 'ok';
  /** Live resources by add-on id. */
  readonly resources = new Map<string, { plan: string; providerId: string; options: Record<string, string> }>();
  readonly calls: Array<{ op: 'provision' | 'changePlan' | 'deprovision'; addonId: string; plan?: string }> = [];
  /** Requests that were answered `provisioning`, to complete later through the config sink. */
  readonly pending: ProvisionRequest[] = [];
  private hung: Array<() => void> = [];
  private serial = 0;

  constructor(readonly service: string, readonly serviceSpec?: AddonServiceSpec) {}

  /** The URL a resource's config carries (`URL` suffix). */
  static urlOf(service: string, addonName: string, generation = 1): string {
    return `${service}://user:secret-${generation}@db.example.test/${addonName}`;
  }

  provision(request: ProvisionRequest): Promise<ProvisionResult> {
    this.calls.push({ op: 'provision', addonId: request.addonId, plan: request.plan });
    if (this.mode === 'sync-throw') throw new RangeError('thrown synchronously');
    return this.provisionLater(request);
  }

  private async provisionLater(request: ProvisionRequest): Promise<ProvisionResult> {
    await this.misbehave();
    const providerId = `res-${++this.serial}`;
    if (this.mode === 'async') {
      this.pending.push(request);
      this.resources.set(request.addonId, { plan: request.plan, providerId, options: request.options });
      return { state: 'provisioning', providerId, message: 'Provisioning in the background.' };
    }
    if (this.mode === 'garbage') return { state: 'provisioned', providerId, config: { 'not a name!': 'x' } };
    this.resources.set(request.addonId, { plan: request.plan, providerId, options: request.options });
    return { state: 'provisioned', providerId, config: { URL: TestAddonProvider.urlOf(this.service, request.addonName) }, message: `${request.addonName} is ready.` };
  }

  async changePlan(resource: AddonResource, plan: string): Promise<{ config?: Record<string, string>; message?: string }> {
    this.calls.push({ op: 'changePlan', addonId: resource.addonId, plan });
    await this.misbehave();
    const live = this.resources.get(resource.addonId);
    if (!live) throw new AddonProviderError(`no resource ${resource.addonId}`);
    live.plan = plan;
    return { config: { URL: TestAddonProvider.urlOf(this.service, resource.addonName, 2) }, message: `Now on ${plan}.` };
  }

  async deprovision(resource: AddonResource): Promise<void> {
    this.calls.push({ op: 'deprovision', addonId: resource.addonId });
    await this.misbehave();
    this.resources.delete(resource.addonId);
  }

  /** Lets every hung call go on (so nothing is left pending after a test). */
  release(): void {
    for (const go of this.hung.splice(0)) go();
  }

  private async misbehave(): Promise<void> {
    if (this.mode === 'fail') throw new AddonProviderError('the test provider is down');
    if (this.mode === 'throw') throw new TypeError('cannot read properties of undefined');
    if (this.mode === 'hang') await new Promise<void>((resolve) => this.hung.push(resolve));
  }
}
