import { CompareView } from '../../components/CompareView';
import { ErrorState } from '../../components/ErrorState';
import { gql } from '../../lib/api';
import { COMPARE } from '../../lib/queries';
import type { RunDetail } from '../../lib/types';

export const dynamic = 'force-dynamic';

type Compared = Pick<RunDetail, 'id' | 'name' | 'config' | 'analyses' | 'metrics'>;

export default async function Compare({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const sp = await searchParams;
  const raw = sp.ids;
  const ids = (Array.isArray(raw) ? raw : raw ? raw.split(',') : []).filter(Boolean);
  if (ids.length < 2 || ids.length > 6) {
    return <p className="empty">Pick 2 to 6 runs to compare (the selection lives in the URL: ?ids=a,b,c).</p>;
  }
  let result: { runs: Compared[]; configDiff: Array<{ key: string; values: unknown[] }> };
  try {
    result = (await gql<{ compareRuns: typeof result }>(COMPARE, { ids })).compareRuns;
  } catch (e) {
    return <ErrorState error={e} />;
  }
  return (
    <section>
      <h1>Compare {result.runs.length} runs</h1>
      <CompareView runs={result.runs} diff={result.configDiff} />
    </section>
  );
}
