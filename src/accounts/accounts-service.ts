import { PlatformError } from '../core/errors.js';
import type { Account, Authorization } from '../core/model.js';
import type { Store } from '../store/port.js';
import { generateApiKey, hashApiKey } from './api-keys.js';
import { generatePassword, hashPassword, verifyPassword } from './passwords.js';

const EMAIL = /^[^@\s]+@[^@\s]+$/;
export const MIN_PASSWORD_LENGTH = 8;
/**
 * A real scrypt hash of a password nobody knows, with the same parameters as every stored one:
 * a login for an unknown email verifies against it, so it costs exactly what a real one costs
 * and timing does not tell which emails have accounts.
 */
export const DUMMY_HASH = 'scrypt$32768$8$1$oe6QFPewvoETdL5yEo1dTw$of_SV7GBFC-S0hIoc49b4eid9UIDGOZCfGxjaxiaUkw';

export interface IssuedKey {
  authorization: Authorization;
  /** The API key itself: returned once, never stored. */
  token: string;
}

export interface Authenticated {
  account: Account;
  authorization: Authorization;
}

/** Accounts, passwords and API keys. The API edge and `bin/berth up` both go through here. */
export class Accounts {
  constructor(private readonly store: Store, private readonly now: () => Date = () => new Date()) {}

  /** Creates an account; without a password one is generated and returned (shown once). */
  async create(input: { email: string; password?: string; name?: string | null; isAdmin?: boolean }): Promise<{ account: Account; password: string }> {
    const email = input.email.trim();
    if (!EMAIL.test(email)) throw new PlatformError('invalid_params', `Email ${JSON.stringify(input.email)} is invalid: it must look like user@example.com.`);
    const password = input.password ?? generatePassword();
    checkPassword(password);
    const account = await this.store.accounts.create({
      email,
      name: input.name ?? null,
      passwordHash: await hashPassword(password),
      isAdmin: input.isAdmin ?? false,
    });
    return { account, password };
  }

  async setPassword(account: Account, currentPassword: unknown, newPassword: unknown): Promise<Account> {
    if (typeof newPassword !== 'string') throw new PlatformError('invalid_params', 'password must be a string.');
    if (account.passwordHash !== null) {
      if (typeof currentPassword !== 'string' || !(await verifyPassword(currentPassword, account.passwordHash))) {
        throw new PlatformError('invalid_params', 'current_password is incorrect.');
      }
    }
    checkPassword(newPassword);
    return this.store.accounts.update(account.id, { passwordHash: await hashPassword(newPassword) });
  }

  /** Email + password login; the same error for an unknown email and a wrong password. */
  async login(email: string, password: string): Promise<Account> {
    const account = await this.store.accounts.findByEmail(email);
    const ok = await verifyPassword(password, account?.passwordHash ?? DUMMY_HASH);
    if (!account?.passwordHash || !ok) throw new PlatformError('unauthorized', 'Invalid credentials provided: email or password is wrong.');
    return account;
  }

  /** A new API key; `session` marks one a login (email + password) minted. */
  async issueKey(accountId: string, description: string, expiresInSeconds?: number, scope: string[] = ['global'], session = false): Promise<IssuedKey> {
    const token = generateApiKey();
    const expiresAt = expiresInSeconds ? new Date(this.now().getTime() + expiresInSeconds * 1000).toISOString() : null;
    const authorization = await this.store.authorizations.create({ accountId, description, tokenHash: hashApiKey(token), scope, expiresAt, session });
    return { authorization, token };
  }

  /** Replaces an authorization's key with a new one (the old key, and dashboard logins made with it, stop working at once). */
  async regenerateKey(authorization: Authorization): Promise<IssuedKey> {
    const token = generateApiKey();
    const updated = await this.store.authorizations.update(authorization.id, { tokenHash: hashApiKey(token) });
    if (!updated) throw new PlatformError('not_found', `Couldn't find that authorization: ${authorization.id}.`, { resource: 'authorization' });
    // Dashboard logins made with the old key end with it.
    await this.store.dashboardSessions.deleteForAuthorization(authorization.id);
    return { authorization: updated, token };
  }

  /** Resolves an API key to its account, or undefined when unknown, expired or revoked. */
  async authenticate(token: string): Promise<Authenticated | undefined> {
    const authorization = await this.store.authorizations.findByTokenHash(hashApiKey(token));
    if (!authorization) return undefined;
    if (authorization.expiresAt !== null && Date.parse(authorization.expiresAt) <= this.now().getTime()) return undefined;
    const account = await this.store.accounts.findById(authorization.accountId);
    return account && { account, authorization };
  }

  /**
   * First start: creates the admin account and its API key. Returns the key when it was created
   * now, undefined when an account already existed.
   */
  async bootstrapAdmin(email: string): Promise<string | undefined> {
    return this.store.transaction(async (tx) => {
      if ((await tx.accounts.count()) > 0) return undefined;
      const account = await tx.accounts.create({ email, name: 'Admin', passwordHash: null, isAdmin: true });
      const { token } = await new Accounts(tx, this.now).issueKey(account.id, 'Admin API key created by berth up');
      return token;
    });
  }
}

function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new PlatformError('invalid_params', `Password is too short: use at least ${MIN_PASSWORD_LENGTH} characters.`);
  }
}
