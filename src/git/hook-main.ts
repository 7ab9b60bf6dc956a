/**
 * Entry point of the pre-receive hook process (see pre-receive-hook.ts). Like src/main for the
 * control plane, this is the composition root of its own small process and the one file of the
 * git component that reads the environment: the socket, the push token and git's quarantine
 * directories all arrive there.
 */
import { HOOK_SOCKET_ENV, HOOK_TOKEN_ENV } from './hook-protocol.js';
import { runPreReceiveHook } from './pre-receive-hook.js';

process.exitCode = await runPreReceiveHook({
  socketPath: process.env[HOOK_SOCKET_ENV],
  token: process.env[HOOK_TOKEN_ENV],
  objectDirectory: process.env.GIT_OBJECT_DIRECTORY,
  alternateObjectDirectories: process.env.GIT_ALTERNATE_OBJECT_DIRECTORIES,
  stdin: process.stdin,
  stdout: process.stdout,
});
