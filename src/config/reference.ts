/**
 * The configuration reference in docs/configuration.md: a Markdown table per section of tranche.yml,
 * generated from the JSON Schema (itself generated from the zod schema), never written by hand.
 */
import type { JsonSchema } from './json-schema.ts';

export const REFERENCE_START = '<!-- config-reference:start -->';
export const REFERENCE_END = '<!-- config-reference:end -->';

interface Row {
  key: string;
  type: string;
  default: string;
  description: string;
}

interface Section {
  heading: string;
  rows: Row[];
}

/** The Markdown that goes between the reference page's markers. */
export function renderConfigReference(schema: JsonSchema): string {
  const walker = new SectionWalker(schema);
  walker.visitObject('', schema, undefined);
  return [
    '<!-- Generated from src/config/schema.ts by `npm run schema`; do not edit by hand. -->',
    ...walker.sections.map(renderSection),
    renderTypes(schema),
  ].join('\n\n');
}

/** The page's text with the reference section replaced; the markers must be present. */
export function replaceReferenceSection(page: string, reference: string): string {
  const start = page.indexOf(REFERENCE_START);
  const end = page.indexOf(REFERENCE_END);
  if (start === -1 || end < start) {
    throw new Error(`docs/configuration.md lacks the markers ${REFERENCE_START} and ${REFERENCE_END}`);
  }
  return `${page.slice(0, start + REFERENCE_START.length)}\n${reference}\n${page.slice(end)}`;
}

class SectionWalker {
  readonly sections: Section[] = [];
  readonly #root: JsonSchema;

  constructor(root: JsonSchema) {
    this.#root = root;
  }

  visitObject(path: string, node: JsonSchema, title: string | undefined): void {
    const properties = asRecord(node.properties);
    const required = new Set(Array.isArray(node.required) ? node.required : []);
    const section: Section = { heading: sectionHeading(path, title), rows: [] };
    this.sections.push(section);
    for (const [key, property] of Object.entries(properties)) {
      const keyPath = path === '' ? key : `${path}.${key}`;
      section.rows.push(this.#row(keyPath, asRecord(property), required.has(key)));
      this.#visitChildren(keyPath, this.#deref(asRecord(property)));
    }
  }

  #visitChildren(path: string, node: JsonSchema): void {
    if (isRecord(node.properties)) this.visitObject(path, node, undefined);
    else if (isRecord(node.additionalProperties))
      this.#visitChildren(`${path}.<name>`, this.#deref(node.additionalProperties));
    else if (isRecord(node.items)) this.#visitChildren(`${path}[]`, this.#deref(node.items));
    for (const option of asArray(node.anyOf)) this.#visitOption(path, this.#deref(asRecord(option)));
  }

  /** One form of a union: a mapping gets its own section, named after the form when it has a title. */
  #visitOption(path: string, option: JsonSchema): void {
    if (isRecord(option.properties)) this.visitObject(path, option, titleOf(option));
    else this.#visitChildren(path, option);
  }

  #row(key: string, property: JsonSchema, required: boolean): Row {
    const resolved = this.#deref(property);
    const fallback = required ? 'required' : '—';
    const defaultValue = property.default ?? resolved.default;
    return {
      key: code(key),
      type: this.#typeName(property),
      default:
        defaultValue === undefined ? fallback : code(JSON.stringify(defaultValue).replace(/^"(.*)"$/, '$1')),
      description: String(property.description ?? resolved.description ?? ''),
    };
  }

  #typeName(node: JsonSchema): string {
    const title = titleOf(this.#deref(node));
    if (title !== undefined) return title;
    if (typeof node.$ref === 'string') return this.#typeName(this.#deref(node));
    if (Array.isArray(node.enum)) return `one of ${node.enum.map((value) => code(String(value))).join(', ')}`;
    if (Array.isArray(node.anyOf))
      return joinAlternatives(node.anyOf.map((option) => this.#typeName(asRecord(option))));
    if (Array.isArray(node.type)) return joinAlternatives(node.type.map(String));
    if (node.type === 'array') return `list of ${this.#typeName(asRecord(node.items))}`;
    if (node.type === 'object') {
      return isRecord(node.additionalProperties)
        ? `map of ${this.#typeName(node.additionalProperties)}`
        : 'mapping';
    }
    if (node.type === 'integer' || node.type === 'number') return numberType(node);
    return String(node.type ?? 'any');
  }

  #deref(node: JsonSchema): JsonSchema {
    if (typeof node.$ref !== 'string') return node;
    const name = node.$ref.replace('#/$defs/', '');
    return this.#deref(asRecord(asRecord(this.#root.$defs)[name]));
  }
}

function sectionHeading(path: string, title: string | undefined): string {
  const place = path === '' ? 'Top level' : code(path);
  return title === undefined ? place : `${place} (${title})`;
}

function renderSection(section: Section): string {
  const lines = [
    `### ${section.heading}`,
    '',
    '| Key | Type | Default | Description |',
    '| --- | --- | --- | --- |',
  ];
  for (const row of section.rows) {
    lines.push(`| ${[row.key, row.type, row.default, row.description].map(cell).join(' | ')} |`);
  }
  return lines.join('\n');
}

function renderTypes(schema: JsonSchema): string {
  const lines = ['### Types', ''];
  for (const definition of Object.values(asRecord(schema.$defs))) {
    const { title, description } = asRecord(definition);
    if (typeof title === 'string' && typeof description === 'string')
      lines.push(`- *${title}*: ${description}`);
  }
  return lines.join('\n');
}

function numberType(node: JsonSchema): string {
  const noun = node.type === 'integer' ? 'integer' : 'number';
  const { minimum, maximum } = node;
  if (typeof minimum === 'number' && typeof maximum === 'number') return `${noun} ${minimum}–${maximum}`;
  if (typeof minimum === 'number') return `${noun} ≥ ${minimum}`;
  if (typeof maximum === 'number') return `${noun} ≤ ${maximum}`;
  return noun;
}

function joinAlternatives(names: string[]): string {
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
}

function titleOf(node: JsonSchema): string | undefined {
  return typeof node.title === 'string' ? node.title : undefined;
}

function code(text: string): string {
  return `\`${text}\``;
}

function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

function isRecord(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asRecord(value: unknown): JsonSchema {
  return isRecord(value) ? value : {};
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
