/** The GraphQL operations the pages send. Kept in one place so a schema change shows up in one file. */
const RUN_ROW = `
  id name status kind model dataset optimizer learningRate batchSize depth shortcut seed tags lastStep createdAt summary
  metrics { name window value stdErr ciLower ciUpper ciLevel }
`;

export const PROJECTS = `query Projects { projects { id slug name description role } }`;

export const RUNS = `
query Runs($projectId: ID!, $filter: RunFilterInput, $orderBy: [RunOrderInput!], $first: Int!, $after: String) {
  runs(projectId: $projectId, filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage endCursor startCursor }
    nodes { ${RUN_ROW} }
  }
}`;

const ANALYSES = `
  analyses(latestOnly: true) {
    id estimator estimatorVersion status error details params
    scalars { name window value stdErr ciLower ciUpper ciLevel }
    curves { name window tw x y yLower yUpper meta }
  }
`;

export const RUN = `
query Run($id: ID!, $width: Int!) {
  run(id: $id) {
    ${RUN_ROW}
    projectId sweepId config backend codeVersion parameterCount notes error startedAt finishedAt
    ${ANALYSES}
    series(width: $width, scheme: LOG) { name scheme totalSteps stepStart stepEnd min max mean last }
  }
}`;

export const COMPARE = `
query Compare($ids: [ID!]!) {
  compareRuns(ids: $ids) {
    runs { ${RUN_ROW} config ${ANALYSES} }
    configDiff { key values }
  }
}`;

export const AGGREGATE = `
query Aggregate($projectId: ID!, $groupBy: [String!]!, $metric: AggregateMetricInput!, $filter: RunFilterInput) {
  aggregate(projectId: $projectId, groupBy: $groupBy, metric: $metric, filter: $filter) {
    keys n mean sd stdErr ciLower ciUpper
  }
}`;

export const SAVED_VIEW = `
query SavedView($token: String!) {
  savedView(token: $token) { id projectId token title note runIds estimatorVersions chartSettings createdAt }
}`;

/** A saved view with its frozen comparison; the token alone authorises it, so reviewers need no account. */
export const SAVED_VIEW_COMPARISON = `
query SavedViewComparison($token: String!) {
  savedView(token: $token) {
    title note createdAt estimatorVersions
    comparison { runs { ${'id name config metrics { name window value stdErr ciLower ciUpper ciLevel }'} ${'analyses(latestOnly: true) { id estimator estimatorVersion status error details params scalars { name window value stdErr ciLower ciUpper ciLevel } curves { name window tw x y yLower yUpper meta } }'} } configDiff { key values } }
  }
}`;

export const ESCAPE_FIT = `
query EscapeFit($sweepId: ID!, $against: EscapeControl!) {
  escapeRateFit(sweepId: $sweepId, against: $against) {
    against slope slopeStdErr slopeCiLower slopeCiUpper intercept pearsonR note
    points { x rate ciLower ciUpper negLogRate n escaped runs }
  }
}`;

export const PHASE_DIAGRAM = `
query PhaseDiagram($sweepId: ID!) {
  phaseDiagram(sweepId: $sweepId) {
    runs
    cells { eta noise phase n countI countII countIII }
    boundaries { between eta noise ciLower ciUpper ciLevel method }
  }
}`;
