import { CompareView } from '../../../components/CompareView';
import { ErrorState } from '../../../components/ErrorState';
import { gql } from '../../../lib/api';
import { SAVED_VIEW_COMPARISON } from '../../../lib/queries';
import type { RunDetail } from '../../../lib/types';

export const dynamic = 'force-dynamic';

type Compared = Pick<RunDetail, 'id' | 'name' | 'config' | 'analyses' | 'metrics'>;

interface FrozenView {
  title: string;
  note: string | null;
  createdAt: string;
  estimatorVersions: Record<string, string>;
  comparison: { runs: Compared[]; configDiff: Array<{ key: string; values: unknown[] }> };
}

/** The reviewer view: read-only, opened by its unguessable token, no account needed. */
export default async function ReviewerView({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  let view: FrozenView;
  try {
    view = (await gql<{ savedView: FrozenView }>(SAVED_VIEW_COMPARISON, { token }, { anonymous: true }))
      .savedView;
  } catch (e) {
    return <ErrorState error={e} />;
  }
  return (
    <section className="reviewer">
      <p className="badge">
        Read-only reviewer view · frozen {new Date(view.createdAt).toISOString().slice(0, 10)}
      </p>
      <h1>{view.title}</h1>
      {view.note ? <blockquote>{view.note}</blockquote> : null}
      <p>
        Estimator versions:{' '}
        {Object.entries(view.estimatorVersions)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ') || '—'}
      </p>
      <CompareView runs={view.comparison.runs} diff={view.comparison.configDiff} />
    </section>
  );
}
