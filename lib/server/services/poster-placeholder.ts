import 'server-only';

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function wrap(title: string, width: number): string[] {
  const words = title.split(/\s+/);
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    if ((line + ' ' + w).trim().length > width && line) {
      lines.push(line);
      line = w;
    } else line = (line + ' ' + w).trim();
  }
  if (line) lines.push(line);
  return lines.slice(0, 5);
}

/** A deterministic typographic poster (real posters cannot be fetched on machines without internet). */
export function placeholderPosterSvg(movieId: number, title: string, year: number | null, genres: string[]): string {
  const hue = (movieId * 47) % 360;
  const hue2 = (hue + 40) % 360;
  const lines = wrap(title, 14);
  const text = lines
    .map(
      (l, i) =>
        `<text x="24" y="${300 - (lines.length - 1 - i) * 34}" font-size="28" font-weight="700" fill="#fff">${escape(l)}</text>`,
    )
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 342 513" width="342" height="513">
<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="hsl(${hue},55%,32%)"/><stop offset="1" stop-color="hsl(${hue2},60%,12%)"/></linearGradient></defs>
<rect width="342" height="513" fill="url(#g)"/>
<circle cx="290" cy="70" r="120" fill="hsl(${hue},70%,60%)" opacity=".12"/>
<g font-family="Inter Variable, Inter, system-ui, sans-serif">${text}
<text x="24" y="350" font-size="18" fill="#fff" opacity=".75">${year ?? ''}</text>
<text x="24" y="480" font-size="14" fill="#fff" opacity=".6" letter-spacing="2">${escape(genres.join(' · ').toUpperCase())}</text></g>
</svg>`;
}
