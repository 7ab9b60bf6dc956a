// Settings: config vars, domains and certificates, maintenance, buildpacks, collaborators,
// rename and delete.
import type { AppJson } from '../api/types.js';
import { ConfigVars } from './settings-config-vars.js';
import { Domains } from './settings-domains.js';
import { Buildpacks, Collaborators, Maintenance, RenameAndDelete } from './settings-app.js';

export function SettingsTab({ app, onChanged }: { app: AppJson; onChanged(): void }) {
  return (
    <div class="settings">
      <h2>Settings</h2>
      <ConfigVars app={app.name} />
      <Domains app={app.name} />
      <Maintenance app={app} onChanged={onChanged} />
      <Buildpacks app={app.name} />
      <Collaborators app={app.name} />
      <RenameAndDelete app={app} />
    </div>
  );
}
