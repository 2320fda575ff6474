// A headline figure: the number first, then its unit, then what it is.

import { h } from '../dom.js';

/** A card; `loud` marks a figure that needs attention (with words, not colour alone). */
export function card(value: string, unit: string, label: string, loud = false): HTMLElement {
  return h(
    'div',
    { class: loud ? 'card card-alert' : 'card' },
    h('div', { class: 'card-value' }, value, unit ? h('span', { class: 'card-unit' }, unit) : null),
    h('div', { class: 'card-label' }, label),
  );
}
