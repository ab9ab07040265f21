import { AutoRefresh } from '../../../components/AutoRefresh';
import { ErrorState } from '../../../components/ErrorState';
import { num, pickMetric, withCi } from '../../../components/format';
import { gql } from '../../../lib/api';
import {
  type RunFilterInput,
  type RunKind,
  type RunOrderInput,
  type RunSortField,
  type RunStatus,
  RunsDocument,
  type RunsQuery,
} from '../../../lib/generated';
import { jsonField, type RunRow } from '../../../lib/types';

export const dynamic = 'force-dynamic';

type Params = Promise<{ projectId: string }>;
type Search = Promise<Record<string, string | string[] | undefined>>;

interface Column {
  readonly id: string;
  readonly label: string;
  readonly sort?: { field: RunSortField; key?: string; window?: number };
  readonly cell: (r: RunRow) => string;
}

const COLUMNS: readonly Column[] = [
  { id: 'status', label: 'Status', sort: { field: 'STATUS' }, cell: (r) => r.status.toLowerCase() },
  { id: 'kind', label: 'Kind', cell: (r) => r.kind.toLowerCase().replace('_', ' ') },
  { id: 'model', label: 'Model', sort: { field: 'CONFIG', key: 'model' }, cell: (r) => r.model ?? '—' },
  {
    id: 'dataset',
    label: 'Dataset',
    sort: { field: 'CONFIG', key: 'dataset' },
    cell: (r) => r.dataset ?? '—',
  },
  { id: 'lr', label: 'η', sort: { field: 'CONFIG', key: 'learningRate' }, cell: (r) => num(r.learningRate) },
  { id: 'batch', label: 'B', sort: { field: 'CONFIG', key: 'batchSize' }, cell: (r) => num(r.batchSize) },
  { id: 'depth', label: 'Depth', sort: { field: 'CONFIG', key: 'depth' }, cell: (r) => num(r.depth) },
  { id: 'shortcut', label: 'Shortcut', cell: (r) => (r.shortcut === null ? '—' : r.shortcut ? 'yes' : 'no') },
  { id: 'seed', label: 'Seed', sort: { field: 'CONFIG', key: 'seed' }, cell: (r) => num(r.seed) },
  {
    id: 'alpha',
    label: 'α (w0)',
    sort: { field: 'METRIC', key: 'alpha', window: 0 },
    cell: (r) => withCi(pickMetric(r.metrics, 'alpha', 0)),
  },
  {
    id: 'tau0',
    label: 'τ0 (w0)',
    sort: { field: 'METRIC', key: 'tau0', window: 0 },
    cell: (r) => num(pickMetric(r.metrics, 'tau0', 0)?.value),
  },
  {
    id: 't0',
    label: 't0',
    sort: { field: 'METRIC', key: 't0', window: -1 },
    cell: (r) => num(pickMetric(r.metrics, 't0')?.value),
  },
  { id: 'alphaDist', label: 'αdist', cell: (r) => withCi(pickMetric(r.metrics, 'alphaDist')) },
  { id: 'Df', label: 'Df', cell: (r) => withCi(pickMetric(r.metrics, 'Df')) },
  { id: 'H', label: 'H', cell: (r) => withCi(pickMetric(r.metrics, 'H')) },
  {
    id: 'finalLoss',
    label: 'Final loss',
    cell: (r) => num((jsonField(r.summary, 'finalLoss') as number | undefined) ?? null),
  },
  { id: 'steps', label: 'Steps', cell: (r) => String(r.lastStep + 1) },
];
const DEFAULT_COLUMNS = [
  'status',
  'kind',
  'model',
  'lr',
  'batch',
  'seed',
  'alpha',
  'tau0',
  't0',
  'alphaDist',
  'Df',
  'finalLoss',
  'steps',
];
const STATUSES: readonly string[] = [
  'QUEUED',
  'RUNNING',
  'FINISHED',
  'FAILED',
  'CANCELED',
] satisfies RunStatus[];
const KINDS: readonly string[] = [
  'NETWORK',
  'FRACTAL_LANDSCAPE',
  'ESCAPE',
  'PHASE_DIAGRAM',
] satisfies RunKind[];

const one = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);
const many = (v: string | string[] | undefined): string[] =>
  v === undefined ? [] : Array.isArray(v) ? v : v.split(',');

export default async function RunsBrowser({
  params,
  searchParams,
}: {
  params: Params;
  searchParams: Search;
}) {
  const { projectId } = await params;
  const sp = await searchParams;
  const status = many(sp.status).filter((s) => STATUSES.includes(s));
  const kind = one(sp.kind);
  const q = one(sp.q);
  const tag = one(sp.tag);
  const sortId = one(sp.sort) ?? 'created';
  const dir = one(sp.dir) === 'asc' ? ('ASC' as const) : ('DESC' as const);
  const cols = many(sp.cols).length > 0 ? many(sp.cols) : DEFAULT_COLUMNS;
  const after = one(sp.after);
  const pageSize = Math.min(200, Math.max(10, Number(one(sp.size) ?? 50) || 50));
  const sortCol = COLUMNS.find((c) => c.id === sortId);
  const orderBy: RunOrderInput[] = sortCol?.sort
    ? [{ ...sortCol.sort, direction: dir }]
    : [{ field: sortId === 'name' ? 'NAME' : 'CREATED_AT', direction: dir }];
  const filter: RunFilterInput = {};
  // Both lists were checked against the enums above, so the casts only restate what the filter proved.
  if (status.length) filter.status = status as RunStatus[];
  if (kind && KINDS.includes(kind)) filter.kind = kind as RunKind;
  if (q) filter.nameContains = q;
  if (tag) filter.tagsAll = [tag];

  let page: RunsQuery['runs'];
  try {
    page = (await gql(RunsDocument, { projectId, filter, orderBy, first: pageSize, after })).runs;
  } catch (e) {
    return <ErrorState error={e} />;
  }
  const shown = COLUMNS.filter((c) => cols.includes(c.id));
  const link = (patch: Record<string, string | undefined>) => {
    const u = new URLSearchParams();
    const base: Record<string, string | undefined> = {
      status: status.join(',') || undefined,
      kind,
      q,
      tag,
      sort: sortId,
      dir: dir.toLowerCase(),
      cols: cols === DEFAULT_COLUMNS ? undefined : cols.join(','),
      size: String(pageSize),
    };
    for (const [k, v] of Object.entries({ ...base, ...patch })) if (v) u.set(k, v);
    return `?${u.toString()}`;
  };
  const running = page.nodes.some((r) => r.status === 'RUNNING' || r.status === 'QUEUED');

  return (
    <section>
      <h1>
        Runs <small>({page.totalCount})</small> <AutoRefresh active={running} />
      </h1>
      <form method="get" className="filters" aria-label="Filter runs">
        <label>
          Name <input name="q" defaultValue={q} placeholder="contains…" />
        </label>
        <label>
          Status{' '}
          <select name="status" defaultValue={status[0] ?? ''}>
            <option value="">any</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s.toLowerCase()}
              </option>
            ))}
          </select>
        </label>
        <label>
          Kind{' '}
          <select name="kind" defaultValue={kind ?? ''}>
            <option value="">any</option>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {k.toLowerCase().replace('_', ' ')}
              </option>
            ))}
          </select>
        </label>
        <label>
          Tag <input name="tag" defaultValue={tag} />
        </label>
        <details>
          <summary>Columns</summary>
          {COLUMNS.map((c) => (
            <label key={c.id} className="col-choice">
              <input type="checkbox" name="cols" value={c.id} defaultChecked={cols.includes(c.id)} />{' '}
              {c.label}
            </label>
          ))}
        </details>
        <input type="hidden" name="sort" value={sortId} />
        <input type="hidden" name="dir" value={dir.toLowerCase()} />
        <button type="submit">Apply</button>
      </form>
      {page.nodes.length === 0 ? (
        <p className="empty">No runs match these filters.</p>
      ) : (
        <form method="get" action="/compare">
          <table className="runs">
            <thead>
              <tr>
                <th scope="col">Compare</th>
                <th scope="col">
                  <a
                    href={link({
                      sort: 'name',
                      dir: sortId === 'name' && dir === 'ASC' ? 'desc' : 'asc',
                      after: undefined,
                    })}
                  >
                    Name
                  </a>
                </th>
                {shown.map((c) => (
                  <th
                    key={c.id}
                    scope="col"
                    aria-sort={sortId === c.id ? (dir === 'ASC' ? 'ascending' : 'descending') : undefined}
                  >
                    {c.sort ? (
                      <a
                        href={link({
                          sort: c.id,
                          dir: sortId === c.id && dir === 'ASC' ? 'desc' : 'asc',
                          after: undefined,
                        })}
                      >
                        {c.label}
                      </a>
                    ) : (
                      c.label
                    )}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {page.nodes.map((r) => (
                <tr key={r.id} data-run-id={r.id}>
                  <td>
                    <input
                      type="checkbox"
                      name="ids"
                      value={r.id}
                      aria-label={`Select ${r.name} for comparison`}
                    />
                  </td>
                  <td>
                    <a href={`/runs/${r.id}`}>{r.name}</a>
                  </td>
                  {shown.map((c) => (
                    <td
                      key={c.id}
                      className={c.id === 'status' ? `status status-${r.status.toLowerCase()}` : undefined}
                    >
                      {c.cell(r)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
          <p>
            <button type="submit">Compare selected (2–6)</button>{' '}
            {after ? <a href={link({ after: undefined })}>First page</a> : null}{' '}
            {page.pageInfo.hasNextPage && page.pageInfo.endCursor ? (
              <a href={link({ after: page.pageInfo.endCursor })} rel="next">
                Next page →
              </a>
            ) : null}
          </p>
        </form>
      )}
    </section>
  );
}
