/** The dashboard's styles, inlined into every page. Marks differ by shape, dash and pattern as well as colour. */
export const dashboardCss = `
:root { --ink: #1d2733; --muted: #5b6673; --line: #d5dbe1; --accent: #2f6db5; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); }
body { margin: 0; background: #f6f7f9; }
header { position: sticky; top: 0; z-index: 2; background: #fff; border-bottom: 1px solid var(--line); padding: 10px 18px; }
h1 { font-size: 18px; margin: 0 0 4px; }
h2 { font-size: 16px; margin: 0; }
.status { margin: 2px 0; font-size: 13px; color: var(--muted); min-height: 1em; }
.status.problem { color: #a4161a; font-weight: 600; font-size: 15px; }
.status.done { color: #1b6e2a; font-weight: 600; }
.counters { display: flex; flex-wrap: wrap; gap: 18px; margin: 6px 0; }
.counter dt { font-size: 11px; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
.counter dd { margin: 0; font-size: 18px; font-variant-numeric: tabular-nums; }
.timebar { display: flex; align-items: center; gap: 10px; }
.timebar input { flex: 1; }
.timebar output { font-variant-numeric: tabular-nums; font-size: 13px; min-width: 16em; }
main { display: grid; grid-template-columns: repeat(auto-fill, minmax(590px, 1fr)); gap: 14px; padding: 14px; }
.panel { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 12px; }
.caption { margin: 2px 0 8px; color: var(--muted); font-size: 13px; }
.message { padding: 18px; background: #fff8e6; border: 1px dashed #d9a400; border-radius: 4px; font-size: 14px; }
.sampling-note { font-size: 12px; margin: 4px 0; padding: 4px 8px; border-left: 3px solid #d9a400; background: #fffaf0; color: var(--ink); }
.sampling { margin: 2px 0; font-size: 12px; color: var(--ink); }
.battery-band { fill: #4e79a7; opacity: .18; }
.battery-mean { fill: none; stroke: #1d3f66; stroke-width: 2; }
.figures { font-size: 13px; margin: 6px 0; font-variant-numeric: tabular-nums; }
.percentile { font-weight: 600; margin-right: 8px; }
svg { display: block; max-width: 100%; height: auto; overflow: visible; font-size: 11px; }
.axis-label { font-size: 12px; fill: var(--ink); }
.legend { list-style: none; display: flex; flex-wrap: wrap; gap: 4px 14px; padding: 0; margin: 6px 0; font-size: 12px; }
.legend li { display: flex; align-items: center; gap: 5px; }
.legend rect { stroke: #333; stroke-width: .5; }
.holder-swatch { stroke-width: 3 !important; }
.link { stroke: #7d8a97; stroke-width: 1; opacity: .55; }
.link.poor { stroke: #c0392b; }
.frame-arc { fill: none; stroke: var(--accent); stroke-width: 2; opacity: .85; }
.frame-arc.animated { stroke-dasharray: 6 4; animation: flow .6s linear infinite; }
@keyframes flow { to { stroke-dashoffset: -10; } }
.node circle, .node rect { stroke: #333; stroke-width: 1; }
.node.holder circle, .node.holder rect { stroke-width: 3; }
.node .death { stroke: #111; stroke-width: 2; }
.node-label { font-size: 9px; fill: var(--muted); }
.bars rect { fill: #9db7d5; stroke: #3d6a99; }
.cdf { fill: none; stroke: #111; stroke-width: 2; }
.marker line { stroke: #111; stroke-dasharray: 3 3; }
.marker text { font-size: 11px; font-weight: 600; }
.part { stroke: #fff; }
.battery-lines path { fill: none; stroke: #4e79a7; stroke-width: 1; opacity: .6; }
.cursor { stroke: #a4161a; stroke-width: 1.5; stroke-dasharray: 4 2; }
.joules-line { fill: none; stroke: #e15759; stroke-width: 2; }
.joules-point { fill: #e15759; }
.segment { stroke: #fff; stroke-width: .5; }
.heatmap text { font-size: 11px; fill: #111; }
.heatmap text.on-dark { fill: #fff; }
.heatmap .replicas { font-size: 9px; font-weight: 700; }
.accuracy-line { fill: none; stroke: #1b6e2a; stroke-width: 2; }
.accuracy-point { fill: #1b6e2a; }
.loss-line { fill: none; stroke: #a4161a; stroke-width: 2; stroke-dasharray: 6 3; }
.took-part { fill: #59a14f; }
.dropped { fill: #f28e2b; }
.abandoned { fill: #e15759; }
.legend .took-part { fill: #59a14f; } .legend .dropped { fill: #f28e2b; } .legend .abandoned { fill: #e15759; }
.duty-bars rect { fill: #76b7b2; stroke: #2f6b66; }
.duty-bars rect.over { fill: #e15759; }
.duty-values text { font-size: 10px; }
.limit { stroke: #a4161a; stroke-width: 2; }
.limit-label { fill: #a4161a; font-size: 11px; }
.target-line { stroke: #1b6e2a; stroke-width: 1.5; stroke-dasharray: 2 4; }
.target-label { fill: #1b6e2a; font-size: 11px; font-weight: 600; }
.round-progress { font-weight: 600; color: #2f6db5; }
.fate { stroke: #fff; stroke-width: .3; }
.delivery-line { fill: none; stroke: #111; stroke-width: 2; }
.ratio-bar { fill: #59a14f; stroke: #2d5f27; }
.count-bar { fill: #9db7d5; stroke: #3d6a99; }
.node .silent-ring { fill: none; stroke: #c0392b; stroke-width: 2.5; stroke-dasharray: 3 2; }
.legend .silent-swatch { fill: #fff; stroke: #c0392b !important; stroke-width: 2.5 !important; stroke-dasharray: 3 2; }
.mains-toggle, .delivery-over { font-size: 13px; display: block; margin: 2px 0 6px; }
`;
