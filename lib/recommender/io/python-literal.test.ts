import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { namesOf, parsePythonLiteral, PythonLiteralError } from './python-literal';

describe('parsePythonLiteral', () => {
  it('parses the TMDB genre cell', () => {
    expect(parsePythonLiteral("[{'id':16,'name':'Animation'},{'id':35,'name':'Comedy'}]")).toEqual([
      { id: 16, name: 'Animation' },
      { id: 35, name: 'Comedy' },
    ]);
  });

  it('reads a double-quoted name with an apostrophe after CSV unquoting', () => {
    const csv = `id,keywords\n8844,"[{'id': 15101, 'name': ""based on children's book""}, {'id': 1, 'name': 'x'}]"\n`;
    const rows = parse(csv, { columns: true }) as { keywords: string }[];
    expect(namesOf(rows[0].keywords)).toEqual(["based on children's book", 'x']);
  });

  it('handles escaped quotes, backslashes and control escapes', () => {
    expect(parsePythonLiteral("'O\\'Brien'")).toBe("O'Brien");
    expect(parsePythonLiteral('"say \\"hi\\""')).toBe('say "hi"');
    expect(parsePythonLiteral("'a\\\\b\\nc\\td'")).toBe('a\\b\nc\td');
  });

  it('decodes \\x, \\u and \\U escapes and keeps literal unicode', () => {
    expect(parsePythonLiteral("'Toshir\\u014d'")).toBe('Toshirō');
    expect(parsePythonLiteral("'caf\\xe9'")).toBe('café');
    expect(parsePythonLiteral("'\\U0001F600'")).toBe('😀');
    expect(parsePythonLiteral("'Ōkami 狼'")).toBe('Ōkami 狼');
  });

  it('parses numbers, booleans, None, tuples and nesting', () => {
    expect(parsePythonLiteral("{'a': -1.5e2, 'b': (1, 2,), 'c': [True, False, None], 3: {}}")).toEqual({
      a: -150,
      b: [1, 2],
      c: [true, false, null],
      '3': {},
    });
    expect(parsePythonLiteral('[]')).toEqual([]);
    expect(parsePythonLiteral('  42  ')).toBe(42);
  });

  it('rejects code and malformed input instead of evaluating it', () => {
    expect(() => parsePythonLiteral("__import__('os')")).toThrow(PythonLiteralError);
    expect(() => parsePythonLiteral('[1, 2')).toThrow(PythonLiteralError);
    expect(() => parsePythonLiteral("'open")).toThrow(PythonLiteralError);
    expect(() => parsePythonLiteral('[1] 2')).toThrow(/trailing/);
  });
});
