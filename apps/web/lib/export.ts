/** Client-side export of a chart: its SVG as drawn, a PNG rendered from it, and its data as CSV. */

function download(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function serializeSvg(svg: SVGSVGElement): string {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  return new XMLSerializer().serializeToString(clone);
}

export function exportSvg(container: HTMLElement | null, name: string): void {
  const svg = container?.querySelector('svg.recharts-surface, svg[data-chart]') as SVGSVGElement | null;
  if (!svg) return;
  download(`${name}.svg`, new Blob([serializeSvg(svg)], { type: 'image/svg+xml' }));
}

export function exportPng(container: HTMLElement | null, name: string, scale = 2): void {
  const svg = container?.querySelector('svg.recharts-surface, svg[data-chart]') as SVGSVGElement | null;
  if (!svg) return;
  const { width, height } = svg.getBoundingClientRect();
  const img = new Image();
  img.onload = () => {
    const canvas = document.createElement('canvas');
    canvas.width = Math.ceil(width * scale);
    canvas.height = Math.ceil(height * scale);
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
    canvas.toBlob((blob) => blob && download(`${name}.png`, blob), 'image/png');
  };
  img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(serializeSvg(svg))}`;
}

/** Rows of objects → CSV with a header from the union of keys; values quoted only when needed. */
export function toCsv(rows: ReadonlyArray<Record<string, unknown>>): string {
  const keys = Array.from(new Set(rows.flatMap((r) => Object.keys(r))));
  const cell = (v: unknown): string => {
    if (v === null || v === undefined) return '';
    const s = String(v);
    return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  return [keys.join(','), ...rows.map((r) => keys.map((k) => cell(r[k])).join(','))].join('\n');
}

export function exportCsv(rows: ReadonlyArray<Record<string, unknown>>, name: string): void {
  download(`${name}.csv`, new Blob([toCsv(rows)], { type: 'text/csv' }));
}
