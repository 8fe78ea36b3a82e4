/** The page's stylesheet and script: small, no framework, served from the dashboard's own paths (CSP 'self'). */

export const STYLE = `:root{color-scheme:light dark;--ok:#1a7f37;--bad:#cf222e;--warn:#9a6700;--muted:#6e7781;--line:#d0d7de;--bg2:#f6f8fa}
@media (prefers-color-scheme:dark){:root{--line:#30363d;--bg2:#161b22;--muted:#8b949e}}
*{box-sizing:border-box}body{font:15px/1.45 system-ui,sans-serif;margin:0;padding:0 12px 40px;max-width:1200px;margin-inline:auto}
header.top{display:flex;flex-wrap:wrap;gap:8px;align-items:baseline;justify-content:space-between;border-bottom:1px solid var(--line);padding:8px 0}
header.top h1{font-size:1.2rem;margin:0}form.sign-out{display:inline;margin:0 0 0 8px}nav{display:flex;flex-wrap:wrap;gap:4px 12px;padding-top:6px}
h2{font-size:1.1rem;margin:24px 0 8px}h3{font-size:1rem;margin:0 0 6px}
.muted{color:var(--muted)}.ok{color:var(--ok)}.bad{color:var(--bad)}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,360px),1fr));gap:12px}
.card,.run{border:1px solid var(--line);border-radius:8px;padding:10px 12px;background:var(--bg2)}
.run{margin-bottom:12px}.run header{display:flex;gap:8px;align-items:baseline;flex-wrap:wrap}
.grid-scroll{overflow-x:auto}table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:3px 6px;border-bottom:1px solid var(--line);vertical-align:top}
tr.stray td{color:var(--warn)}code{font-size:.9em}
button{font:inherit;padding:6px 12px;border-radius:6px;border:1px solid var(--line);cursor:pointer;min-height:36px}
button.danger{background:var(--bad);color:#fff;border-color:var(--bad)}button[disabled]{opacity:.5;cursor:default}
.badge{display:inline-block;padding:0 8px;border-radius:10px;border:1px solid var(--line);font-size:.85em}
.state-succeeded,.verdict-good{color:var(--ok);border-color:var(--ok)}.state-rolled-back,.state-halted,.state-cancelled,.state-rolling-back,.verdict-bad{color:var(--bad);border-color:var(--bad)}
.batch{display:inline-flex;flex-wrap:wrap;gap:4px;align-items:center;border:1px solid var(--line);border-radius:6px;padding:3px;margin:2px}
.batch-running{border-color:var(--warn)}.batch-ok{border-color:var(--ok)}.batch-failed{border-color:var(--bad)}
.batch-no{font-weight:600;padding:0 4px}
.target{display:inline-flex;flex-direction:column;padding:1px 6px;border-radius:4px;border:1px solid var(--line);font-size:.85em}
.target small{font-size:.75em;color:var(--muted)}
.phase-healthy,.phase-deployed,.phase-rolled_back{border-color:var(--ok)}.phase-unhealthy,.phase-failed,.phase-rollback_failed{border-color:var(--bad);color:var(--bad)}
.phase-deploying,.phase-rolling_back{border-color:var(--warn)}
.checks{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,420px),1fr));gap:8px}
figure.check{margin:0}figure.check.bad figcaption{color:var(--bad)}
svg.chart{width:100%;height:auto}.timing svg.chart{max-width:760px}svg .grid{stroke:var(--line)}svg .tick,svg .limit-label{font-size:11px;fill:var(--muted)}
svg .limit{stroke:var(--bad);stroke-dasharray:6 4}svg .limit-label{fill:var(--bad)}
svg polyline{fill:none;stroke-width:1.5}svg circle.ok{fill:var(--ok)}svg circle.bad{fill:var(--bad)}
svg .s0 polyline{stroke:#0969da}svg .s1 polyline{stroke:#8250df}svg .s2 polyline{stroke:#bf8700}svg .s3 polyline{stroke:#1b7c83}svg .s4 polyline{stroke:#cf222e}svg .s5 polyline{stroke:#57606a}
svg .range{stroke:var(--muted);stroke-width:2}svg .iqr{stroke:#0969da;stroke-width:8}svg .median{stroke:currentColor;stroke-width:2}
.verdict.bad{color:var(--bad)}.verdict.ok{color:var(--ok)}
#status{position:sticky;top:0;padding:6px 0;min-height:1.5em}#status.bad{color:var(--bad)}#status.ok{color:var(--ok)}
.live-dot{display:inline-block;width:8px;height:8px;border-radius:50%;background:var(--muted)}.live-dot.on{background:var(--ok)}
dl{display:grid;grid-template-columns:auto 1fr;gap:0 8px;margin:4px 0}dd{margin:0}
input[type=range]{width:100%}
`;

export const SCRIPT = `(() => {
  'use strict';
  const meta = (name) => document.querySelector('meta[name="' + name + '"]')?.getAttribute('content') ?? '';
  const base = meta('dashboard-base');
  const status = document.getElementById('status');
  const say = (text, ok) => { if (!status) return; status.textContent = text; status.className = ok ? 'ok' : 'bad'; };
  const localise = (root) => root.querySelectorAll('time[datetime]').forEach((t) => {
    const d = new Date(t.getAttribute('datetime'));
    if (!Number.isNaN(d.getTime())) t.textContent = d.toLocaleString();
  });
  let countdownFrom = Date.now();
  const tick = () => document.querySelectorAll('.countdown[data-remaining-ms]').forEach((el) => {
    const left = Math.max(0, Number(el.getAttribute('data-remaining-ms')) - (Date.now() - countdownFrom));
    el.textContent = (left / 1000).toFixed(0) + ' s';
  });
  setInterval(tick, 500);
  localise(document);
  document.addEventListener('click', async (event) => {
    const button = event.target instanceof Element ? event.target.closest('button[data-action]') : null;
    if (!button || button.disabled) return;
    const label = button.getAttribute('data-label') || button.getAttribute('data-action');
    if (!window.confirm('Really ' + label + '?')) return;
    const body = { service: button.getAttribute('data-service'), environment: button.getAttribute('data-environment') };
    for (const field of ['version', 'live']) {
      const value = button.getAttribute('data-' + field);
      if (value) body[field] = value;
    }
    const commit = button.getAttribute('data-commit');
    if (commit) body.commit = commit;
    button.disabled = true;
    say(label + ': started…', true);
    try {
      const response = await fetch(base + '/actions/' + button.getAttribute('data-action'), {
        method: 'POST', credentials: 'same-origin',
        headers: { 'content-type': 'application/json', 'x-csrf-token': meta('csrf-token') },
        body: JSON.stringify(body),
      });
      const result = await response.json().catch(() => ({ ok: false, message: response.statusText }));
      say(label + ': ' + result.message, result.ok);
    } catch (error) {
      say(label + ': ' + error, false);
    } finally {
      button.disabled = false;
    }
  });
  const replay = document.getElementById('replay');
  if (replay) replay.addEventListener('change', () => {
    const url = new URL(window.location.href);
    url.searchParams.set('upto', replay.value);
    window.location.href = url.toString();
  });
  const stream = meta('dashboard-stream');
  if (stream && 'EventSource' in window) {
    const dot = document.getElementById('live');
    const source = new EventSource(stream);
    source.onopen = () => dot?.classList.add('on');
    source.onerror = () => dot?.classList.remove('on');
    source.addEventListener('panels', (message) => {
      const panels = JSON.parse(message.data);
      for (const [id, markup] of Object.entries(panels)) {
        const el = document.querySelector('[data-panel="' + CSS.escape(id) + '"]');
        if (el) { el.innerHTML = markup; localise(el); }
      }
      countdownFrom = Date.now();
      tick();
      document.body.setAttribute('data-updated', String(Date.now()));
    });
  }
})();
`;
