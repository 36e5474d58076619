// Renders public/icon.svg to the PNG app icons and a favicon.ico (PNG inside an ICO container), with headless
// Chromium. Run after changing the SVG: npx tsx scripts/make-icons.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

const svg = readFileSync('public/icon.svg', 'utf8');
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium' });
async function render(size: number, maskable = false): Promise<Buffer> {
  const page = await browser.newPage({ viewport: { width: size, height: size } });
  // A maskable icon keeps its mark inside the central 80 % safe zone, on a full-bleed background.
  const inner = maskable
    ? `<div style="width:100%;height:100%;background:#f5b83d;display:grid;place-items:center"><div style="width:70%;height:70%">${svg}</div></div>`
    : svg;
  await page.setContent(
    `<html><body style="margin:0;background:transparent">${inner}<style>svg{width:100%;height:100%;display:block}</style></body></html>`,
  );
  const png = await page.screenshot({ omitBackground: true, type: 'png' });
  await page.close();
  return png;
}
const outputs: [string, number, boolean][] = [
  ['public/icon-192.png', 192, false],
  ['public/icon-512.png', 512, false],
  ['public/icon-maskable-512.png', 512, true],
  ['public/apple-touch-icon.png', 180, true],
];
for (const [path, size, maskable] of outputs) writeFileSync(path, await render(size, maskable));
const png32 = await render(32);
// ICO: 6-byte header, one 16-byte directory entry, then the PNG (allowed since Windows Vista; every browser reads it).
const header = Buffer.alloc(22);
header.writeUInt16LE(0, 0);
header.writeUInt16LE(1, 2);
header.writeUInt16LE(1, 4);
header.writeUInt8(32, 6);
header.writeUInt8(32, 7);
header.writeUInt8(0, 8);
header.writeUInt8(0, 9);
header.writeUInt16LE(1, 10);
header.writeUInt16LE(32, 12);
header.writeUInt32LE(png32.length, 14);
header.writeUInt32LE(22, 18);
writeFileSync('public/favicon.ico', Buffer.concat([header, png32]));
await browser.close();
console.log('icons written');
