import jsep from 'jsep';
import { EXPRESSION_LIMITS } from './expression-limits';

/**
 * jsep configured for bamboo's condition language (boolrule) plus Python-ish arithmetic.
 * The parser only builds a syntax tree; nothing here evaluates anything.
 *
 * jsep keeps its configuration in static fields, so this configuration is process-wide:
 * this module is the only place in the project that imports jsep.
 */

/** A jsep node plus what the hooks below record. */
export type RawNode = jsep.Expression & {
  /** Offset of the node's first character in the parsed text. */
  start?: number;
  /** Written in parentheses (or as `${...}`); matters for `not` precedence and `in (x)`. */
  group?: boolean;
};

/** A syntax error found by jsep or by the hooks below, with jsep's character offset. */
export interface JsepSyntaxError {
  description: string;
  index: number;
}

/** The parser's own view of a jsep instance (the typings only describe the hook scope). */
interface ParserInstance extends jsep.HookScope {
  index: number;
  parse(): RawNode;
  /** Start offsets of the tokens being parsed: one entry per nesting level. */
  pipelineStarts?: number[];
}
type JsepClass = new (expr: string) => ParserInstance;

const DOLLAR = 36; // $
const LBRACE = 123; // {
const RBRACE = 125; // }
const OPAREN = 40; // (
const CPAREN = 41; // )
const OBRACK = 91; // [
const CBRACK = 93; // ]
const COMMA = 44; // ,
const PERIOD = 46; // .

const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/** Python-like precedence, higher binds tighter. Comparisons share one level, like Python. */
const BINARY_OPERATORS: ReadonlyArray<readonly [string, number]> = [
  ['or', 1],
  ['OR', 1],
  ['||', 1],
  ['and', 2],
  ['AND', 2],
  ['&&', 2],
  ['==', 6],
  ['!=', 6],
  ['<', 6],
  ['>', 6],
  ['<=', 6],
  ['>=', 6],
  ['in', 6],
  ['IN', 6],
  ['notin', 6],
  ['NOTIN', 6],
  ['not in', 6],
  ['issuperset', 6],
  ['ISSUPERSET', 6],
  ['notissuperset', 6],
  ['NOTISSUPERSET', 6],
  ['+', 9],
  ['-', 9],
  ['*', 10],
  ['/', 10],
  ['//', 10],
  ['%', 10],
];
const UNARY_OPERATORS = ['-', '+', '!', 'not', 'NOT'];
const LITERALS: ReadonlyArray<readonly [string, unknown]> = [
  ['true', true],
  ['false', false],
  ['True', true],
  ['False', false],
  ['TRUE', true],
  ['FALSE', false],
  ['null', null],
  ['None', null],
];

/** `( )` group or tuple, `(1,)` one-tuple, `()` empty tuple; commas only between items. */
function gobbleParenthesized(p: ParserInstance): RawNode {
  p.index++;
  const items = gobbleItems(p, CPAREN, 'Unclosed (');
  let node: RawNode;
  if (items.nodes.length === 1 && !items.trailingComma) {
    node = items.nodes[0];
    node.group = true;
  } else {
    node = { type: 'SequenceExpression', expressions: items.nodes };
  }
  return p.gobbleTokenProperty(node) as RawNode;
}

/** `[a, b]`; unlike jsep's default, `[a b]` and holes `[a,,b]` are syntax errors. */
function gobbleList(p: ParserInstance): RawNode {
  p.index++;
  const items = gobbleItems(p, CBRACK, 'Unclosed [');
  return p.gobbleTokenProperty({ type: 'ArrayExpression', elements: items.nodes }) as RawNode;
}

function gobbleItems(
  p: ParserInstance,
  close: number,
  unclosed: string,
): { nodes: RawNode[]; trailingComma: boolean } {
  const nodes: RawNode[] = [];
  p.gobbleSpaces();
  if (p.code === close) {
    p.index++;
    return { nodes, trailingComma: false };
  }
  for (;;) {
    const node = p.gobbleExpression() as RawNode | false | undefined;
    if (!node) p.throwError(p.index >= p.expr.length ? unclosed : `Unexpected "${p.char}"`);
    nodes.push(node);
    if (p.code === COMMA) {
      p.index++;
      p.gobbleSpaces();
      if (p.code === close) {
        p.index++;
        return { nodes, trailingComma: true };
      }
      continue;
    }
    if (p.code === close) {
      p.index++;
      return { nodes, trailingComma: false };
    }
    p.throwError(
      p.index >= p.expr.length ? unclosed : `Expected "," or "${String.fromCharCode(close)}"`,
    );
  }
}

/** `${expr}` inside a condition or expression: the value of `expr`, as if parenthesized. */
function gobbleEmbedded(p: ParserInstance): RawNode {
  p.index += 2;
  const node = gobbleEmbeddedBody(p);
  node.group = true;
  return p.gobbleTokenProperty(node) as RawNode;
}

/** After `${`: one expression, then `}`. */
function gobbleEmbeddedBody(p: ParserInstance): RawNode {
  p.gobbleSpaces();
  if (p.code === RBRACE) p.throwError('Empty ${}');
  const node = p.gobbleExpression() as RawNode | false | undefined;
  if (!node) {
    p.throwError(p.index >= p.expr.length ? 'Unclosed ${' : `Unexpected "${p.char}"`);
  }
  if (p.code !== RBRACE) {
    p.throwError(
      p.index >= p.expr.length
        ? 'Unclosed ${'
        : `Expected "}" to close "\${" but found "${p.char}"`,
    );
  }
  p.index++;
  return node;
}

/**
 * First `gobble-token` hook: bounds nesting (every nested construct passes through
 * gobbleToken, so this keeps jsep's recursion far from the stack limit), records where each
 * token starts, and parses the constructs handled differently from stock jsep.
 */
function onGobbleToken(this: ParserInstance, env: { node?: jsep.Expression }): void {
  const starts = (this.pipelineStarts ??= []);
  if (starts.length >= EXPRESSION_LIMITS.maxNesting) {
    this.throwError(`Nesting deeper than ${EXPRESSION_LIMITS.maxNesting} levels`);
  }
  starts.push(this.index);
  const c = this.code;
  if (c === DOLLAR && this.expr.charCodeAt(this.index + 1) === LBRACE) {
    env.node = gobbleEmbedded(this);
  } else if (c === OPAREN) {
    env.node = gobbleParenthesized(this);
  } else if (c === OBRACK) {
    env.node = gobbleList(this);
  } else if (isDigit(c) || (c === PERIOD && isDigit(this.expr.charCodeAt(this.index + 1)))) {
    // jsep returns number literals without running `after-token`; parsing them here keeps
    // the start stack balanced.
    env.node = this.gobbleNumericLiteral() as jsep.Expression;
  }
}

/** Pops the start recorded by onGobbleToken (jsep runs this hook once per gobbleToken). */
function onAfterToken(this: ParserInstance, env: { node?: jsep.Expression }): void {
  const start = this.pipelineStarts?.pop();
  const node = env.node as RawNode | undefined;
  if (node && typeof node === 'object' && node.start === undefined) node.start = start;
}

let configured = false;

function configure(): void {
  if (configured) return;
  configured = true;
  const j = jsep as unknown as {
    Jsep: {
      binary_ops: Record<string, number>;
      unary_ops: Record<string, number>;
      literals: Record<string, unknown>;
    };
  };
  // Removed one by one (not removeAll*) so the objects jsep's plugins hold stay the live ones.
  for (const op of Object.keys(j.Jsep.binary_ops)) jsep.removeBinaryOp(op);
  for (const op of Object.keys(j.Jsep.unary_ops)) jsep.removeUnaryOp(op);
  for (const name of Object.keys(j.Jsep.literals)) jsep.removeLiteral(name);
  // `$` starts `${`, never an identifier.
  jsep.removeIdentifierChar('$');
  for (const [op, precedence] of BINARY_OPERATORS) jsep.addBinaryOp(op, precedence);
  for (const op of UNARY_OPERATORS) jsep.addUnaryOp(op);
  for (const [name, value] of LITERALS) jsep.addLiteral(name, value);
  jsep.hooks.add('gobble-token', onGobbleToken as jsep.HookCallback, true);
  jsep.hooks.add('after-token', onAfterToken as jsep.HookCallback);
}

function parserClass(): JsepClass {
  configure();
  return (jsep as unknown as { Jsep: JsepClass }).Jsep;
}

function isSyntaxError(e: unknown): e is Error & JsepSyntaxError {
  return e instanceof Error && typeof (e as Partial<JsepSyntaxError>).index === 'number';
}

/** What parse failures look like to the callers: a reason and where. */
export class ParseFailure extends Error {
  constructor(
    readonly reason: string,
    readonly position?: number,
  ) {
    super(reason);
  }
}

function toFailure(e: unknown): ParseFailure {
  if (isSyntaxError(e)) return new ParseFailure(`syntax error: ${e.description}`, e.index);
  if (e instanceof RangeError) return new ParseFailure('expression is nested too deeply');
  throw e;
}

/** Parses a whole condition / expression. Throws ParseFailure. */
export function parseSource(src: string): RawNode {
  const Parser = parserClass();
  let node: RawNode;
  try {
    node = new Parser(src).parse();
  } catch (e) {
    throw toFailure(e);
  }
  if (node.type === 'Compound') {
    const body = node.body as RawNode[];
    if (body.length === 0) throw new ParseFailure('empty expression', 0);
    throw new ParseFailure(
      'only one expression is allowed (two expressions next to each other, or separated by "," or ";")',
      body[1]?.start,
    );
  }
  return node;
}

/**
 * Parses the expression of a `${` that starts at `dollar` in `text`, stopping at its `}`
 * (quotes and nested `${}` / brackets are followed by the tokenizer itself). Offsets stay
 * relative to `text`. Throws ParseFailure.
 */
export function parseEmbedded(text: string, dollar: number): { node: RawNode; end: number } {
  const Parser = parserClass();
  const bodyStart = dollar + 2;
  // The parser never sees more than the source limit allows, whatever the template's length.
  const bound = bodyStart + EXPRESSION_LIMITS.maxSourceLength + 1;
  const visible = text.length > bound ? text.slice(0, bound) : text;
  const p = new Parser(visible);
  p.index = bodyStart;
  let node: RawNode;
  try {
    node = gobbleEmbeddedBody(p);
  } catch (e) {
    if (visible.length < text.length && isSyntaxError(e) && e.index >= visible.length - 1) {
      throw new ParseFailure(
        `the expression in \${} is longer than ${EXPRESSION_LIMITS.maxSourceLength} characters or is not closed`,
        dollar,
      );
    }
    throw toFailure(e);
  }
  if (p.index - 1 - bodyStart > EXPRESSION_LIMITS.maxSourceLength) {
    throw new ParseFailure(
      `the expression in \${} is longer than ${EXPRESSION_LIMITS.maxSourceLength} characters`,
      dollar,
    );
  }
  return { node, end: p.index };
}
