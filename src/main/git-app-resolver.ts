/**
 * git push and fetch under the access policy: both need the deploy permission (Heroku's "view
 * code (git pull)" and "push code"), decided by the same AppPolicy as every API route.
 */
import { AppPolicy } from '../accounts/app-policy.js';
import { PlatformError } from '../core/errors.js';
import type { GitServiceOptions } from '../git/git-service.js';
import type { Store } from '../store/port.js';

export function gitAppResolver(store: Store): GitServiceOptions['resolveApp'] {
  const policy = new AppPolicy(store);
  return async (name, accountId) => {
    const account = await store.accounts.findById(accountId);
    if (!account) return 'not_found';
    try {
      const app = await policy.find(account, name, 'deploy');
      return { appId: app.id, appName: app.name };
    } catch (err) {
      if (err instanceof PlatformError && err.id === 'not_found') return 'not_found';
      if (err instanceof PlatformError && err.id === 'forbidden') return { refused: err.message };
      throw err;
    }
  };
}
