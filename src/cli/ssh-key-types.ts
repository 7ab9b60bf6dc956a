/** The `key` resource as `/account/keys` answers it, and how the CLI prints one. */
export interface SshKeyJson {
  id: string;
  comment: string;
  email: string;
  fingerprint: string;
  public_key: string;
  created_at: string;
}

/** `ssh-ed25519 AAAAC3NzaC...ptCDVp dev@laptop`: the key shortened the way Heroku's CLI does. */
export function shortKey(key: SshKeyJson): string {
  const [type = '', blob = ''] = key.public_key.split(' ');
  const short = blob.length > 23 ? `${blob.slice(0, 10)}...${blob.slice(-10)}` : blob;
  return `${type} ${short} ${key.comment || key.email}`;
}
