/** The model card, as DOM: a tiny markdown renderer (headings, tables, lists, paragraphs, bold, code). */
import { el } from './dom';

/**
 * Tiny markdown renderer for the model card (headings, tables, lists, paragraphs, bold, code, images).
 * `images` maps an image's file name in the markdown to the URL it is served from (a same-origin asset); an
 * image not in it is shown as its alt text, so the card never loads anything from another origin.
 */
export function markdown(text: string, images: Readonly<Record<string, string>> = {}): HTMLElement[] {
  const out: HTMLElement[] = [];
  const image = (part: string) => {
    const [, alt, src] = /^!\[([^\]]*)\]\(([^)]+)\)$/.exec(part)!;
    return images[src] ? el('img', { src: images[src], alt, class: 'card-image' }) : el('i', {}, `[${alt}]`);
  };
  const inline = (t: string) => {
    const span = document.createElement('span');
    for (const part of t.split(/(\*\*[^*]+\*\*|`[^`]+`|!\[[^\]]*\]\([^)]+\))/))
      span.append(part.startsWith('**') ? el('b', {}, part.slice(2, -2)) : part.startsWith('`') ? el('code', {}, part.slice(1, -1)) : part.startsWith('![') ? image(part) : part);
    return span;
  };
  const lines = text.split('\n');
  for (let k = 0; k < lines.length; k++) {
    const l = lines[k];
    if (l.startsWith('#')) out.push(el(l.startsWith('# ') ? 'h2' : 'h3', {}, inline(l.replace(/^#+\s*/, ''))));
    else if (l.startsWith('|')) {
      const rows: string[][] = [];
      for (; k < lines.length && lines[k].startsWith('|'); k++) if (!/^\|[-| ]+\|$/.test(lines[k])) rows.push(lines[k].slice(1, -1).split('|').map((c) => c.trim()));
      k--;
      out.push(el('table', { class: 'card-table' }, ...rows.map((r, i) => el('tr', {}, ...r.map((c) => el(i === 0 ? 'th' : 'td', {}, inline(c)))))));
    } else if (l.startsWith('- ')) out.push(el('li', {}, inline(l.slice(2))));
    else if (l.trim()) out.push(el('p', {}, inline(l)));
  }
  return out;
}
