// The HTTP-01 challenges (and reachability probes) the router answers, per app, until removed.

/**
 * Pending answers at `/.well-known/acme-challenge/TOKEN`, by app. The route sync reads an app's
 * (`of`) into its routing config; every change calls `changed(appId)`, whose promise resolves once
 * the host agent has the new config, so a caller may tell the CA to validate right after.
 */
export class ChallengeBoard {
  private readonly byApp = new Map<string, Map<string, string>>();

  constructor(private changed: (appId: string) => Promise<void> = async () => undefined) {}

  /** Where changes go (the route sync's push); set once at wiring. */
  onChange(changed: (appId: string) => Promise<void>): void {
    this.changed = changed;
  }

  of(appId: string): Record<string, string> | undefined {
    const tokens = this.byApp.get(appId);
    return tokens && tokens.size > 0 ? Object.fromEntries(tokens) : undefined;
  }

  async set(appId: string, token: string, answer: string): Promise<void> {
    const tokens = this.byApp.get(appId) ?? new Map<string, string>();
    this.byApp.set(appId, tokens);
    tokens.set(token, answer);
    await this.changed(appId);
  }

  async remove(appId: string, token: string): Promise<void> {
    const tokens = this.byApp.get(appId);
    if (!tokens?.delete(token)) return;
    if (tokens.size === 0) this.byApp.delete(appId);
    await this.changed(appId);
  }
}
