import { AutoRefresh } from '../../../components/AutoRefresh';
import { ErrorState } from '../../../components/ErrorState';
import { RunFigures } from '../../../components/RunFigures';
import { ScalarTable } from '../../../components/ScalarTable';
import { gql } from '../../../lib/api';
import { RunDocument } from '../../../lib/generated';
import type { RunDetail } from '../../../lib/types';

export const dynamic = 'force-dynamic';

export default async function RunPage({ params }: { params: Promise<{ runId: string }> }) {
  const { runId } = await params;
  let run: RunDetail;
  try {
    run = (await gql(RunDocument, { id: runId, width: 600 })).run;
  } catch (e) {
    return <ErrorState error={e} />;
  }
  const live = run.status === 'RUNNING' || run.status === 'QUEUED';
  return (
    <article>
      <p>
        <a href={`/projects/${run.projectId}`}>← runs</a>
        {run.sweepId ? (
          <>
            {' · '}
            <a href={`/projects/${run.projectId}/sweeps/${run.sweepId}`}>sweep</a>
          </>
        ) : null}
      </p>
      <h1>
        {run.name}{' '}
        <span className={`status status-${run.status.toLowerCase()}`}>{run.status.toLowerCase()}</span>{' '}
        <AutoRefresh active={live} />
      </h1>
      <dl className="facts">
        <dt>Kind</dt>
        <dd>{run.kind.toLowerCase().replace('_', ' ')}</dd>
        <dt>Steps logged</dt>
        <dd>{run.lastStep + 1}</dd>
        <dt>Backend</dt>
        <dd>{run.backend ?? '—'}</dd>
        <dt>Parameters</dt>
        <dd>{run.parameterCount ?? '—'}</dd>
        <dt>Code version</dt>
        <dd>{run.codeVersion ?? '—'}</dd>
        <dt>Tags</dt>
        <dd>{run.tags.join(', ') || '—'}</dd>
      </dl>
      {run.error ? <p role="alert">Failed: {run.error}</p> : null}
      <RunFigures run={run} />
      <h2>Estimates</h2>
      <ScalarTable analyses={run.analyses} />
      <details>
        <summary>Config</summary>
        <pre>{JSON.stringify(run.config, null, 2)}</pre>
      </details>
    </article>
  );
}
