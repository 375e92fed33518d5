/** The DOM helpers every panel uses: lookup, element building, in-place text, number format, downloads, CSV. */
export const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

export const fmt = (x: number, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : '–');

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...children);
  return e;
}

/** Sets text only when it differs (no DOM mutation for an unchanged value). */
export function text(e: HTMLElement, t: string): void {
  if (e.textContent !== t) e.textContent = t;
}

export function hide(e: HTMLElement, hidden: boolean): void {
  if (e.hidden !== hidden) e.hidden = hidden;
}

export function on<K extends keyof HTMLElementEventMap>(e: EventTarget, type: K, fn: (ev: HTMLElementEventMap[K]) => void): () => void {
  e.addEventListener(type, fn as EventListener);
  return () => e.removeEventListener(type, fn as EventListener);
}

export function download(name: string, data: Blob | string, type = 'text/plain'): void {
  const blob = typeof data === 'string' ? new Blob([data], { type }) : data;
  const a = el('a', { href: URL.createObjectURL(blob), download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

/** CSV text: a header row, then one row per record (numbers written in full precision). */
export function csv(header: string[], rows: (number | string | null)[][]): string {
  const cell = (x: number | string | null) => (x === null ? '' : typeof x === 'number' ? String(x) : /[",\n]/.test(x) ? `"${x.replace(/"/g, '""')}"` : x);
  return [header, ...rows].map((r) => r.map(cell).join(',')).join('\n') + '\n';
}

/** A file-name stem from a session name. */
export const fileStem = (name: string) => (name || 'interface').replace(/[^\w.-]+/g, '_');
