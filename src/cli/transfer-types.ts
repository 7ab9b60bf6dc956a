/** The `app-transfer` shape as the CLI reads it (src/api/resources/app-transfers.ts). */
export interface AppTransferJson {
  id: string;
  app: { id: string; name: string | null };
  owner: { email: string; id: string };
  recipient: { email: string; id: string };
  state: 'pending' | 'accepted' | 'declined';
  created_at: string;
}
