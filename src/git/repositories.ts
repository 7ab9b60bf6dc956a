/**
 * Bare repositories at `<reposDir>/<appId>.git`, keyed by app id so renaming an app keeps its
 * history. Created on first use (init in a temp dir, then rename: concurrent first pushes never
 * see a half-made repository) and given Berth's pre-receive hook, rewritten whenever it differs
 * from what this build of Berth would install (new node path, new dist path, edited by hand).
 *
 * git (2.39) leaves a push's quarantine directory (objects/tmp_objdir-incoming-*) behind when
 * receive-pack is killed. Every push goes through this service, so when no push to a repository
 * is running, none of its quarantine directories is live: they are swept then (before the first
 * of a batch of pushes starts, and after a push that was killed or failed).
 */
import { chmod, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runGit, type GitEnvironment } from './git-command.js';

const APP_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

/** Set on every new repository. Deletion of main/master is refused by the hook, not by git. */
const REPO_CONFIG: Array<[string, string]> = [
  ['receive.denyNonFastForwards', 'false'], // force pushes work, as on Heroku
  ['receive.denyDeletes', 'false'], // other branches may be deleted
  ['core.logAllRefUpdates', 'true'], // a reflog, so a force push can be undone by hand
];

/** The hook installed in every repository: a shell stub that runs the hook program with node. */
export function hookScript(nodePath: string, scriptPath: string): string {
  const quote = (s: string): string => `'${s.replaceAll("'", `'\\''`)}'`;
  return [
    '#!/bin/sh',
    '# Installed by Berth; rewritten automatically when outdated. Do not edit.',
    'unset NODE_EXTRA_CA_CERTS NODE_OPTIONS',
    `exec ${quote(nodePath)} ${quote(scriptPath)} "$@"`,
    '',
  ].join('\n');
}

interface ActivePushes {
  count: number;
  sweep: Promise<void>;
}

export class Repositories {
  private readonly created = new Map<string, Promise<string>>();
  private readonly active = new Map<string, ActivePushes>();

  constructor(
    private readonly reposDir: string,
    private readonly git: GitEnvironment,
    private readonly hook: string,
  ) {}

  pathFor(appId: string): string {
    if (!APP_ID.test(appId)) throw new Error(`invalid app id for a repository name: ${JSON.stringify(appId)}`);
    return join(this.reposDir, `${appId}.git`);
  }

  /** The repository for `appId`, created if missing. With `forPush`, its hook is checked too. */
  async ensure(appId: string, forPush: boolean): Promise<string> {
    const path = this.pathFor(appId);
    let creating = this.created.get(appId);
    if (!creating) {
      creating = this.create(path);
      this.created.set(appId, creating);
      creating.catch(() => this.created.delete(appId));
    }
    await creating;
    if (forPush) await this.installHook(path);
    return path;
  }

  /**
   * Call before starting receive-pack on `repo`; call the returned function (once) when it has
   * exited, with `abnormal` true if it was killed or failed.
   */
  async beginPush(repo: string): Promise<(abnormal: boolean) => Promise<void>> {
    let entry = this.active.get(repo);
    if (!entry) {
      entry = { count: 0, sweep: this.sweepQuarantine(repo) }; // leftovers of a crash
      this.active.set(repo, entry);
    }
    const mine = entry;
    mine.count += 1;
    await mine.sweep;
    let ended = false;
    return async (abnormal) => {
      if (ended) return;
      ended = true;
      mine.count -= 1;
      if (mine.count > 0) return;
      if (abnormal) mine.sweep = mine.sweep.then(() => this.sweepQuarantine(repo));
      await mine.sweep;
      if (mine.count === 0 && this.active.get(repo) === mine) this.active.delete(repo);
    };
  }

  private async sweepQuarantine(repo: string): Promise<void> {
    const objects = join(repo, 'objects');
    const entries = await readdir(objects).catch(() => [] as string[]);
    await Promise.all(entries
      .filter((e) => e.startsWith('tmp_objdir-incoming-'))
      .map((e) => rm(join(objects, e), { recursive: true, force: true }).catch(() => {})));
  }

  private async create(path: string): Promise<string> {
    if (await stat(join(path, 'HEAD')).then(() => true, () => false)) return path;
    await mkdir(this.reposDir, { recursive: true, mode: 0o700 });
    const work = await mkdtemp(join(this.reposDir, '.init-'));
    try {
      await runGit(this.git, ['init', '--bare', '--quiet', '--template=', '--initial-branch=main', work]);
      for (const [key, value] of REPO_CONFIG) await runGit(this.git, ['config', key, value], { cwd: work });
      await this.installHook(work);
      await rename(work, path).catch((err: NodeJS.ErrnoException) => {
        // Another process made it first; theirs is as good as ours.
        if (err.code !== 'ENOTEMPTY' && err.code !== 'EEXIST') throw err;
      });
    } finally {
      await rm(work, { recursive: true, force: true });
    }
    return path;
  }

  private async installHook(repo: string): Promise<void> {
    const file = join(repo, 'hooks', 'pre-receive');
    const [current, info] = await Promise.all([
      readFile(file, 'utf8').catch(() => undefined),
      stat(file).catch(() => undefined),
    ]);
    if (current === this.hook && info && (info.mode & 0o111) === 0o111) return;
    await mkdir(join(repo, 'hooks'), { recursive: true });
    const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}`;
    await writeFile(temp, this.hook, { mode: 0o755 });
    await chmod(temp, 0o755);
    await rename(temp, file);
  }
}
