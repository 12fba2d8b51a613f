/** Building the page's elements: text always goes in as text, never as markup. */
export type Child = Node | string | number | null | undefined | false;

function append(parent: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Record<string, string> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    // Through the CSSOM: the page's content security policy refuses style attributes.
    if (name === 'style') element.style.cssText = value;
    else element.setAttribute(name, value);
  }
  append(element, children);
  return element;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function svgEl(tag: string, attributes: Record<string, string | number> = {}, ...children: Child[]): SVGElement {
  const element = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  append(element, children);
  return element;
}

/** Replace what a section shows. */
export function show(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

export function table(headers: readonly string[], rows: readonly (readonly Child[])[], rowClass: (index: number) => string = () => ''): HTMLElement {
  return el('div', { class: 'scroll' }, el('table', {},
    el('thead', {}, el('tr', {}, ...headers.map((header) => el('th', {}, header)))),
    el('tbody', {}, ...rows.map((cells, index) => el('tr', { class: rowClass(index) }, ...cells.map((cell) => el('td', typeof cell === 'number' ? { class: 'num' } : {}, cell)))))));
}

export function formatNumber(value: number | null | undefined, digits = 3): string {
  return value === null || value === undefined ? '–' : value.toFixed(digits);
}

/** A time as the reader's clock shows it, with the ISO form on hover. */
export function timeText(iso: string | null): HTMLElement {
  if (iso === null) return el('span', {}, '–');
  const date = new Date(iso);
  return el('time', { datetime: iso, title: iso }, Number.isNaN(date.getTime()) ? iso : date.toLocaleString());
}
