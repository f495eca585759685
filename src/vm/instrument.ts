// Deploy-time instrumentation of contract code for deterministic gas. QuickJS's own interrupt
// counter is not a per-call measure (it carries over between calls), so instead every function
// entry and every loop iteration of the contract is rewritten to decrement a step counter that
// only the runtime can reach. The same source always yields the same instrumented text, and the
// instrumented text is what is stored on chain, so a later change of parser cannot change gas.
// The static check here also refuses the syntax a contract may not use (async code, dynamic
// import, names reserved for the runtime) and reports references to forbidden globals.
import { Parser } from 'acorn';
import type { Node as AcornNode } from 'acorn';
import { ErrorCode, ZwError, assert } from '../core/index.js';

/** The step counter object the instrumented code decrements; its name is reserved. */
export const meterName = '__zwMeter';
/** Identifiers starting with this are reserved for the runtime; contracts may not use them. */
export const reservedPrefix = '__zw';

/** Text inserted at each metered point: one step, and a throw once the counter runs out. */
const stepCheck = `if(--${meterName}.left<0)${meterName}.out();`;

/**
 * Globals that are removed from every contract context. A reference is not an error at deploy
 * (it is simply undefined at run time) but `zw contract build` reports it, so that a developer
 * learns before deploying.
 */
export const forbiddenGlobals: readonly string[] = [
  'Date', 'WeakRef', 'FinalizationRegistry', 'eval', 'Function', 'setTimeout', 'setInterval',
  'setImmediate', 'queueMicrotask', 'performance', 'SharedArrayBuffer', 'Atomics', 'process',
  'require', 'fetch', 'XMLHttpRequest', 'WebAssembly',
];

export interface InstrumentResult {
  readonly code: string;
  /** Forbidden globals the source refers to (warnings for the build, not deploy errors). */
  readonly forbidden: readonly string[];
}

interface Insertion {
  readonly at: number;
  readonly text: string;
  /** Breaks ties at one position: closing text before opening text. */
  readonly order: number;
}

type AnyNode = AcornNode & Record<string, unknown>;

function isNode(value: unknown): value is AnyNode {
  return typeof value === 'object' && value !== null &&
    typeof (value as { type?: unknown }).type === 'string';
}

function children(node: AnyNode): AnyNode[] {
  const found: AnyNode[] = [];
  for (const key of Object.keys(node)) {
    const value = node[key];
    if (Array.isArray(value)) {
      for (const item of value) if (isNode(item)) found.push(item);
    } else if (isNode(value)) {
      found.push(value);
    }
  }
  return found;
}

function refuse(message: string, node: AnyNode): never {
  throw new ZwError(ErrorCode.BAD_ARGUMENTS, `contract code: ${message} (at offset ${node.start})`);
}

/** Parses a CommonJS-style script bundle; throws BAD_ARGUMENTS on a syntax error. */
function parse(source: string): AnyNode {
  try {
    return Parser.parse(source, { ecmaVersion: 2022, sourceType: 'script' }) as unknown as AnyNode;
  } catch (error) {
    throw new ZwError(ErrorCode.BAD_ARGUMENTS,
      `contract code does not parse: ${(error as Error).message}`);
  }
}

/** Where a step check goes for a loop or function body: inside a block, or wrapping a statement. */
function meterBody(body: AnyNode, insertions: Insertion[]): void {
  if (body.type === 'BlockStatement') {
    insertions.push({ at: body.start + 1, text: stepCheck, order: 1 });
  } else {
    insertions.push({ at: body.start, text: `{${stepCheck}`, order: 1 });
    insertions.push({ at: body.end, text: '}', order: 0 });
  }
}

function meterFunction(node: AnyNode, insertions: Insertion[]): void {
  if (node.async === true) refuse('async functions are not allowed', node);
  const body = node.body as AnyNode;
  if (body.type === 'BlockStatement') {
    insertions.push({ at: body.start + 1, text: stepCheck, order: 1 });
  } else {
    // An arrow function with an expression body: a comma expression keeps its value.
    insertions.push({ at: body.start, text: `((${meterName}.left-->0)||${meterName}.out(),`,
      order: 1 });
    insertions.push({ at: body.end, text: ')', order: 0 });
  }
}

function visit(node: AnyNode, insertions: Insertion[], forbidden: Set<string>): void {
  switch (node.type) {
    case 'FunctionDeclaration': case 'FunctionExpression': case 'ArrowFunctionExpression':
      meterFunction(node, insertions);
      break;
    case 'ForStatement': case 'ForInStatement': case 'ForOfStatement': case 'WhileStatement':
    case 'DoWhileStatement':
      if (node.await === true) refuse('for await is not allowed', node);
      meterBody(node.body as AnyNode, insertions);
      break;
    case 'AwaitExpression': refuse('await is not allowed', node); break;
    case 'ImportExpression': refuse('dynamic import is not allowed', node); break;
    case 'MetaProperty': refuse('import.meta and new.target are not allowed', node); break;
    case 'WithStatement': refuse('with is not allowed', node); break;
    case 'Identifier': {
      const name = node.name as string;
      if (name.startsWith(reservedPrefix)) refuse(`the name ${name} is reserved`, node);
      if (forbiddenGlobals.includes(name)) forbidden.add(name);
      break;
    }
    default:
      break;
  }
  for (const child of children(node)) visit(child, insertions, forbidden);
}

/**
 * Instruments a contract bundle. Pure and deterministic: the output depends only on the source.
 * Throws BAD_ARGUMENTS for code that does not parse or uses refused syntax.
 */
export function instrument(source: string): InstrumentResult {
  const program = parse(source);
  const insertions: Insertion[] = [];
  const forbidden = new Set<string>();
  visit(program, insertions, forbidden);
  insertions.sort((a, b) => (a.at - b.at) || (a.order - b.order));
  const parts: string[] = [];
  let position = 0;
  for (const insertion of insertions) {
    assert(insertion.at >= position, 'insertions are applied in order');
    parts.push(source.slice(position, insertion.at), insertion.text);
    position = insertion.at;
  }
  parts.push(source.slice(position));
  return { code: parts.join(''), forbidden: [...forbidden].sort() };
}
