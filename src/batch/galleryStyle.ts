import { pageCsp, REPORT_CSS } from '../report/reportStyle.js'

/**
 * The gallery's CSS: the report's house style plus the variant cards. A constant like the
 * report's, so the page's Content-Security-Policy allows exactly this block by hash and no script
 * at all (the gallery needs none: every player is a plain <video controls>).
 */
export const GALLERY_CSS = `${REPORT_CSS}
.variants { display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: 14px; align-items: start; }
article.variant { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px 12px; min-width: 0; }
article.variant.failed { border-color: var(--bad); box-shadow: inset 4px 0 0 var(--bad); }
article.variant.warn { border-color: var(--warn); }
.vhead { display: flex; align-items: baseline; justify-content: space-between; gap: 8px; margin-bottom: 8px; }
.vname { margin: 0; font-size: 15px; color: var(--text); overflow-wrap: anywhere; min-width: 0; }
.vhead .badge { white-space: nowrap; flex: none; }
.vbox { height: 300px; background: #000; border-radius: 6px; display: flex; align-items: center; justify-content: center; }
.vbox video { width: 100%; height: 100%; max-height: none; object-fit: contain; border-radius: 6px; }
.error { color: #ffd9d9; background: #3a1717; border: 1px solid var(--bad); border-radius: 6px; padding: 10px 12px; margin: 0 0 8px;
  font-size: 14px; overflow-wrap: anywhere; white-space: pre-wrap; }
.error strong { color: var(--bad); }
table.facts { margin-top: 8px; }
table.facts th { width: 5.2rem; padding-left: 0; }
table.facts td { overflow-wrap: anywhere; font-variant-numeric: tabular-nums; }
table.facts code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12px; }
ul.checks { list-style: none; margin: 8px 0 0; padding: 0; }
ul.checks li { padding: 3px 0; border-bottom: 1px solid var(--line); overflow-wrap: anywhere; }
ul.checks li .small { display: block; }
.failed-list { margin: 0 0 14px; }
.failed-list li { overflow-wrap: anywhere; }
`

export const GALLERY_CSP = pageCsp(GALLERY_CSS)
