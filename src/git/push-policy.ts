/**
 * What a push means, decided from its ref updates alone (pure): main or master deploys, other
 * refs are stored, deleting a deploy branch is refused, and main + master together is ambiguous.
 * Lines use Heroku's build-output conventions (`-----> ` steps, ` !     ` errors).
 */
import { isZeroSha, type RefUpdate } from './hook-protocol.js';

export const DEPLOY_BRANCHES = ['main', 'master'] as const;

export type PushDecision =
  | { kind: 'deploy'; deploy: RefUpdate; notes: string[] }
  | { kind: 'store'; notes: string[] }
  | { kind: 'reject'; lines: string[] };

const branchOf = (ref: string): string | undefined =>
  ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : undefined;

const isDeployBranch = (ref: string): boolean =>
  (DEPLOY_BRANCHES as readonly string[]).includes(branchOf(ref) ?? '');

export function decidePush(refs: readonly RefUpdate[]): PushDecision {
  const deletedDeploy = refs.find((r) => isDeployBranch(r.ref) && isZeroSha(r.newSha));
  if (deletedDeploy) {
    const branch = branchOf(deletedDeploy.ref) ?? deletedDeploy.ref;
    return {
      kind: 'reject',
      lines: [
        ` !     Deleting the ${branch} branch is not allowed: it is the branch Berth deploys.`,
        ' !     To take the app down, scale its dynos to zero or destroy the app instead.',
      ],
    };
  }
  const deploys = refs.filter((r) => isDeployBranch(r.ref));
  if (deploys.length > 1) {
    return {
      kind: 'reject',
      lines: [' !     This push updates both main and master; Berth deploys one branch per push.', ' !     Push main or master on its own.'],
    };
  }
  const notes: string[] = [];
  for (const r of refs) {
    const branch = branchOf(r.ref);
    if (branch === undefined || isDeployBranch(r.ref)) continue;
    notes.push(isZeroSha(r.newSha)
      ? `-----> Deleted branch ${branch} (only main or master deploys).`
      : `-----> Pushed to non-deploy branch ${branch}; only main or master deploys.`);
  }
  const [deploy] = deploys;
  return deploy ? { kind: 'deploy', deploy, notes } : { kind: 'store', notes };
}
