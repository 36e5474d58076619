/** "1 movie", "2 movies", "1,204 ratings"; `many` for irregular plurals ("person" → "people"). */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
}
