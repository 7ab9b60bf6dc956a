#!/usr/bin/env node
import { runCli } from '../cli/main.js';
import { runBackupCommand } from './admin-backup.js';
import { runStackBuildCommand } from './stack-images.js';
import { parseUpOptions, UP_HELP } from './options.js';
import { startBerth } from './up.js';
import { canBindLowPorts } from './port-holder.js';

/** Process entry for bin/berth: `up` starts the platform, every other command is the CLI. */
async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'admin:backup' || argv[0] === 'admin:restore') {
    // Run here, on the data dir itself: the CLI edge cannot open the state.
    return runBackupCommand(argv[0], argv.slice(1), process.env, (text) => process.stdout.write(`${text}\n`));
  }
  if (argv[0] === 'stacks:build') {
    // Host-level, like backups: builds or verifies this machine's stack images (install.sh runs it).
    return runStackBuildCommand(argv.slice(1), process.env, (text) => process.stdout.write(`${text}\n`));
  }
  if (argv[0] !== 'up') {
    return runCli(argv, { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, cwd: process.cwd() });
  }
  let options;
  try {
    options = parseUpOptions(argv.slice(1), process.env, { canBindLowPorts: await canBindLowPorts() });
  } catch (err) {
    process.stderr.write(`Error: ${(err as Error).message}\n\n${UP_HELP}`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(UP_HELP);
    return 0;
  }
  // A control plane whose terminal or log pipe went away must still stop cleanly on SIGTERM
  // (and stop the host agent with it), not die of EPIPE on its next line of output.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
  // The signal handlers go in before start-up prints the banner: a SIGTERM sent the moment the
  // banner appears (by a service manager or a test) must stop Berth and its agent, not kill this
  // process by the default action and leave the agent running. A signal during start-up waits
  // for the start to finish, then stops everything it started.
  // SIGHUP (`systemctl reload berth`, a closed terminal) stops only the control plane: the host
  // agent, router and dynos keep serving, and the next `bin/berth up` (the upgraded code) adopts them.
  const signalled = new Promise<NodeJS.Signals>((resolve) => {
    const shutdown = (signal: NodeJS.Signals) => {
      process.stdout.write(signal === 'SIGHUP' ? `\nReceived SIGHUP, stopping the control plane; the host agent, router and dynos keep running...\n` : `\nReceived ${signal}, stopping Berth...\n`);
      for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.off(s, shutdown);
      resolve(signal);
    };
    for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(s, shutdown);
  });
  const berth = await startBerth(options, (text) => process.stdout.write(`${text}\n`));
  if ((await signalled) === 'SIGHUP') {
    await berth.detach();
    process.stdout.write('Control plane stopped; the host agent keeps serving. Start `bin/berth up` again to adopt it.\n');
    return 0;
  }
  await berth.stop();
  process.stdout.write('Berth stopped.\n');
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`Error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
