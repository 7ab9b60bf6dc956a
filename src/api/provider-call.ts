import { AddonProviderError } from '../core/addon-provider.js';
import { CONFIG_VAR_NAME } from '../core/config-vars.js';

/**
 * Calling an add-on provider: a deadline on every call, and provider answers checked before they
 * reach an app's config. Failures become AddonProviderError with a message for users.
 */

/** Runs a provider method so that a synchronous throw becomes a rejection like any other failure. */
export function invoke<T>(method: () => Promise<T>): Promise<T> {
  return Promise.resolve().then(method);
}

/** Resolves with the provider's answer, or rejects with AddonProviderError after `timeoutMs`. */
export function callProvider<T>(call: Promise<T>, timeoutMs: number, service: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AddonProviderError(`the ${service} provider did not answer within ${Math.round(timeoutMs / 100) / 10} s.`)), timeoutMs);
  });
  return Promise.race([call, deadline]).finally(() => clearTimeout(timer));
}

const SUFFIX = /^[A-Z0-9][A-Z0-9_]*$/;

/** Refuses config a provider answered that cannot become config vars (garbage in, nothing set). */
export function checkProviderConfig(config: unknown): asserts config is Record<string, string> {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) throw new AddonProviderError('the provider answered no config object.');
  for (const [suffix, value] of Object.entries(config)) {
    if (!SUFFIX.test(suffix) || !CONFIG_VAR_NAME.test(`X_${suffix}`)) throw new AddonProviderError(`the provider answered an invalid config name ${JSON.stringify(suffix.slice(0, 40))}.`);
    if (typeof value !== 'string' || value.includes('\0')) throw new AddonProviderError(`the provider answered a config value for ${suffix} that is not a string.`);
  }
}

/** The user's words for a provider failure; a provider bug shows its message, not its stack. */
export function describeFailure(err: unknown): string {
  const text = err instanceof AddonProviderError ? err.message : `the provider failed unexpectedly (${err instanceof Error ? err.message : String(err)}).`;
  const trimmed = text.trim();
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}
