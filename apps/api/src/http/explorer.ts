/**
 * A minimal query explorer served from this package: no CDN, no bundle. GraphiQL is not installed
 * and cannot be fetched from a CDN offline, so this page posts a query + variables + bearer key to
 * /graphql and shows the JSON answer.
 */

/** The explorer page (self-contained HTML). */
export function explorerHtml(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>sgdscope GraphQL explorer</title>
<style>
body{font-family:system-ui,sans-serif;margin:1rem;display:grid;grid-template-columns:1fr 1fr;gap:1rem}
textarea,pre{width:100%;box-sizing:border-box;font-family:ui-monospace,monospace;font-size:13px}
textarea{height:16rem}pre{background:#f4f4f4;padding:.5rem;min-height:30rem;overflow:auto;margin:0}
header{grid-column:1/3}
</style></head><body>
<header><strong>sgdscope GraphQL explorer</strong> — POSTs to <code>/graphql</code>.
API key: <input id="key" size="50" placeholder="sgd_..."> <button id="run">Run (Ctrl+Enter)</button>
<button id="sdl">Schema</button></header>
<div><label>Query<textarea id="q">{ projects { id slug name role } }</textarea></label>
<label>Variables (JSON)<textarea id="v">{}</textarea></label></div>
<pre id="out"></pre>
<script>
const $ = (id) => document.getElementById(id);
$('key').value = localStorage.getItem('sgdscopeKey') || '';
async function post(query, variables) {
  const key = $('key').value.trim();
  localStorage.setItem('sgdscopeKey', key);
  const headers = { 'content-type': 'application/json' };
  if (key) headers.authorization = 'Bearer ' + key;
  const r = await fetch('/graphql', { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  return r.json();
}
async function run() {
  let variables;
  try { variables = JSON.parse($('v').value || '{}'); } catch (e) { $('out').textContent = 'Variables: ' + e.message; return; }
  $('out').textContent = JSON.stringify(await post($('q').value, variables), null, 2);
}
$('run').onclick = run;
$('sdl').onclick = async () => {
  const r = await post('{ __schema { types { name description fields { name description } } } }', {});
  $('out').textContent = JSON.stringify(r, null, 2);
};
document.addEventListener('keydown', (e) => { if (e.ctrlKey && e.key === 'Enter') run(); });
</script></body></html>`;
}
