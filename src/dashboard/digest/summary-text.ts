/**
 * summary.json as a report holds it: as written, unless it is large, when the per-node keys
 * (an array or object of more than `entries` entries: perNode, dutyCycleUtilisation at city
 * scale, 60 MB for 100,000 nodes) are left out and named. No view reads them when the run has
 * a series; every total on the page still comes from the rest. Pure.
 *
 * @example
 * summaryForPage('{"frames":{"sent":3},"perNode":[…100,000 entries…]}', 1 << 20, 1000)
 * // { text: '{\n  "frames": {\n    "sent": 3\n  }\n}', leftOut: [{ key: 'perNode', entries: 100000 }] }
 */

export interface SummaryForPage {
  readonly text: string;
  readonly leftOut: readonly { readonly key: string; readonly entries: number }[];
}

/** `text` whole when it has at most `chars` characters, else without its top-level keys of more than `entries` entries. */
export function summaryForPage(text: string, chars: number, entries: number): SummaryForPage {
  if (text.length <= chars) return { text, leftOut: [] };
  let summary: unknown;
  try {
    summary = JSON.parse(text);
  } catch {
    // The page says it is not valid JSON (views/run-model.ts).
    return { text, leftOut: [] };
  }
  if (summary === null || typeof summary !== 'object' || Array.isArray(summary)) return { text, leftOut: [] };
  const kept: Record<string, unknown> = {};
  const leftOut: { key: string; entries: number }[] = [];
  for (const [key, value] of Object.entries(summary)) {
    const size = Array.isArray(value) ? value.length : value !== null && typeof value === 'object' ? Object.keys(value).length : 0;
    if (size > entries) leftOut.push({ key, entries: size });
    else kept[key] = value;
  }
  return { text: `${JSON.stringify(kept, null, 2)}\n`, leftOut };
}
