/**
 * A small parser for Python literals as they appear in the Kaggle "The Movies Dataset" cells
 * (`[{'id': 16, 'name': 'Animation'}]`): lists, tuples, dicts, single/double/triple-quoted strings
 * with escapes, ints, floats, True/False/None. A tokenizer plus recursive descent following the
 * Python language reference (§2.4 literals); it never evaluates code.
 */
export type PyValue = null | boolean | number | string | PyValue[] | { [key: string]: PyValue };

export class PythonLiteralError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(`${message} at position ${position}`);
    this.name = 'PythonLiteralError';
  }
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  n: '\n',
  t: '\t',
  r: '\r',
  b: '\b',
  f: '\f',
  v: '\v',
  a: '\x07',
  '0': '\0',
};

class Parser {
  pos = 0;
  constructor(private readonly src: string) {}

  fail(message: string): never {
    throw new PythonLiteralError(message, this.pos);
  }

  skipSpace(): void {
    const s = this.src;
    while (this.pos < s.length) {
      const c = s.charCodeAt(this.pos);
      if (c === 32 || c === 9 || c === 10 || c === 13) this.pos++;
      else break;
    }
  }

  parseValue(): PyValue {
    this.skipSpace();
    const c = this.src[this.pos];
    if (c === undefined) this.fail('unexpected end of input');
    if (c === '[') return this.parseSequence('[', ']');
    if (c === '(') return this.parseSequence('(', ')');
    if (c === '{') return this.parseDict();
    if (c === "'" || c === '"') return this.parseString();
    if (
      (c === 'u' || c === 'U' || c === 'r' || c === 'R') &&
      (this.src[this.pos + 1] === "'" || this.src[this.pos + 1] === '"')
    ) {
      const raw = c === 'r' || c === 'R';
      this.pos++;
      return this.parseString(raw);
    }
    if (c === '-' || c === '+' || c === '.' || (c >= '0' && c <= '9')) return this.parseNumber();
    for (const [word, value] of [
      ['True', true],
      ['False', false],
      ['None', null],
      ['nan', NaN],
    ] as const) {
      if (this.src.startsWith(word, this.pos)) {
        this.pos += word.length;
        return value;
      }
    }
    return this.fail(`unexpected character ${JSON.stringify(c)}`);
  }

  parseSequence(open: string, close: string): PyValue[] {
    this.pos++; // open
    const out: PyValue[] = [];
    for (;;) {
      this.skipSpace();
      if (this.src[this.pos] === close) {
        this.pos++;
        return out;
      }
      out.push(this.parseValue());
      this.skipSpace();
      const c = this.src[this.pos];
      if (c === ',') this.pos++;
      else if (c === close) {
        this.pos++;
        return out;
      } else this.fail(`expected ',' or '${close}' in ${open}${close}`);
    }
  }

  parseDict(): { [key: string]: PyValue } {
    this.pos++; // {
    const out: { [key: string]: PyValue } = {};
    for (;;) {
      this.skipSpace();
      if (this.src[this.pos] === '}') {
        this.pos++;
        return out;
      }
      const key = this.parseValue();
      if (typeof key !== 'string' && typeof key !== 'number') this.fail('dict keys must be strings or numbers');
      this.skipSpace();
      if (this.src[this.pos] !== ':') this.fail("expected ':' in dict");
      this.pos++;
      out[String(key)] = this.parseValue();
      this.skipSpace();
      const c = this.src[this.pos];
      if (c === ',') this.pos++;
      else if (c === '}') {
        this.pos++;
        return out;
      } else this.fail("expected ',' or '}' in dict");
    }
  }

  parseString(raw = false): string {
    const s = this.src;
    const q = s[this.pos];
    const triple = s.startsWith(q + q + q, this.pos);
    const delim = triple ? q + q + q : q;
    this.pos += delim.length;
    let out = '';
    for (;;) {
      if (this.pos >= s.length) this.fail('unterminated string');
      const c = s[this.pos];
      if (s.startsWith(delim, this.pos)) {
        this.pos += delim.length;
        return out;
      }
      if (!triple && (c === '\n' || c === '\r')) this.fail('newline in single-quoted string');
      if (c !== '\\') {
        // Copy the whole run up to the next quote, backslash or newline in one slice.
        let end = this.pos + 1;
        while (end < s.length) {
          const ch = s.charCodeAt(end);
          if (ch === 92 || ch === 39 || ch === 34 || ch === 10 || ch === 13) break;
          end++;
        }
        out += s.slice(this.pos, end);
        this.pos = end;
        continue;
      }
      const e = s[this.pos + 1];
      if (e === undefined) this.fail('dangling backslash');
      if (raw) {
        out += c + e;
        this.pos += 2;
        continue;
      }
      if (e in SIMPLE_ESCAPES && !(e === '0' && /[0-7]/.test(s[this.pos + 2] ?? ''))) {
        out += SIMPLE_ESCAPES[e];
        this.pos += 2;
      } else if (e === 'x' || e === 'u' || e === 'U') {
        const len = e === 'x' ? 2 : e === 'u' ? 4 : 8;
        const hex = s.slice(this.pos + 2, this.pos + 2 + len);
        if (hex.length !== len || !/^[0-9a-fA-F]+$/.test(hex)) this.fail(`bad \\${e} escape`);
        out += String.fromCodePoint(parseInt(hex, 16));
        this.pos += 2 + len;
      } else if (e >= '0' && e <= '7') {
        const m = /^[0-7]{1,3}/.exec(s.slice(this.pos + 1, this.pos + 4))![0];
        out += String.fromCharCode(parseInt(m, 8));
        this.pos += 1 + m.length;
      } else if (e === '\n') {
        this.pos += 2; // line continuation
      } else {
        // Python keeps unknown escapes verbatim.
        out += c + e;
        this.pos += 2;
      }
    }
  }

  parseNumber(): number {
    const m = /^[+-]?(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d+)?/.exec(this.src.slice(this.pos, this.pos + 64));
    if (!m) {
      if (this.src.startsWith('-inf', this.pos)) {
        this.pos += 4;
        return -Infinity;
      }
      this.fail('bad number');
    }
    this.pos += m[0].length;
    return Number(m[0].replace(/_/g, ''));
  }
}

/**
 * Parses one Python literal. Throws {@link PythonLiteralError} on anything else (including
 * trailing text). Dict keys become strings. O(length).
 */
export function parsePythonLiteral(src: string): PyValue {
  const p = new Parser(src);
  const v = p.parseValue();
  p.skipSpace();
  if (p.pos !== src.length) p.fail('trailing characters');
  return v;
}

/** `[{name: ...}, ...]` → the `name` strings (other entries are ignored). Throws like {@link parsePythonLiteral}. */
export function namesOf(src: string): string[] {
  const v = parsePythonLiteral(src);
  if (!Array.isArray(v)) throw new PythonLiteralError('expected a list', 0);
  const out: string[] = [];
  for (const e of v) {
    if (e && typeof e === 'object' && !Array.isArray(e) && typeof e.name === 'string') out.push(e.name);
  }
  return out;
}
