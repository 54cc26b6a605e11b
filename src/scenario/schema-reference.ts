/**
 * The reference of scenario keys as Markdown (docs/reference/scenario.md, `loraswarm schema
 * --markdown`), rendered from the scenario's JSON Schema: one table per top-level block, a row
 * per key with its dotted path, type, default and description. A description's closing
 * "Default: …" sentence (described.ts) fills the default column.
 */

type JsonNode = { readonly [key: string]: unknown };

/** One key of the reference. */
interface Row {
  readonly path: string;
  /** The branch of a union the key belongs to, e.g. "shape: disc". */
  readonly when: readonly string[];
  readonly node: JsonNode;
  readonly required: boolean;
}

const isNode = (value: unknown): value is JsonNode => typeof value === 'object' && value !== null && !Array.isArray(value);
const nodes = (value: unknown): JsonNode[] => (Array.isArray(value) ? value.filter(isNode) : []);

const intro = `# Scenario file reference

Every key of a scenario file: its type or allowed values, its default and what it does.
Generated from the scenario schema (\`npm run docs:reference\`, which runs
\`loraswarm schema --markdown\`): do not edit it by hand. \`loraswarm schema\` prints the same
schema as JSON Schema, for editors.

- Unknown keys are errors, everywhere.
- A path such as \`groups[].radio.sf\` is the key \`sf\` in the \`radio\` block of any item of
  \`groups\`; \`<name>\` stands for a name you choose.
- A key marked (shape: disc) exists in that kind of its block only.
- Durations are milliseconds, or strings with a unit: "250ms", "90s", "15min", "2h", "1d".
`;

/**
 * The Markdown reference of the scenario JSON Schema `schema` (scenarioJsonSchema()).
 *
 * @example
 * scenarioReference(scenarioJsonSchema()); // '# Scenario file reference\n…'
 */
export function scenarioReference(schema: object): string {
  const root = schema as JsonNode;
  const top = rowsUnder(root, root, '', []).filter((row) => /^[^.[]+$/.test(row.path));
  const blocks = top.filter((row) => rowsUnder(root, row.node, row.path, []).length > 0);
  const sections = [
    { title: 'Top-level keys', rows: top.filter((row) => !blocks.includes(row)) },
    ...blocks.map((row) => ({ title: row.path, rows: [row, ...rowsUnder(root, row.node, row.path, [])] })),
  ];
  const contents = sections.map((section) => `[${section.title}](#${anchor(section.title)})`).join(' · ');
  return [intro, contents, '', ...sections.map((section) => `## ${section.title}\n\n${table(section.rows)}`)].join('\n');
}

/** Every key under `node` (its properties, those of its branches, items and record values), depth first. */
function rowsUnder(root: JsonNode, node: JsonNode, path: string, when: readonly string[]): Row[] {
  const rows: Row[] = [];
  collect(root, node, path, when, rows);
  return rows;
}

function collect(root: JsonNode, node: JsonNode, path: string, when: readonly string[], rows: Row[]): void {
  const target = deref(root, node);
  const required = new Set(Array.isArray(target.required) ? (target.required as string[]) : []);
  for (const [key, child] of Object.entries(isNode(target.properties) ? target.properties : {})) {
    if (!isNode(child)) continue;
    const childPath = path === '' ? key : `${path}.${key}`;
    rows.push({ path: childPath, when, node: child, required: required.has(key) });
    collect(root, child, childPath, when, rows);
  }
  for (const [union, alternatives] of [[target.anyOf, true], [target.oneOf, true], [target.allOf, false]] as const) {
    const branches = nodes(union).map((branch) => deref(root, branch));
    const common = alternatives ? discriminator(branches) : undefined;
    for (const branch of branches) {
      // Branches without a common discriminating key are told apart by a constant of their own (estimate: true).
      const key = common ?? (alternatives ? constantKey(branch) : undefined);
      const first = rows.length;
      collect(root, branch, path, key ? [...when, `${key}: ${fixedValue(branch, key)}`] : when, rows);
      // The discriminating key itself (shape: disc) needs no condition: its value says it.
      for (let i = first; i < rows.length; i++) if (key && rows[i]!.path === `${path}.${key}`) rows[i] = { ...rows[i]!, when };
    }
  }
  if (isNode(target.items)) collect(root, target.items, `${path}[]`, when, rows);
  if (isNode(target.additionalProperties)) collect(root, target.additionalProperties, `${path}.<name>`, when, rows);
}

/** The node a local $ref points at, or `node` itself. */
function deref(root: JsonNode, node: JsonNode): JsonNode {
  if (typeof node.$ref !== 'string') return node;
  const parts = node.$ref.replace(/^#\/?/, '').split('/').filter((part) => part !== '');
  const target = parts.reduce<unknown>((at, part) => (isNode(at) ? at[part.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined), root);
  return isNode(target) ? target : node;
}

/** The key whose value tells a union's branches apart (a constant or a set of values in each), if any. */
function discriminator(branches: readonly JsonNode[]): string | undefined {
  const fixed = (branch: JsonNode, key: string): boolean => {
    const property = isNode(branch.properties) ? branch.properties[key] : undefined;
    return isNode(property) && ('const' in property || Array.isArray(property.enum));
  };
  const first = branches[0];
  if (branches.length < 2 || !first || !isNode(first.properties)) return undefined;
  return Object.keys(first.properties).find((key) => branches.every((branch) => fixed(branch, key)));
}

/** The first key of a branch whose value is a constant, if any. */
function constantKey(branch: JsonNode): string | undefined {
  return Object.entries(isNode(branch.properties) ? branch.properties : {}).find(([, child]) => isNode(child) && 'const' in child)?.[0];
}

/** "disc", or "fedadagrad/fedadam/fedyogi": the value(s) of a branch's discriminating key. */
function fixedValue(branch: JsonNode, key: string): string {
  const property = (branch.properties as JsonNode)[key] as JsonNode;
  return 'const' in property ? plain(property.const) : (property.enum as unknown[]).map(plain).join('/');
}

function table(rows: readonly Row[]): string {
  const lines = rows.map((row) => {
    const { description, defaultText } = splitDefault(typeof row.node.description === 'string' ? row.node.description : '');
    const key = `\`${row.path}\`${row.when.length > 0 ? ` (${row.when.join(', ')})` : ''}`;
    return `| ${key} | ${typeText(row.node)} | ${defaultCell(row, defaultText)} | ${cell(description)} |`;
  });
  return ['| Key | Type | Default | Description |', '| --- | --- | --- | --- |', ...lines, ''].join('\n');
}

/** The default as the description says it, as code when it is the value itself; "required" or "—" without one. */
function defaultCell(row: Row, said: string | undefined): string {
  const value = row.node.default;
  if (said !== undefined) return 'default' in row.node && said === plain(value) ? code(value) : cell(said);
  return 'default' in row.node ? code(value) : row.required ? 'required' : '—';
}

/** A description without its closing "Default: …" sentence, and that sentence's text. */
function splitDefault(text: string): { description: string; defaultText: string | undefined } {
  const match = /^(.*?)\s*Default: (.*?)\.?$/s.exec(text);
  return match ? { description: match[1]!, defaultText: match[2]! } : { description: text, defaultText: undefined };
}

/** The type or allowed values of a key, e.g. "integer from 5 to 12 or `auto`". */
function typeText(node: JsonNode): string {
  if (Array.isArray(node.enum)) return node.enum.map(code).join(', ');
  if ('const' in node) return code(node.const);
  const branches = [...nodes(node.anyOf), ...nodes(node.oneOf)];
  if (branches.length > 0) return [...new Set(branches.map(typeText))].join(' or ');
  if (Array.isArray(node.type)) return node.type.join(' or ');
  if (Array.isArray(node.prefixItems)) return `[${nodes(node.prefixItems).map(typeText).join(', ')}]`;
  if (node.type === 'array') return `list of ${isNode(node.items) ? typeText(node.items) : 'any'}${typeof node.minItems === 'number' && node.minItems > 0 ? `, at least ${node.minItems}` : ''}`;
  if (node.type === 'object') return isNode(node.additionalProperties) ? `map of name to ${typeText(node.additionalProperties)}` : 'object';
  if (node.type === 'integer' || node.type === 'number') return `${node.type}${bounds(node)}`;
  return typeof node.type === 'string' ? node.type : 'any';
}

/** " from 5 to 12", " ≥ 0", " > 0, ≤ 1"…; an integer's implicit safe-integer bounds left out. */
function bounds(node: JsonNode): string {
  const limit = (key: string, sign: string): [string, number] | undefined => {
    const value = node[key];
    return typeof value === 'number' && Math.abs(value) < Number.MAX_SAFE_INTEGER ? [sign, value] : undefined;
  };
  const low = limit('minimum', '≥') ?? limit('exclusiveMinimum', '>');
  const high = limit('maximum', '≤') ?? limit('exclusiveMaximum', '<');
  if (low?.[0] === '≥' && high?.[0] === '≤') return ` from ${number(low[1])} to ${number(high[1])}`;
  const parts = [low, high].filter((part) => part !== undefined).map(([sign, value]) => `${sign} ${number(value)}`);
  return parts.length > 0 ? ` ${parts.join(', ')}` : '';
}

/** 1000000 as 1,000,000. */
const number = (value: number): string => (Number.isInteger(value) ? String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ',') : String(value));
/** A value as YAML would show a scalar: strings without quotes. */
const plain = (value: unknown): string => (typeof value === 'string' ? value : (JSON.stringify(value) ?? 'undefined'));
const code = (value: unknown): string => `\`${plain(value)}\``;
/** Text for a table cell: pipes and angle brackets escaped, one line. */
const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\s*\n\s*/g, ' ');
/** GitHub's heading anchor. */
const anchor = (title: string): string => title.toLowerCase().replace(/[^a-z0-9 -]/g, '').replace(/ /g, '-');
