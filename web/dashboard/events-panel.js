/** The live event list of a workflow or job page: newest on top, capped, with the stream's state. */
import { fmtTime, h } from './dom.js';

const KEEP = 300;

export function eventsPanel(title = 'Events') {
  const list = h('ol', { id: 'events', reversed: true });
  const status = h('span', { id: 'stream-state', class: 'muted' }, 'connecting…');
  const element = h('section', { id: 'events-section' }, h('h2', {}, title, ' ', status), list);
  return {
    element,
    add(event) {
      const { _key: _k, _id: _i, workflow: _w, timestamp, type, source, ...rest } = event;
      const detail = Object.entries(rest)
        .filter(([, v]) => v !== undefined && typeof v !== 'object')
        .map(([k, v]) => `${k}=${v}`)
        .join(' ');
      list.prepend(
        h(
          'li',
          { 'data-type': type, class: source === 'user' ? 'user' : '' },
          h('time', {}, fmtTime(timestamp)),
          ' ',
          h('strong', {}, type),
          ' ',
          h('span', { class: 'muted' }, detail),
        ),
      );
      while (list.children.length > KEEP) list.lastElementChild.remove();
    },
    setState(state) {
      status.textContent = state;
      status.dataset.state = state;
    },
  };
}
