/** Team shapes as the CLI reads them (src/api/serialize-team.ts). */
export interface TeamJson {
  id: string;
  name: string;
  role: string | null;
}

export interface TeamMemberJson {
  email: string;
  role: string;
}

export interface TeamInvitationJson {
  role: string;
  user: { email: string };
  team: { name: string };
  berth_accept_url?: string;
}
