import type { Command } from '../command.js';
import { accountsCreate } from './accounts-create.js';
import { apps } from './apps.js';
import { appsCreate } from './apps-create.js';
import { appsDestroy } from './apps-destroy.js';
import { appsInfo } from './apps-info.js';
import { appsRename } from './apps-rename.js';
import { authToken } from './auth-token.js';
import { authWhoami } from './auth-whoami.js';
import { gitRemote } from './git-remote.js';
import { login } from './login.js';
import { logout } from './logout.js';
import { test } from './test.js';
import { up } from './up.js';

/** Every `berth` command, in the order `berth help` lists them. */
export const COMMANDS: readonly Command[] = [
  login,
  logout,
  authWhoami,
  authToken,
  apps,
  appsCreate,
  appsInfo,
  appsRename,
  appsDestroy,
  gitRemote,
  accountsCreate,
  up,
  test,
];
