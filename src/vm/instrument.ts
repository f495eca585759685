// Deploy-time instrumentation of contract code for deterministic gas. QuickJS's own interrupt
// counter is not a per-call measure (it carries over between calls), so instead every function
// entry and every loop iteration of the contract is rewritten to decrement a step counter that
// only the runtime can reach. The same source always yields the same instrumented text, and the
// instrumented text is what is stored on chain, so a later change of parser cannot change gas.
// The static check here also refuses the syntax a contract may not use (async code, dynamic
// import, names reserved for the runtime) and reports references to forbidden globals.
//
// Operators whose native work grows with their operands (string concatenation and comparison,
// numeric strings converted by arithmetic, every bigint operator) are rewritten into calls of the
// prelude's metered helpers (`__zwO`, see src/vm/builtins.ts), with an inline fast path when both
// operands are plain identifiers or literals holding numbers; spreads, for-in and switch charge
// by the size of what they walk. One deviation from the language: in `o[k] op= v` with a member
// on the left, `v` is evaluated before `o[k]` is read.
import { Parser } from 'acorn';
import type { Node as AcornNode, Token } from 'acorn';
import { ErrorCode, ZwError, assert } from '../core/index.js';

/** The step counter object the instrumented code decrements; its name is reserved. */
export const meterName = '__zwMeter';
/** Identifiers starting with this are reserved for the runtime; contracts may not use them. */
export const reservedPrefix = '__zw';

/** The metered operator helpers, bound once at the top of the module. */
const opsName = '__zwO';
const prologue = `const ${opsName}=${meterName}.o;`;

/**
 * Text inserted at each metered point: the body's steps, and a throw once the counter runs out.
 * A body costs one step per `nodesPerStep` syntax nodes it holds outside nested functions and
 * loop bodies (which have their own checks), at least one: straight-line code between two
 * metered points is paid by its length, so a long body cannot do a lot of work for one step.
 */
const nodesPerStep = 32;

function stepCheck(steps: number): string {
  return steps === 1 ? `if(--${meterName}.left<0)${meterName}.out();`
    : `if((${meterName}.left-=${steps})<0)${meterName}.out();`;
}

const loopTypes: ReadonlySet<string> = new Set(['ForStatement', 'ForInStatement',
  'ForOfStatement', 'WhileStatement', 'DoWhileStatement']);
const functionTypes: ReadonlySet<string> = new Set(['FunctionDeclaration', 'FunctionExpression',
  'ArrowFunctionExpression']);

/** Steps of one pass through a body: its nodes, not counting nested functions' and loops'. */
function bodySteps(body: AnyNode): number {
  let nodes = 0;
  const stack: AnyNode[] = [body];
  while (stack.length > 0) {
    const node = stack.pop() as AnyNode;
    nodes += 1;
    if (node !== body && functionTypes.has(node.type)) continue;
    for (const child of children(node)) {
      if (loopTypes.has(node.type) && child === node.body) continue;
      stack.push(child);
    }
  }
  return Math.max(1, Math.ceil(nodes / nodesPerStep));
}

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

/** How edits at one position are ordered: closings (inner first), openings (outer first), then
 * replacements. */
const enum Kind { Close = 0, Open = 1, Replace = 2 }

interface Edit {
  readonly at: number;
  /** Source up to here is replaced by the text (equal to `at` for an insertion). */
  readonly end: number;
  readonly text: string;
  readonly kind: Kind;
  readonly depth: number;
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
function parse(source: string, tokens: Token[]): AnyNode {
  try {
    return Parser.parse(source, { ecmaVersion: 2022, sourceType: 'script', onToken: tokens }) as
      unknown as AnyNode;
  } catch (error) {
    throw new ZwError(ErrorCode.BAD_ARGUMENTS,
      `contract code does not parse: ${(error as Error).message}`);
  }
}

const binaryHelpers: Readonly<Record<string, string>> = {
  '+': 'add', '-': 'sub', '*': 'mul', '/': 'div', '%': 'mod', '**': 'pow', '<<': 'shl',
  '>>': 'shr', '>>>': 'ushr', '&': 'and', '|': 'or', '^': 'xor', '<': 'lt', '<=': 'le', '>': 'gt',
  '>=': 'ge', '==': 'eq', '!=': 'ne', '===': 'seq', '!==': 'sne',
};
const unaryHelpers: Readonly<Record<string, string>> = { '-': 'neg', '+': 'pos', '~': 'bnot' };
/** A string literal up to this length compares in bounded time. */
const shortLiteralChars = 1024;
/**
 * Below this length `a + b` stays inline: the result cannot pass the string limit in one step,
 * and a string at least this long always goes through the helper, which checks the limit.
 */
const inlineConcatChars = 1024;

/** The inline test that one operand of `+` is a number or a short string. */
function shortOrNumber(node: AnyNode, operand: string): string {
  if (isPlainLiteral(node)) {
    return typeof node.value === 'string' && node.value.length >= inlineConcatChars
      ? 'false' : 'true';
  }
  return `(typeof ${operand}==="number"||typeof ${operand}==="string"&&` +
    `${operand}.length<${inlineConcatChars})`;
}

class Rewriter {
  readonly edits: Edit[] = [];

  constructor(private readonly source: string, private readonly tokens: readonly Token[]) {}

  text(node: AnyNode): string {
    return this.source.slice(node.start, node.end);
  }

  open(at: number, text: string, depth: number): void {
    this.edits.push({ at, end: at, text, kind: Kind.Open, depth });
  }

  close(at: number, text: string, depth: number): void {
    this.edits.push({ at, end: at, text, kind: Kind.Close, depth });
  }

  replace(start: number, end: number, text: string, depth: number): void {
    this.edits.push({ at: start, end, text, kind: Kind.Replace, depth });
  }

  /** The first token in [from, to) whose text is `text`. */
  token(from: number, to: number, text: string, node: AnyNode): Token {
    let lo = 0, hi = this.tokens.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.tokens[mid] as Token).start < from) lo = mid + 1; else hi = mid;
    }
    for (let i = lo; i < this.tokens.length; i++) {
      const token = this.tokens[i] as Token;
      if (token.end > to) break;
      if (this.source.slice(token.start, token.end) === text) return token;
    }
    return refuse(`cannot find the token ${text}`, node);
  }

  apply(): string {
    const order = (a: Edit, b: Edit): number => (a.at - b.at) || (a.kind - b.kind) ||
      (a.kind === Kind.Close ? b.depth - a.depth : a.depth - b.depth);
    const edits = [...this.edits].sort(order);
    const parts: string[] = [prologue];
    let position = 0;
    for (const edit of edits) {
      assert(edit.at >= position, 'contract code edits are applied in order');
      parts.push(this.source.slice(position, edit.at), edit.text);
      position = edit.end;
    }
    parts.push(this.source.slice(position));
    return parts.join('');
  }
}

/** Operands that can be evaluated twice with no effect: the inline fast path repeats them. */
function isSimple(node: AnyNode): boolean {
  return node.type === 'Identifier' || node.type === 'ThisExpression' ||
    (node.type === 'Literal' && node.regex === undefined);
}

function isPlainLiteral(node: AnyNode): boolean {
  return node.type === 'Literal' && node.regex === undefined && node.bigint === undefined;
}

function isShortLiteral(node: AnyNode): boolean {
  if (node.type === 'Literal' && node.regex === undefined) {
    return typeof node.value !== 'string' || node.value.length <= shortLiteralChars;
  }
  return node.type === 'UnaryExpression' && node.operator === 'typeof';
}

function rewriteBinary(node: AnyNode, r: Rewriter, depth: number): void {
  const operator = node.operator as string;
  const helper = binaryHelpers[operator];
  if (helper === undefined) return;
  const left = node.left as AnyNode, right = node.right as AnyNode;
  // Two literals cost what their source text costs, except bigints (1n << 1000000n).
  if (isPlainLiteral(left) && isPlainLiteral(right)) return;
  const strict = operator === '===' || operator === '!==';
  if (strict && (isShortLiteral(left) || isShortLiteral(right))) return;
  if (isSimple(left) && isSimple(right)) {
    const a = r.text(left), b = r.text(right);
    const fast = strict ? `typeof ${a}!=="string"||typeof ${b}!=="string"`
      : operator === '+' ? `${shortOrNumber(left, a)}&&${shortOrNumber(right, b)}`
        : `typeof ${a}==="number"&&typeof ${b}==="number"`;
    r.replace(node.start, node.end,
      `(${fast}?${a} ${operator} ${b}:${opsName}.${helper}(${a},${b}))`, depth);
    return;
  }
  const token = r.token(left.end, right.start, operator, node);
  r.open(node.start, `${opsName}.${helper}(`, depth);
  r.replace(token.start, token.end, ',', depth);
  r.close(node.end, ')', depth);
}

function rewriteUnary(node: AnyNode, r: Rewriter, depth: number): void {
  const helper = unaryHelpers[node.operator as string];
  const argument = node.argument as AnyNode;
  if (helper === undefined || isPlainLiteral(argument)) return;
  if (isSimple(argument)) {
    const a = r.text(argument);
    r.replace(node.start, node.end,
      `(typeof ${a}==="number"?${node.operator as string}${a}:${opsName}.${helper}(${a}))`, depth);
    return;
  }
  r.replace(node.start, node.start + 1, `${opsName}.${helper}(`, depth);
  r.close(node.end, ')', depth);
}

/** A member target whose text can be repeated (super.x, this.#x), or undefined. */
function repeatableMember(member: AnyNode, r: Rewriter): string | undefined {
  const object = member.object as AnyNode;
  const property = member.property as AnyNode;
  if (member.computed === true) return undefined;
  if (object.type === 'Super' ||
      (object.type === 'ThisExpression' && property.type === 'PrivateIdentifier')) {
    return r.text(member);
  }
  return undefined;
}

/** Turns `o.p` / `o[k]` into `o,"p"` / `o,k` (the arguments of a helper call). */
function splitMember(member: AnyNode, r: Rewriter, depth: number): void {
  const object = member.object as AnyNode;
  const property = member.property as AnyNode;
  if (object.type === 'Super' || property.type === 'PrivateIdentifier') {
    refuse('this update of a super or private member is not supported', member);
  }
  if (member.optional === true) refuse('optional chaining cannot be assigned', member);
  if (member.computed === true) {
    const open = r.token(object.end, property.start, '[', member);
    r.replace(open.start, open.end, ',', depth);
    const closeToken = r.token(property.end, member.end, ']', member);
    r.replace(closeToken.start, closeToken.end, '', depth);
  } else {
    const dot = r.token(object.end, property.start, '.', member);
    r.replace(dot.start, property.end, `,${JSON.stringify(property.name)}`, depth);
  }
}

function rewriteUpdate(node: AnyNode, r: Rewriter, depth: number): void {
  const argument = node.argument as AnyNode;
  const operator = node.operator as string;
  const prefix = node.prefix === true;
  const repeated = argument.type === 'Identifier' ? argument.name as string
    : argument.type === 'MemberExpression' ? repeatableMember(argument, r) : undefined;
  if (repeated !== undefined) {
    const op = prefix ? `${operator}${repeated}` : `${repeated}${operator}`;
    r.replace(node.start, node.end, `(typeof ${repeated}==="number"?${op}:` +
      `(${repeated}=${opsName}.numeric(${repeated}),${op}))`, depth);
    return;
  }
  if (argument.type !== 'MemberExpression') return;
  const delta = operator === '++' ? 1 : -1;
  if (prefix) {
    r.replace(node.start, node.start + 2, `${opsName}.upd(`, depth);
    splitMember(argument, r, depth);
    r.close(node.end, `,true,${delta})`, depth);
  } else {
    r.open(node.start, `${opsName}.upd(`, depth);
    splitMember(argument, r, depth);
    const token = r.token(argument.end, node.end, operator, node);
    r.replace(token.start, token.end, `,false,${delta})`, depth);
  }
}

function rewriteAssignment(node: AnyNode, r: Rewriter, depth: number): void {
  const operator = node.operator as string;
  const left = node.left as AnyNode, right = node.right as AnyNode;
  if (operator === '=') {
    if (left.type === 'ArrayPattern' && hasRest(left)) wrapSpread(right, r, depth);
    return;
  }
  const helper = binaryHelpers[operator.slice(0, -1)];
  if (helper === undefined) return;
  const token = r.token(left.end, right.start, operator, node);
  const repeated = left.type === 'Identifier' ? left.name as string
    : left.type === 'MemberExpression' ? repeatableMember(left, r) : undefined;
  if (repeated !== undefined) {
    if (left.type === 'Identifier' && isSimple(right)) {
      const b = r.text(right);
      r.replace(node.start, node.end, `(typeof ${repeated}==="number"&&typeof ${b}==="number"?` +
        `${repeated}${operator}${b}:${repeated}=${opsName}.${helper}(${repeated},${b}))`, depth);
      return;
    }
    r.replace(token.start, token.end, `=${opsName}.${helper}(${repeated},`, depth);
    r.close(node.end, ')', depth);
    return;
  }
  if (left.type !== 'MemberExpression') return;
  r.open(node.start, `${opsName}.asg(`, depth);
  splitMember(left, r, depth);
  r.replace(token.start, token.end, `,"${helper}",`, depth);
  r.close(node.end, ')', depth);
}

function hasRest(pattern: AnyNode): boolean {
  const elements = pattern.elements as (AnyNode | null)[];
  return elements.some((element) => element !== null && element.type === 'RestElement');
}

function wrapSpread(node: AnyNode, r: Rewriter, depth: number): void {
  r.open(node.start, `${opsName}.sp(`, depth + 1);
  r.close(node.end, ')', depth + 1);
}

/** Where a step check goes for a loop or function body: inside a block, or wrapping a statement. */
function meterBody(body: AnyNode, r: Rewriter, depth: number): void {
  const check = stepCheck(bodySteps(body));
  if (body.type === 'BlockStatement') {
    r.open(body.start + 1, check, depth + 1);
  } else {
    r.open(body.start, `{${check}`, depth);
    r.close(body.end, '}', depth);
  }
}

function meterFunction(node: AnyNode, r: Rewriter, depth: number): void {
  if (node.async === true) refuse('async functions are not allowed', node);
  const body = node.body as AnyNode;
  const steps = bodySteps(body);
  if (body.type === 'BlockStatement') {
    r.open(body.start + 1, stepCheck(steps), depth + 1);
  } else {
    // An arrow function with an expression body: a comma expression keeps its value.
    const check = steps === 1 ? `(${meterName}.left-->0)` : `((${meterName}.left-=${steps})>=0)`;
    r.open(body.start, `(${check}||${meterName}.out(),`, depth);
    r.close(body.end, ')', depth);
  }
}

function visit(node: AnyNode, r: Rewriter, forbidden: Set<string>, depth: number,
  topLevel: boolean): void {
  switch (node.type) {
    case 'FunctionDeclaration': case 'FunctionExpression': case 'ArrowFunctionExpression':
      meterFunction(node, r, depth);
      break;
    case 'ForInStatement':
      wrapSpread(node.right as AnyNode, r, depth);
      meterBody(node.body as AnyNode, r, depth);
      break;
    case 'ForStatement': case 'ForOfStatement': case 'WhileStatement': case 'DoWhileStatement':
      if (node.await === true) refuse('for await is not allowed', node);
      meterBody(node.body as AnyNode, r, depth);
      break;
    case 'BinaryExpression': rewriteBinary(node, r, depth); break;
    case 'UnaryExpression': rewriteUnary(node, r, depth); break;
    case 'UpdateExpression': rewriteUpdate(node, r, depth); break;
    case 'AssignmentExpression': rewriteAssignment(node, r, depth); break;
    case 'SpreadElement': wrapSpread(node.argument as AnyNode, r, depth); break;
    case 'VariableDeclarator': {
      const id = node.id as AnyNode, init = node.init as AnyNode | null;
      if (id.type === 'ArrayPattern' && hasRest(id) && init !== null) wrapSpread(init, r, depth);
      break;
    }
    case 'SwitchStatement': {
      const discriminant = node.discriminant as AnyNode;
      r.open(discriminant.start, `${opsName}.sw(`, depth + 1);
      r.close(discriminant.end, `,${(node.cases as unknown[]).length})`, depth + 1);
      break;
    }
    case 'AwaitExpression': refuse('await is not allowed', node); break;
    case 'ImportExpression': refuse('dynamic import is not allowed', node); break;
    case 'MetaProperty': refuse('import.meta and new.target are not allowed', node); break;
    case 'WithStatement': refuse('with is not allowed', node); break;
    case 'Identifier': {
      const name = node.name as string;
      if (name.startsWith(reservedPrefix)) refuse(`the name ${name} is reserved`, node);
      // At the top level (and in arrows there) `arguments` are the runtime's: the meter.
      if (name === 'arguments' && topLevel) {
        refuse('arguments outside a function is not allowed', node);
      }
      if (forbiddenGlobals.includes(name)) forbidden.add(name);
      break;
    }
    default:
      break;
  }
  const inner = topLevel && node.type !== 'FunctionDeclaration' &&
    node.type !== 'FunctionExpression';
  for (const child of children(node)) visit(child, r, forbidden, depth + 2, inner);
}

/**
 * Instruments a contract bundle. Pure and deterministic: the output depends only on the source.
 * Throws BAD_ARGUMENTS for code that does not parse or uses refused syntax.
 */
export function instrument(source: string): InstrumentResult {
  const tokens: Token[] = [];
  const program = parse(source, tokens);
  const rewriter = new Rewriter(source, tokens);
  const forbidden = new Set<string>();
  visit(program, rewriter, forbidden, 0, true);
  return { code: rewriter.apply(), forbidden: [...forbidden].sort() };
}
