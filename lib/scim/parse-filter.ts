// RFC 7644 §3.4.2.2 filter grammar (and the §3.5.2 PATCH "path" grammar, which reuses it):
// a recursive-descent parser producing a typed AST, so filters are translated, never string-spliced.
//
//   filter    = or
//   or        = and *("or" and)                 ; "and" binds tighter than "or"
//   and       = unary *("and" unary)
//   unary     = "not" "(" or ")" / "(" or ")" / attrExp
//   attrExp   = attrPath "[" valFilter "]" [subAttr compareOp compValue]
//             / attrPath "pr" / attrPath compareOp compValue
//   valFilter = the same grammar, minus nested "[...]", over sub-attribute names
//   path      = attrPath / attrPath "[" valFilter "]" [subAttr]   ; PATCH only

import { formatAttributePath, parseAttributePath, type AttributePath } from './attribute-path';
import { ScimError, type ScimErrorType } from './errors';

export type CompareOperator = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';
export type FilterValue = string | number | boolean | null;

export type ScimFilter =
  | { kind: 'compare'; path: AttributePath; op: CompareOperator; value: FilterValue }
  | { kind: 'present'; path: AttributePath }
  | { kind: 'and'; left: ScimFilter; right: ScimFilter }
  | { kind: 'or'; left: ScimFilter; right: ScimFilter }
  | { kind: 'not'; filter: ScimFilter }
  /** `emails[type eq "work"]`: some value of the multi-valued attribute matches `filter`, whose paths are sub-attributes. */
  | { kind: 'valuePath'; path: AttributePath; filter: ScimFilter };

/** A PATCH target (RFC 7644 §3.5.2): `name.givenName`, `members[value eq "x"]`, `emails[type eq "work"].value`. */
export interface PatchPath extends AttributePath {
  valueFilter?: ScimFilter;
}

const COMPARE_OPERATORS = new Set<string>(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le']);
const OPERATOR_LIST = 'eq, ne, co, sw, ew, gt, ge, lt, le or pr';
// Parentheses and "not" recurse; a hostile filter of ten thousand "(" must not blow the stack.
const MAX_DEPTH = 32;

type Token =
  | { kind: 'word'; text: string; pos: number }
  | { kind: 'string'; value: string; text: string; pos: number }
  | { kind: 'number'; value: number; text: string; pos: number }
  | { kind: 'subAttr'; name: string; text: string; pos: number }
  | { kind: '(' | ')' | '[' | ']' | 'end'; pos: number };

const WORD_START = /[A-Za-z_$]/;
const WORD_CHAR = /[A-Za-z0-9_$:.\-]/;
const NAME_CHAR = /[A-Za-z0-9_$\-]/;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

function describe(token: Token): string {
  switch (token.kind) {
    case 'end':
      return 'the end of the filter';
    case 'word':
    case 'string':
    case 'number':
    case 'subAttr':
      return `"${token.text}"`;
    default:
      return `"${token.kind}"`;
  }
}

export class FilterParser {
  private readonly tokens: Token[];
  private index = 0;
  private depth = 0;
  private inBrackets = false;

  /**
   * mode 'filter' raises invalidFilter for every problem; mode 'path' raises invalidPath for the
   * path itself and invalidFilter only inside "[...]", the split RFC 7644 §3.12 draws.
   */
  constructor(
    private readonly text: string,
    private readonly mode: 'filter' | 'path' = 'filter',
  ) {
    this.tokens = this.tokenize();
  }

  parseFilter(): ScimFilter {
    if (this.peek().kind === 'end') this.fail(this.peek().pos, 'the filter is empty');
    const filter = this.parseOr();
    this.expectEnd();
    return filter;
  }

  parsePath(): PatchPath {
    const token = this.peek();
    if (token.kind !== 'word') this.fail(token.pos, `expected an attribute path, found ${describe(token)}`);
    this.index++;
    const path: PatchPath = this.attributePath(token);
    if (this.peek().kind === '[') {
      this.assertFilterable(path, token);
      path.valueFilter = this.parseBracketed();
      const sub = this.peek();
      if (sub.kind === 'subAttr') {
        this.index++;
        path.subAttribute = sub.name;
      }
    }
    this.expectEnd();
    return path;
  }

  private parseOr(): ScimFilter {
    let left = this.parseAnd();
    while (this.isKeyword(this.peek(), 'or')) {
      this.index++;
      left = { kind: 'or', left, right: this.parseAnd() };
    }
    return left;
  }

  private parseAnd(): ScimFilter {
    let left = this.parseUnary();
    while (this.isKeyword(this.peek(), 'and')) {
      this.index++;
      left = { kind: 'and', left, right: this.parseUnary() };
    }
    return left;
  }

  private parseUnary(): ScimFilter {
    const token = this.peek();
    if (this.isKeyword(token, 'not')) {
      this.index++;
      if (this.peek().kind !== '(') this.fail(this.peek().pos, `expected "(" after "not", found ${describe(this.peek())}`);
      return { kind: 'not', filter: this.parseGroup() };
    }
    if (token.kind === '(') return this.parseGroup();
    // "a eq 1 or or b eq 2" would otherwise read "or" as an attribute and blame "b" as an operator.
    const misplaced = this.isKeyword(token, 'and') || this.isKeyword(token, 'or');
    if (token.kind === 'word' && !misplaced) return this.parseAttributeExpression();
    this.fail(token.pos, `expected an attribute name, "(" or "not", found ${describe(token)}`);
  }

  private parseGroup(): ScimFilter {
    const open = this.next(); // "("
    if (++this.depth > MAX_DEPTH) this.fail(open.pos, `parentheses are nested more than ${MAX_DEPTH} deep`);
    const inner = this.parseOr();
    const close = this.peek();
    if (close.kind !== ')') this.fail(close.pos, `expected ")" to close the "(" at position ${open.pos}, found ${describe(close)}`);
    this.index++;
    this.depth--;
    return inner;
  }

  private parseAttributeExpression(): ScimFilter {
    const token = this.next() as Extract<Token, { kind: 'word' }>;
    const path = this.attributePath(token);
    if (this.peek().kind === '[') {
      this.assertFilterable(path, token);
      const inner = this.parseBracketed();
      const sub = this.peek();
      if (sub.kind !== 'subAttr') return { kind: 'valuePath', path, filter: inner };
      // `emails[type eq "work"].value eq "x"` is outside the RFC filter grammar but is how some
      // clients (and Entra's own attribute notation) phrase "the work email is x". It means the
      // same as `emails[type eq "work" and value eq "x"]`, so it is read as that.
      this.index++;
      const condition = this.parseCondition({ attribute: sub.name }, sub);
      return { kind: 'valuePath', path, filter: { kind: 'and', left: inner, right: condition } };
    }
    return this.parseCondition(path, token);
  }

  private parseCondition(path: AttributePath, after: Token): ScimFilter {
    const token = this.peek();
    if (token.kind !== 'word') {
      this.fail(token.pos, `expected an operator (${OPERATOR_LIST}) after ${describe(after)}, found ${describe(token)}`);
    }
    const op = token.text.toLowerCase();
    this.index++;
    if (op === 'pr') return { kind: 'present', path };
    if (!COMPARE_OPERATORS.has(op)) {
      this.fail(token.pos, `unknown operator "${token.text}"; expected ${OPERATOR_LIST}`);
    }
    return { kind: 'compare', path, op: op as CompareOperator, value: this.parseValue(token) };
  }

  private parseValue(operator: Token): FilterValue {
    const token = this.next();
    if (token.kind === 'string' || token.kind === 'number') return token.value;
    if (token.kind === 'word') {
      const word = token.text.toLowerCase();
      // ABNF literals are case-insensitive (RFC 5234 §2.3), so "True" is as good as "true".
      if (word === 'true') return true;
      if (word === 'false') return false;
      if (word === 'null') return null;
    }
    const hint = token.kind === 'word' ? ' (strings must be in double quotes)' : '';
    this.fail(
      token.pos,
      `expected a value after ${describe(operator)}: a "quoted string", number, true, false or null, found ${describe(token)}${hint}`,
    );
  }

  private parseBracketed(): ScimFilter {
    const open = this.next(); // "["
    if (this.inBrackets) this.fail(open.pos, 'value filters cannot be nested ("[" inside "[...]")');
    this.inBrackets = true;
    if (this.peek().kind === ']') this.fail(this.peek().pos, 'the value filter in "[...]" is empty');
    const inner = this.parseOr();
    const close = this.peek();
    if (close.kind !== ']') this.fail(close.pos, `expected "]" to close the "[" at position ${open.pos}, found ${describe(close)}`);
    this.index++;
    this.inBrackets = false;
    return inner;
  }

  private attributePath(token: Extract<Token, { kind: 'word' }>): AttributePath {
    const path = parseAttributePath(token.text);
    if (!path) this.fail(token.pos, `"${token.text}" is not a valid attribute path`);
    if (this.inBrackets && (path.schema || path.subAttribute)) {
      this.fail(token.pos, `inside "[...]" use a sub-attribute name such as "value" or "type", not "${token.text}"`);
    }
    return path;
  }

  private assertFilterable(path: AttributePath, token: Token): void {
    if (path.subAttribute) {
      this.fail(token.pos, `a value filter "[...]" applies to an attribute, not to the sub-attribute "${formatAttributePath(path)}"`);
    }
  }

  private expectEnd(): void {
    const token = this.peek();
    if (token.kind === 'end') return;
    const expected = this.mode === 'path' && !this.inBrackets ? 'the end of the path' : '"and", "or" or the end of the filter';
    this.fail(token.pos, `unexpected ${describe(token)}; expected ${expected}`);
  }

  private isKeyword(token: Token, keyword: string): boolean {
    return token.kind === 'word' && token.text.toLowerCase() === keyword;
  }

  private peek(): Token {
    return this.tokens[this.index];
  }

  private next(): Token {
    const token = this.tokens[this.index];
    if (token.kind !== 'end') this.index++;
    return token;
  }

  private fail(pos: number, problem: string): never {
    const type: ScimErrorType = this.mode === 'path' && !this.inBrackets ? 'invalidPath' : 'invalidFilter';
    const what = type === 'invalidPath' ? 'path' : 'filter';
    throw new ScimError(400, `Invalid ${what} at position ${pos}: ${problem}`, type);
  }

  private tokenize(): Token[] {
    const text = this.text;
    const tokens: Token[] = [];
    let pos = 0;
    while (pos < text.length) {
      const ch = text[pos];
      if (/\s/.test(ch)) {
        pos++;
      } else if (ch === '(' || ch === ')' || ch === '[' || ch === ']') {
        tokens.push({ kind: ch, pos });
        // Only so that a lexical error inside "[...]" of a PATCH path reports invalidFilter.
        if (ch === '[') this.inBrackets = true;
        if (ch === ']') this.inBrackets = false;
        pos++;
      } else if (ch === '"') {
        pos = this.readString(pos, tokens);
      } else if (ch === '.' && tokens.at(-1)?.kind === ']') {
        const start = pos++;
        while (pos < text.length && NAME_CHAR.test(text[pos])) pos++;
        const name = text.slice(start + 1, pos);
        if (!name) this.fail(start, 'expected a sub-attribute name after "]."');
        tokens.push({ kind: 'subAttr', name, text: text.slice(start, pos), pos: start });
      } else if (ch === '-' || (ch >= '0' && ch <= '9')) {
        NUMBER.lastIndex = pos;
        const match = NUMBER.exec(text);
        const end = match ? pos + match[0].length : pos;
        if (!match || (end < text.length && !/[\s()[\]]/.test(text[end]))) {
          let stop = pos;
          while (stop < text.length && !/[\s()[\]]/.test(text[stop])) stop++;
          this.fail(pos, `"${text.slice(pos, stop)}" is not a valid number`);
        }
        tokens.push({ kind: 'number', value: Number(match[0]), text: match[0], pos });
        pos = end;
      } else if (WORD_START.test(ch)) {
        const start = pos;
        while (pos < text.length && WORD_CHAR.test(text[pos])) pos++;
        tokens.push({ kind: 'word', text: text.slice(start, pos), pos: start });
      } else {
        this.fail(pos, `unexpected character "${ch}"`);
      }
    }
    tokens.push({ kind: 'end', pos: text.length });
    this.inBrackets = false;
    return tokens;
  }

  // A JSON string (RFC 8259 §7), which is what RFC 7644 §3.4.2.2 says compValue strings are.
  private readString(start: number, tokens: Token[]): number {
    const text = this.text;
    let value = '';
    let pos = start + 1;
    while (pos < text.length) {
      const ch = text[pos];
      if (ch === '"') {
        tokens.push({ kind: 'string', value, text: text.slice(start, pos + 1), pos: start });
        return pos + 1;
      }
      if (ch !== '\\') {
        value += ch;
        pos++;
        continue;
      }
      const escape = text[pos + 1];
      if (escape === 'u') {
        const hex = text.slice(pos + 2, pos + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail(pos, 'a "\\u" escape needs four hex digits');
        value += String.fromCharCode(parseInt(hex, 16));
        pos += 6;
      } else if (escape !== undefined && escape in ESCAPES) {
        value += ESCAPES[escape];
        pos += 2;
      } else {
        this.fail(pos, `invalid escape "\\${escape ?? ''}" in string`);
      }
    }
    this.fail(start, 'unterminated string (no closing double quote)');
  }
}

/** Parses a SCIM filter; throws ScimError 400 invalidFilter naming the position of the problem. */
export function parseFilter(text: string): ScimFilter {
  return new FilterParser(text, 'filter').parseFilter();
}
