// The overview: the formation as a model (desired vs live per process type, green where they
// agree and red where not, the delta and the dyno manager's plan), each dyno's state and age,
// and the latest activity.
import type { AppJson, DynoJson, FormationJson, PlanJson, ReleaseJson } from '../api/types.js';
import { Loaded } from '../components/notice.js';
import { DynoState, HealthBadge } from '../components/status.js';
import { describeAction, formationModel, type TypeModel } from '../lib/formation-model.js';
import { appHref } from '../lib/route.js';
import { age } from '../lib/time.js';
import { useResource, useTick } from '../lib/use-resource.js';

/**
 * The overview's formation, dynos and plan refresh this often while the tab is shown: 3 requests
 * per 3 s is 3,600 an hour, inside the account's 4,500/hour API limit (a hidden tab stops).
 */
const OVERVIEW_POLL_MS = 3000;

function ModelRow({ model, now }: { model: TypeModel; now: number }) {
  const agree = model.health === 'ok' || model.health === 'idle';
  return (
    <section class={`model ${agree ? 'agree' : 'differ'}`} data-type={model.type} data-health={model.health} aria-labelledby={`model-${model.type}`}>
      <header>
        <h3 id={`model-${model.type}`}>
          {model.type} <small class="muted">{model.size}</small>
        </h3>
        <HealthBadge health={model.health} label={agree ? 'Desired = live' : 'Desired ≠ live'} />
      </header>
      <dl class="counts">
        <div>
          <dt>Desired</dt>
          <dd data-desired>{model.desired}</dd>
        </div>
        <div>
          <dt>Live</dt>
          <dd data-live>
            {model.up} up{model.starting > 0 && `, ${model.starting} starting`}
            {model.crashed > 0 && `, ${model.crashed} crashed`}
          </dd>
        </div>
        <div>
          <dt>Delta</dt>
          <dd>{model.delta === 0 ? '0' : model.delta > 0 ? `+${model.delta}` : String(model.delta)}</dd>
        </div>
      </dl>
      <div class="plan">
        <h4>Plan</h4>
        {model.actions.length === 0 ? (
          <p class="muted">Nothing to do</p>
        ) : (
          <ul>
            {model.actions.map((a, i) => (
              <li key={i}>{describeAction(a)}</li>
            ))}
          </ul>
        )}
      </div>
      {model.dynos.length > 0 && (
        <ul class="dynos" aria-label={`${model.type} dynos`}>
          {model.dynos.map((d) => (
            <li key={d.id} data-dyno={d.name}>
              <span class="mono">{d.name}</span> <DynoState state={d.state} /> <span class="muted">for {age(d.updated_at, now)} · v{d.release.version}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function OverviewTab({ app }: { app: AppJson }) {
  const base = `/apps/${encodeURIComponent(app.name)}`;
  const formation = useResource<FormationJson[]>(`${base}/formation`, { pollMs: OVERVIEW_POLL_MS });
  const dynos = useResource<DynoJson[]>(`${base}/dynos`, { pollMs: OVERVIEW_POLL_MS });
  const plan = useResource<PlanJson>(`${base}/formation-plan`, { pollMs: OVERVIEW_POLL_MS });
  const releases = useResource<ReleaseJson[]>(`${base}/releases`, { pollMs: 10_000, headers: { Range: 'version ..; max=5, order=desc' } });
  const now = useTick(1000);
  const oneOffs = (dynos.data ?? []).filter((d) => d.type === 'run');
  return (
    <>
      <h2>Formation</h2>
      <p class="muted legend">
        Desired (the formation) against live (the dynos running), with the dyno manager's plan to close the gap.
      </p>
      <Loaded resource={formation}>
        {(f) => {
          const model = formationModel(f, dynos.data ?? [], plan.data);
          if (model.length === 0) return <p class="empty">No process types yet: push code to create a release.</p>;
          return (
            <div class="models">
              {model.map((m) => (
                <ModelRow key={m.type} model={m} now={now} />
              ))}
            </div>
          );
        }}
      </Loaded>
      {plan.data && plan.data.notes.length > 0 && (
        <ul class="notes">
          {plan.data.notes.map((n, i) => (
            <li key={i}>{n}</li>
          ))}
        </ul>
      )}
      {oneOffs.length > 0 && (
        <>
          <h2>One-off dynos</h2>
          <ul class="dynos">
            {oneOffs.map((d) => (
              <li key={d.id}>
                <span class="mono">{d.name}</span> <DynoState state={d.state} /> <span class="muted">{d.command}</span>
              </li>
            ))}
          </ul>
        </>
      )}
      <h2>Latest activity</h2>
      <Loaded resource={releases} empty="No releases yet.">
        {(list) =>
          list.length === 0 ? (
            <p class="empty">No releases yet.</p>
          ) : (
            <ul class="activity">
              {list.map((r) => (
                <li key={r.id}>
                  <strong>v{r.version}</strong> {r.description} <span class="muted">by {r.user.email}, {age(r.created_at, now)} ago</span>
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
      <p>
        <a href={appHref(app.name, 'activity')}>All activity</a>
      </p>
    </>
  );
}
