import { createHash } from 'node:crypto'

/**
 * The report's fixed CSS and JS. Both are constants (no data is ever interpolated into them), so
 * the page's Content-Security-Policy can allow exactly these two blocks by hash: markup injected
 * through an unescaped field could neither run a script nor load anything.
 */

export const REPORT_CSS = `
:root { color-scheme: dark; --bg: #111318; --panel: #1a1d24; --panel2: #21252e; --line: #2e333d;
  --text: #e6e8ee; --dim: #9aa1ae; --accent: #ffc846; --ok: #4fd18b; --bad: #ff6b6b; --warn: #f3b24b; }
* { box-sizing: border-box; }
html { scroll-behavior: smooth; }
body { margin: 0; background: var(--bg); color: var(--text);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", Roboto, sans-serif; }
main { max-width: 1480px; margin: 0 auto; padding: 0 20px 48px; }
header.top { padding: 24px 20px 12px; max-width: 1480px; margin: 0 auto; }
h1 { margin: 0 0 4px; font-size: 26px; font-weight: 650; overflow-wrap: anywhere; }
h2 { font-size: 17px; font-weight: 600; margin: 32px 0 10px; padding-bottom: 6px; border-bottom: 1px solid var(--line); }
h3 { font-size: 14px; margin: 14px 0 6px; color: var(--dim); font-weight: 600; }
.meta { color: var(--dim); margin: 0 0 14px; }
nav.toc { display: flex; flex-wrap: wrap; gap: 4px 14px; margin: 0 0 14px; }
nav.toc a { color: var(--dim); text-decoration: none; border-bottom: 1px dotted var(--line); }
nav.toc a:hover { color: var(--text); }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: 10px; }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; }
.card .k { color: var(--dim); font-size: 12px; overflow-wrap: anywhere; }
.card .v { font-size: 20px; font-weight: 600; font-variant-numeric: tabular-nums; overflow-wrap: anywhere; }
.player { display: flex; flex-direction: column; gap: 8px; }
video { width: 100%; max-height: 70vh; background: #000; border-radius: 6px; }
.note { color: var(--warn); background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; margin: 0; }
figure { margin: 0; }
figure img { display: block; max-width: 100%; height: auto; border-radius: 4px; border: 1px solid var(--line); }
figcaption { color: var(--dim); font-size: 12px; margin-top: 4px; }
.scroll { overflow-x: auto; }
.empty { color: var(--dim); font-style: italic; }
.shots { min-width: 1180px; }
/* Fixed columns add up to about 1,335 px with the gaps: the table fits a 1,400-px window (1,360 px of content). */
.row { display: grid; align-items: center; gap: 0 8px;
  grid-template-columns: 2.4rem 136px 7.2rem 5.6rem 8rem minmax(6.5rem, 1fr) 5.6rem 4.2rem 5.6rem repeat(6, 3.6rem); }
.row > span { overflow-wrap: anywhere; font-variant-numeric: tabular-nums; }
.head { color: var(--dim); font-size: 12px; padding: 6px 10px; border-bottom: 1px solid var(--line); }
details.shot { border-bottom: 1px solid var(--line); }
details.shot > summary { list-style: none; cursor: pointer; padding: 6px 10px; }
details.shot > summary::-webkit-details-marker { display: none; }
details.shot > summary:hover { background: var(--panel); }
details.shot[open] > summary { background: var(--panel2); }
details.shot.playing > summary { box-shadow: inset 3px 0 0 var(--accent); }
details.shot:target > summary { outline: 1px solid var(--accent); }
.idx { font-weight: 650; }
.idx::before { content: "\\25B8 "; color: var(--dim); }
details.shot[open] .idx::before { content: "\\25BE "; }
.thumb { width: 128px; height: auto; display: block; border-radius: 3px; background: #000; }
.nothumb { width: 128px; height: 72px; display: flex; align-items: center; justify-content: center;
  color: var(--dim); background: var(--panel); border-radius: 3px; font-size: 12px; }
.small { color: var(--dim); font-size: 12px; }
.chip { display: inline-block; background: var(--panel2); border: 1px solid var(--line); border-radius: 10px;
  padding: 0 7px; margin: 1px 2px 1px 0; font-size: 12px; }
.badge { display: inline-block; border-radius: 4px; padding: 1px 6px; font-size: 12px; font-weight: 600; }
.badge.ok { color: #0d1f15; background: var(--ok); }
.badge.bad { color: #2a0d0d; background: var(--bad); }
.badge.cached { color: var(--dim); border: 1px solid var(--line); }
.yes { color: var(--ok); }
.no { color: var(--bad); }
meter { width: 100%; height: 8px; display: block; }
.detail { padding: 8px 14px 16px 3.4rem; background: var(--panel); }
.detail p { margin: 4px 0; }
.takes-row { display: flex; gap: 10px; flex-wrap: wrap; margin: 4px 0 10px; }
.take { margin: 0; padding: 4px; border: 1px solid var(--line); border-radius: 4px; max-width: 140px; }
.take.kept { border-color: #4caf50; }
.take figcaption { font-size: 0.8rem; margin-top: 3px; }
.detail .label { color: var(--dim); }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 5px 8px; border-bottom: 1px solid var(--line); }
th { color: var(--dim); font-weight: 600; font-size: 12px; }
td.num { font-variant-numeric: tabular-nums; white-space: nowrap; }
table.attempts tr.kept td { background: var(--panel2); }
table.kv td, table.kv th { font-size: 13px; }
table.kv th { width: 30%; font-family: ui-monospace, "DejaVu Sans Mono", monospace; color: var(--dim); overflow-wrap: anywhere; }
table.kv td { font-family: ui-monospace, "DejaVu Sans Mono", monospace; white-space: pre-wrap; overflow-wrap: anywhere; }
.critique { white-space: pre-wrap; overflow-wrap: anywhere; }
table.entities td.desc { color: var(--dim); max-width: 28rem; }
.chip.drawn { border-color: #2f5a43; }
.chip.missing { border-color: #6b3a1f; color: var(--warn); }
ul.notes { margin: 4px 0 10px; padding-left: 20px; }
ul.notes li { margin: 4px 0; }
ul.notes.bad li::marker { color: var(--warn); }
ul.notes.ok li::marker { color: var(--ok); }
a { color: var(--accent); }
footer { color: var(--dim); font-size: 12px; margin-top: 40px; }
`

export const REPORT_JS = `
(function () {
  'use strict';
  var video = document.getElementById('video');
  var note = document.getElementById('video-note');
  var shots = Array.prototype.slice.call(document.querySelectorAll('details.shot'));
  function showNote() { if (note) note.hidden = false; }
  function seek(t) {
    if (!video || !isFinite(t)) return;
    // Before metadata this sets the start position; an unplayable video just ignores it.
    try { video.currentTime = t; } catch (e) { showNote(); }
  }
  shots.forEach(function (s) {
    var summary = s.querySelector('summary');
    if (!summary) return;
    summary.addEventListener('click', function () { seek(Number(s.getAttribute('data-start'))); });
  });
  function openTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    var el = id ? document.getElementById(id) : null;
    if (el && el.tagName === 'DETAILS') el.open = true;
  }
  window.addEventListener('hashchange', openTarget);
  openTarget();
  if (!video) return;
  if (video.error) showNote();
  video.addEventListener('error', showNote);
  var current = null;
  video.addEventListener('timeupdate', function () {
    var t = video.currentTime;
    var found = null;
    for (var i = 0; i < shots.length; i++) {
      var a = Number(shots[i].getAttribute('data-start'));
      var b = Number(shots[i].getAttribute('data-end'));
      if (t >= a && t < b) { found = shots[i]; break; }
    }
    if (found === current) return;
    if (current) current.classList.remove('playing');
    if (found) found.classList.add('playing');
    current = found;
  });
})();
`

function cspHash(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`
}

/**
 * A page's policy: images only from data: URIs, media only from beside the page, no fetches,
 * fonts, frames or forms, and only the page's own style block and script block (none if `js` is
 * absent). Shared by the report and the batch gallery.
 */
export function pageCsp(css: string, js?: string): string {
  return [
    "default-src 'none'",
    'img-src data:',
    "media-src 'self' file:",
    `style-src ${cspHash(css)}`,
    `script-src ${js === undefined ? "'none'" : cspHash(js)}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ')
}

export const REPORT_CSP = pageCsp(REPORT_CSS, REPORT_JS)
