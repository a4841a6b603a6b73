/**
 * The dashboard's entry: a hash router over three pages. Each page returns a function that
 * stops what it started (timers, the event stream) when another page is shown.
 */
import { flash } from './dom.js';
import { jobPage } from './job-page.js';
import { workflowPage } from './workflow-page.js';
import { workflowsPage } from './workflows-page.js';

const main = document.getElementById('main');
let stop = () => {};

function navigate(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

function route() {
  stop();
  flash('');
  const parts = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  if (parts[0] === 'wf' && parts[1] && parts[2] === 'job' && parts[3]) stop = jobPage(main, parts[1], parts[3]);
  else if (parts[0] === 'wf' && parts[1]) stop = workflowPage(main, parts[1], navigate);
  else {
    document.title = 'jobgraph';
    stop = workflowsPage(main);
  }
  window.scrollTo(0, 0);
}

window.addEventListener('hashchange', route);
route();
