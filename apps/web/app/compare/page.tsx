import { CompareView } from '../../components/CompareView';
import { ErrorState } from '../../components/ErrorState';
import { gql } from '../../lib/api';
import { CompareDocument, type CompareQuery } from '../../lib/generated';

export const dynamic = 'force-dynamic';

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
  let result: CompareQuery['compareRuns'];
  try {
    result = (await gql(CompareDocument, { ids })).compareRuns;
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
