import { pathToFileURL } from 'node:url';

/**
 * The systemd unit `berth service:install` writes, as a pure function of this install: where
 * bin/berth is, the data dir and the `up` flags. Why each line:
 * - `KillMode=process`: systemd signals only `bin/berth up` (the control plane). SIGTERM is its
 *   clean stop (it stops the agent and dynos itself); when the control plane crashes, the agent,
 *   router and dynos it started stay up and the restarted control plane adopts them, as after
 *   `kill -9` (the default, control-group, would kill every dyno with it).
 * - `ExecReload` sends SIGHUP: the control plane alone exits (status 0) and `Restart=always`
 *   starts it again from the code now on disk, which adopts the running agent and dynos. That is
 *   the upgrade path (`git pull && systemctl reload berth`): no dyno restarts, no request is lost.
 *   `systemctl stop` / `restart` remain the full stop (systemd never restarts a unit it stopped).
 * - `Delegate=yes`: Berth manages cgroups below its own (cgroup v2 needs the delegation).
 * - `TasksMax=infinity`, `LimitNOFILE`: dynos and router connections live in this service;
 *   Berth caps dynos with its own cgroups.
 * - Output to journald (`journalctl -u berth`).
 */

export interface UnitOptions {
  /** Absolute path of bin/berth. */
  berthPath: string;
  /** The repository (bin/berth's parent): the working directory. */
  workDir: string;
  dataDir: string;
  /** Flags for `bin/berth up` besides --data-dir (`--domain example.com --bind 0.0.0.0`). */
  upArgs: readonly string[];
  /** PATH for the service: node's directory first, then the usual system ones. */
  path: string;
}

/** A command-line word quoted for systemd's ExecStart (which expands `%` specifiers and `$` variables). */
export function quoteExecArg(word: string): string {
  const escaped = word.replace(/%/g, '%%').replace(/\$/g, '$$$$');
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(escaped) ? escaped : `"${escaped.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export function systemdUnit(options: UnitOptions): string {
  const exec = [options.berthPath, 'up', '--data-dir', options.dataDir, ...options.upArgs].map(quoteExecArg).join(' ');
  return `# Written by \`berth service:install\`; remove it with \`berth service:uninstall\`.
[Unit]
Description=Berth, a self-hosted Heroku-compatible platform (API, git, dyno manager; the agent, router and dynos)
Documentation=${pathToFileURL(`${options.workDir}/README.md`).href.replace(/%/g, '%%')}
After=network-online.target
Wants=network-online.target

[Service]
Type=simple
WorkingDirectory=${options.workDir.replace(/%/g, '%%')}
Environment=${quoteExecArg(`PATH=${options.path}`)}
Environment=${quoteExecArg(`BERTH_DATA_DIR=${options.dataDir}`)}
ExecStart=${exec}
ExecReload=/bin/kill -HUP $MAINPID
Restart=always
RestartSec=2
KillMode=process
KillSignal=SIGTERM
TimeoutStopSec=120
Delegate=yes
TasksMax=infinity
LimitNOFILE=1048576
StandardOutput=journal
StandardError=journal
SyslogIdentifier=berth

[Install]
WantedBy=multi-user.target
`;
}
