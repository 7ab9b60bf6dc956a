/** The `collaborator` shape as the CLI reads it (src/api/serialize-collaborator.ts). */
export interface CollaboratorJson {
  id: string;
  role: string;
  permissions: Array<{ name: string; description: string }>;
  user: { email: string; id: string };
  app: { id: string; name: string };
}
