import { CompareView } from '../../../components/CompareView';
import { ErrorState } from '../../../components/ErrorState';
import { gql } from '../../../lib/api';
import { SavedViewComparisonDocument, type SavedViewComparisonQuery } from '../../../lib/generated';

export const dynamic = 'force-dynamic';

/** The reviewer view: read-only, opened by its unguessable token, no account needed. */
export default async function ReviewerView({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  let view: SavedViewComparisonQuery['savedView'];
  try {
    view = (await gql(SavedViewComparisonDocument, { token }, { anonymous: true })).savedView;
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
