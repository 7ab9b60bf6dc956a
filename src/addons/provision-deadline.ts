/**
 * The deadline of an asynchronous partner provision: a provider that answered 202 must call
 * back (`POST /addons/:id/actions/provision`) within `deadlineMs`, or the add-on fails with a
 * message saying so. Until then it stays `provisioning` with the provider's message. `sweep`
 * is one pass; the composition root runs it on a timer, so the deadline survives restarts
 * (it is measured from the add-on's creation time in the store).
 */

export interface PendingAddon {
  id: string;
  name: string;
  service: string;
  createdAt: string;
}

export interface ProvisionDeadlinePort {
  /** Add-ons in state `provisioning`, any service. */
  provisioning(): Promise<PendingAddon[]>;
  /** The service's provider name when it is a partner service (whose provisions have a deadline). */
  partnerName(service: string): string | undefined;
  /** Marks it failed with `message` (no config changes), revokes its partner tokens. */
  fail(addon: PendingAddon, message: string): Promise<void>;
}

const minutes = (ms: number) => (ms % 60_000 === 0 ? `${ms / 60_000} minute${ms === 60_000 ? '' : 's'}` : `${Math.round(ms / 1000)} s`);

export class ProvisionDeadline {
  constructor(
    private readonly port: ProvisionDeadlinePort,
    private readonly deadlineMs: number,
    private readonly now: () => Date,
  ) {}

  /** Fails every partner add-on provisioning for longer than the deadline; returns their ids. */
  async sweep(): Promise<string[]> {
    const cutoff = new Date(this.now().getTime() - this.deadlineMs).toISOString();
    const failed: string[] = [];
    for (const addon of await this.port.provisioning()) {
      const provider = this.port.partnerName(addon.service);
      if (provider === undefined || addon.createdAt > cutoff) continue;
      await this.port.fail(addon, `The add-on provider ${provider} did not finish provisioning ${addon.name} within ${minutes(this.deadlineMs)}. Nothing changed on the app; destroy the add-on and try again.`);
      failed.push(addon.id);
    }
    return failed;
  }
}
