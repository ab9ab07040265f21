/**
 * Queues the reproduction plan on a platform through its GraphQL API, as any user script would: one project
 * (`reproduction`), one run or sweep per committed file. Idempotent by name: a run or sweep that already
 * exists in the project is reused, so a second invocation only waits for and measures what is there.
 */
import type { GraphQLClient } from './graphql-client.js';
import type { Planned } from './plan.js';

export const REPRO_PROJECT_SLUG = 'reproduction';

export interface SubmittedItem {
  readonly planned: Planned;
  /** Set for sweeps. */
  readonly sweepId: string | null;
  readonly runIds: readonly string[];
  readonly created: boolean;
}

export interface RunRow {
  readonly id: string;
  readonly name: string;
  readonly kind: string;
  readonly status: string;
  readonly sweepId: string | null;
  readonly lastStep: number;
  readonly config: Record<string, unknown>;
}

const RUN_FIELDS = 'id name kind status sweepId lastStep config';

/** Every run of a project, or of one of its sweeps (paged through the connection). */
export async function listProjectRuns(
  client: GraphQLClient,
  projectId: string,
  sweepId?: string,
): Promise<RunRow[]> {
  const rows: RunRow[] = [];
  let after: string | null = null;
  for (;;) {
    const page: {
      runs: { edges: { node: RunRow }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
    } = await client.request(
      `query($p: ID!, $after: String, $f: RunFilterInput) { runs(projectId: $p, first: 500, after: $after, filter: $f) {
        edges { node { ${RUN_FIELDS} } } pageInfo { hasNextPage endCursor } } }`,
      { p: projectId, after, f: sweepId ? { sweepId } : null },
    );
    rows.push(...page.runs.edges.map((e) => e.node));
    if (!page.runs.pageInfo.hasNextPage) return rows;
    after = page.runs.pageInfo.endCursor;
  }
}

/** The reproduction project's id, creating the project (caller becomes its admin) when absent. */
export async function ensureProject(client: GraphQLClient): Promise<string> {
  const { projects } = await client.request<{ projects: { id: string; slug: string }[] }>(
    '{ projects { id slug } }',
  );
  const found = projects.find((p) => p.slug === REPRO_PROJECT_SLUG);
  if (found) return found.id;
  const { createProject } = await client.request<{ createProject: { id: string } }>(
    'mutation($slug: String!, $name: String!, $d: String) { createProject(slug: $slug, name: $name, description: $d) { id } }',
    {
      slug: REPRO_PROJECT_SLUG,
      name: 'Reproduction of the seed papers',
      d: 'Runs behind docs/reproduction.md, queued by `npm run repro` from docs/repro/*.yaml.',
    },
  );
  return createProject.id;
}

/** Queues every planned item not yet in the project; returns all items with their run ids. */
export async function submitPlan(
  client: GraphQLClient,
  projectId: string,
  plan: readonly Planned[],
  log: (line: string) => void,
): Promise<SubmittedItem[]> {
  const { sweeps } = await client.request<{ sweeps: { id: string; name: string }[] }>(
    'query($p: ID!) { sweeps(projectId: $p) { id name } }',
    { p: projectId },
  );
  const runs = await listProjectRuns(client, projectId);
  const items: SubmittedItem[] = [];
  for (const planned of plan) {
    if (planned.mode === 'sweep') {
      const existing = sweeps.find((s) => s.name === planned.name);
      if (existing) {
        const runIds = runs.filter((r) => r.sweepId === existing.id).map((r) => r.id);
        items.push({ planned, sweepId: existing.id, runIds, created: false });
        continue;
      }
      const { createSweep } = await client.request<{ createSweep: { id: string; runCount: number } }>(
        'mutation($input: CreateSweepInput!) { createSweep(input: $input) { id runCount } }',
        {
          input: {
            projectId,
            name: planned.name,
            kind: planned.kind,
            baseConfig: planned.baseConfig,
            grid: planned.grid,
            replicates: planned.replicates,
          },
        },
      );
      const mine = await listProjectRuns(client, projectId, createSweep.id);
      log(`queued sweep ${planned.name} (${createSweep.runCount} runs) from docs/repro/${planned.file}`);
      items.push({ planned, sweepId: createSweep.id, runIds: mine.map((r) => r.id), created: true });
    } else {
      const existing = runs.find((r) => r.name === planned.name && r.sweepId === null);
      if (existing) {
        items.push({ planned, sweepId: null, runIds: [existing.id], created: false });
        continue;
      }
      const { createRun } = await client.request<{ createRun: { id: string } }>(
        'mutation($input: CreateRunInput!) { createRun(input: $input) { id } }',
        {
          input: {
            projectId,
            name: planned.name,
            kind: planned.kind,
            config: planned.config,
            tags: ['reproduction'],
          },
        },
      );
      log(`queued run ${planned.name} from docs/repro/${planned.file}`);
      items.push({ planned, sweepId: null, runIds: [createRun.id], created: true });
    }
  }
  return items;
}

const TERMINAL = new Set(['FINISHED', 'FAILED', 'CANCELED']);

/**
 * Polls the project's runs until every one is terminal, logging a progress line whenever the counts change
 * (and the running runs' steps every `everyMs`). Throws if any run failed or was canceled.
 */
export async function waitForRuns(
  client: GraphQLClient,
  projectId: string,
  log: (line: string) => void,
  options: { readonly everyMs?: number; readonly pollMs?: number } = {},
): Promise<RunRow[]> {
  const started = performance.now();
  let lastLine = '';
  let lastPrinted = 0;
  for (;;) {
    const rows = await listProjectRuns(client, projectId);
    const count = (s: string) => rows.filter((r) => r.status === s).length;
    const running = rows
      .filter((r) => r.status === 'RUNNING')
      .map((r) => {
        const steps = typeof r.config.steps === 'number' ? `/${r.config.steps}` : '';
        return `${r.name} step ${r.lastStep}${steps}`;
      });
    const line = `${count('FINISHED')}/${rows.length} finished, ${count('QUEUED')} queued, ${count('FAILED') + count('CANCELED')} failed${running.length ? `; running: ${running.join(', ')}` : ''}`;
    const now = performance.now();
    if (line !== lastLine || now - lastPrinted > (options.everyMs ?? 30_000)) {
      log(`[${((now - started) / 1000).toFixed(0)} s] ${line}`);
      lastLine = line;
      lastPrinted = now;
    }
    if (rows.every((r) => TERMINAL.has(r.status))) {
      const bad = rows.filter((r) => r.status !== 'FINISHED');
      if (bad.length > 0)
        throw new Error(`runs did not finish: ${bad.map((r) => `${r.name} (${r.status})`).join(', ')}`);
      return rows;
    }
    await new Promise((r) => setTimeout(r, options.pollMs ?? 5000));
  }
}
