import { createHash, randomBytes } from 'node:crypto';
import { APP_PERMISSIONS, type TeamRole } from '../../core/access-policy.js';
import { notFound, PlatformError } from '../../core/errors.js';
import { validateTeamName } from '../../core/team-name.js';
import type { Team, TeamInvitation } from '../../store/port.js';
import type { RequestContext, Route } from '../context.js';
import { identityField } from '../addon-params.js';
import { findAccount } from '../find-account.js';
import { serializePermissions } from '../serialize-collaborator.js';
import { serializeInvitation, serializeMember, serializeTeam } from '../serialize-team.js';
import { routeTeam, teamRoleOf } from '../team-access.js';

/**
 * Teams (Heroku's team API): any account creates one and is its first admin; admins add members
 * (role admin or member), invite people by email (Berth sends no mail: the answer carries the
 * link) and manage the team; every member sees the team, its members and its apps.
 */

const INVITATION_DAYS = 7;
const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

function roleField(body: Record<string, unknown>): TeamRole {
  const role = body.role ?? 'member';
  if (role !== 'admin' && role !== 'member') throw new PlatformError('invalid_params', 'role must be "admin" or "member".');
  return role;
}

async function memberJson(ctx: RequestContext, teamId: string, accountId: string) {
  const member = await ctx.deps.store.teams.member(teamId, accountId);
  const account = await ctx.deps.store.accounts.findById(accountId);
  if (!member || !account) throw notFound('team member', accountId);
  return serializeMember(member, account);
}

/** Refuses leaving a team without an admin (demoting or removing its last one). */
async function keepAnAdmin(ctx: RequestContext, team: Team, accountId: string): Promise<void> {
  const admins = (await ctx.deps.store.teams.members(team.id)).filter((m) => m.role === 'admin');
  if (admins.length === 1 && admins[0]?.accountId === accountId) {
    throw new PlatformError('invalid_params', `This is the last admin of team ${team.name}: make another member admin first (a team always has an admin).`);
  }
}

async function invitationJson(ctx: RequestContext, invitation: TeamInvitation, team: Team, acceptUrl?: string) {
  const by = invitation.invitedBy === null ? undefined : await ctx.deps.store.accounts.findById(invitation.invitedBy);
  return serializeInvitation(invitation, team, by, acceptUrl);
}

/** A live invitation by its token; the same 404 for an unknown and an expired one. */
async function invitationByToken(ctx: RequestContext): Promise<{ invitation: TeamInvitation; team: Team }> {
  const invitation = await ctx.deps.store.teams.findInvitation(hashToken(ctx.params.token as string));
  const team = invitation && (await ctx.deps.store.teams.findById(invitation.teamId));
  if (!invitation || !team || invitation.expiresAt <= ctx.deps.now().toISOString()) throw notFound('team invitation', 'this link (it may have expired: ask for a new one)');
  return { invitation, team };
}

async function putMember(ctx: RequestContext) {
  const team = routeTeam(ctx);
  const body = await ctx.body();
  const account = await findAccount(ctx, identityField(body, 'email', 'teammate@example.com'));
  const role = roleField(body);
  if (role !== 'admin') await keepAnAdmin(ctx, team, account.id);
  const { created } = await ctx.deps.store.teams.putMember(team.id, account.id, role);
  return { status: created ? 201 : 200, body: await memberJson(ctx, team.id, account.id) };
}

export const teamRoutes: Route[] = [
  {
    method: 'GET',
    path: '/teams',
    access: 'account',
    async handler(ctx) {
      const teams = await ctx.deps.store.teams.list({ memberId: ctx.account.id });
      return { status: 200, body: await Promise.all(teams.map(async (t) => serializeTeam(t, (await teamRoleOf(ctx, t.id, ctx.account.id)) ?? null))) };
    },
  },
  {
    method: 'POST',
    path: '/teams',
    access: 'account',
    async handler(ctx) {
      const body = await ctx.body();
      const team = await ctx.deps.store.teams.create(validateTeamName(body.name), ctx.account.id);
      return { status: 201, body: serializeTeam(team, 'admin') };
    },
  },
  {
    method: 'GET',
    path: '/teams/permissions',
    access: 'account',
    handler: async () => ({ status: 200, body: serializePermissions(APP_PERMISSIONS) }),
  },
  {
    method: 'GET',
    path: '/teams/:team',
    access: { team: 'member' },
    async handler(ctx) {
      const team = routeTeam(ctx);
      return { status: 200, body: serializeTeam(team, (await teamRoleOf(ctx, team.id, ctx.account.id)) ?? null) };
    },
  },
  {
    method: 'PATCH',
    path: '/teams/:team',
    access: { team: 'admin' },
    async handler(ctx) {
      const body = await ctx.body();
      const team = body.name === undefined ? routeTeam(ctx) : await ctx.deps.store.teams.rename(routeTeam(ctx).id, validateTeamName(body.name));
      return { status: 200, body: serializeTeam(team, 'admin') };
    },
  },
  {
    method: 'DELETE',
    path: '/teams/:team',
    access: { team: 'admin' },
    async handler(ctx) {
      const team = routeTeam(ctx);
      await ctx.deps.store.teams.delete(team.id);
      return { status: 200, body: serializeTeam(team, 'admin') };
    },
  },
  {
    method: 'GET',
    path: '/teams/:team/features',
    access: { team: 'member' },
    async handler(ctx) {
      // Per-app permissions are always on (the official CLI then sends --permissions); invitations are Berth's own.
      const team = routeTeam(ctx);
      const feature = (name: string, enabled: boolean, description: string) => ({
        created_at: team.createdAt, description, display_name: name, doc_url: '', enabled, feedback_email: '', id: name, name, state: 'general', updated_at: team.updatedAt,
      });
      return { status: 200, body: [feature('org-access-controls', true, 'Per-app permissions for team members.'), feature('team-invite-acceptance', false, 'Members join by invitation.')] };
    },
  },
  {
    method: 'GET',
    path: '/teams/:team/members',
    access: { team: 'member' },
    async handler(ctx) {
      const team = routeTeam(ctx);
      const members = await ctx.deps.store.teams.members(team.id);
      return { status: 200, body: await Promise.all(members.map((m) => memberJson(ctx, team.id, m.accountId))) };
    },
  },
  { method: 'PUT', path: '/teams/:team/members', access: { team: 'admin' }, handler: putMember },
  { method: 'POST', path: '/teams/:team/members', access: { team: 'admin' }, handler: putMember },
  { method: 'PATCH', path: '/teams/:team/members', access: { team: 'admin' }, handler: putMember },
  {
    method: 'DELETE',
    path: '/teams/:team/members/:member',
    // Removing someone else needs the admin role (checked below); leaving needs membership only.
    access: { team: 'member' },
    async handler(ctx) {
      const team = routeTeam(ctx);
      const account = await findAccount(ctx, ctx.params.member as string);
      if (account.id !== ctx.account.id) await ctx.access.policy.findTeam(ctx.account, team.id, 'admin');
      const json = await memberJson(ctx, team.id, account.id);
      await keepAnAdmin(ctx, team, account.id);
      await ctx.deps.store.teams.removeMember(team.id, account.id);
      return { status: 200, body: json };
    },
  },
  {
    method: 'GET',
    path: '/teams/:team/invitations',
    access: { team: 'admin' },
    async handler(ctx) {
      const team = routeTeam(ctx);
      const invitations = await ctx.deps.store.teams.invitations(team.id);
      return { status: 200, body: await Promise.all(invitations.map((i) => invitationJson(ctx, i, team))) };
    },
  },
  {
    method: 'PUT',
    path: '/teams/:team/invitations',
    access: { team: 'admin' },
    throttle: { kind: 'invitation', emailField: 'email' },
    async handler(ctx) {
      const team = routeTeam(ctx);
      const body = await ctx.body();
      const email = identityField(body, 'email', 'teammate@example.com');
      if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw new PlatformError('invalid_params', `email ${JSON.stringify(email)} is invalid: it must look like user@example.com.`);
      const existing = await ctx.deps.store.accounts.findByEmail(email);
      if (existing && (await ctx.deps.store.teams.member(team.id, existing.id))) throw new PlatformError('conflict', `${email} is already a member of team ${team.name}.`);
      // Accepting creates the account: with sign-up off, only a site admin may hand that out.
      if (!existing && !ctx.account.isAdmin && (await ctx.deps.store.platformSettings.get('signup')) !== 'on') {
        throw new PlatformError('forbidden', `${email} has no account, and self-service sign-up is off: only an admin can invite someone new (or create the account with berth accounts:create, then add it).`);
      }
      const token = randomBytes(24).toString('base64url');
      const expiresAt = new Date(ctx.deps.now().getTime() + INVITATION_DAYS * 86_400_000).toISOString();
      const invitation = await ctx.deps.store.teams.invite({ teamId: team.id, email, role: roleField(body), tokenHash: hashToken(token), invitedBy: ctx.account.id, expiresAt });
      return { status: 201, body: await invitationJson(ctx, invitation, team, ctx.deps.urls.apiUrl(`/teams/invitations/${token}`)) };
    },
  },
  {
    method: 'DELETE',
    path: '/teams/:team/invitations/:invitation',
    access: { team: 'admin' },
    async handler(ctx) {
      const team = routeTeam(ctx);
      const key = (ctx.params.invitation as string).toLowerCase();
      const invitation = (await ctx.deps.store.teams.invitations(team.id)).find((i) => i.id === key || i.email.toLowerCase() === key);
      if (!invitation) throw notFound('team invitation', ctx.params.invitation as string);
      await ctx.deps.store.teams.removeInvitation(invitation.id);
      return { status: 200, body: await invitationJson(ctx, invitation, team) };
    },
  },
  {
    // The token is the credential (an invitation link); no API key needed.
    method: 'GET',
    path: '/teams/invitations/:token',
    auth: 'none',
    access: 'public',
    throttle: { kind: 'invitation-link' },
    async handler(ctx) {
      const { invitation, team } = await invitationByToken(ctx);
      return { status: 200, body: await invitationJson(ctx, invitation, team) };
    },
  },
  {
    // Joins the team: an existing account by the invitation alone; a new one with {"password"}.
    method: 'POST',
    path: '/teams/invitations/:token/accept',
    auth: 'none',
    access: 'public',
    throttle: { kind: 'invitation-link' },
    async handler(ctx) {
      const { invitation, team } = await invitationByToken(ctx);
      const body = await ctx.body();
      let account = await ctx.deps.store.accounts.findByEmail(invitation.email);
      if (!account) {
        if (typeof body.password !== 'string') throw new PlatformError('invalid_params', `${invitation.email} has no account yet: send {"password": "…"} to create it (berth teams:join TOKEN asks for one).`);
        account = (await ctx.deps.accounts.create({ email: invitation.email, password: body.password })).account;
      }
      await ctx.deps.store.teams.putMember(team.id, account.id, invitation.role);
      await ctx.deps.store.teams.removeInvitation(invitation.id);
      return { status: 200, body: await memberJson(ctx, team.id, account.id) };
    },
  },
];
