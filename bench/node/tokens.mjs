// Token-counting peers: npm tiktoken (Rust compiled to WASM) and js-tiktoken (pure JavaScript), o200k_base.
// Usage: node tokens.mjs <tiktoken|js-tiktoken> <texts dir> <seconds per rep> <reps>
//        node tokens.mjs tiktoken-runs <texts dir>
// The texts dir holds the files written by the .NET harness (same bytes for every peer); short.txt has one
// message per line, counted one by one. Prints one JSON line per text class, then a load line.
// tiktoken-runs: one timed count of each 100 KB run without spaces (run-*-100k.txt): tiktoken's merge is
// quadratic there (about 30 s each; 1 MB aborts the WASM module), js-tiktoken's worse (20 s for 10 KB).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const [peer, dir, secondsText, repsText] = process.argv.slice(2);
const seconds = Number(secondsText);
const reps = Number(repsText);

if (peer === 'tiktoken-runs') {
  const { get_encoding } = await import('tiktoken');
  const encoding = get_encoding('o200k_base');
  for (const name of ['run-a', 'run-latin', 'run-cjk']) {
    const raw = readFileSync(join(dir, `${name}-100k.txt`));
    const text = raw.toString('utf8');
    const start = process.hrtime.bigint();
    const tokens = encoding.encode_ordinary(text).length;
    const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
    console.log(JSON.stringify({ text: `${name}-100k`, bytes: raw.length, tokens, mbps: raw.length / elapsed / 1e6 }));
  }
  process.exit(0);
}

const loadStart = process.hrtime.bigint();
let count;
if (peer === 'tiktoken') {
  const { get_encoding } = await import('tiktoken');
  const encoding = get_encoding('o200k_base');
  count = (text) => encoding.encode_ordinary(text).length;
} else if (peer === 'js-tiktoken') {
  const { getEncoding } = await import('js-tiktoken');
  const encoding = getEncoding('o200k_base');
  // allowedSpecial = [] and disallowedSpecial = []: special-token text is ordinary text (encode_ordinary).
  count = (text) => encoding.encode(text, [], []).length;
} else {
  console.error(`unknown peer ${peer}`);
  process.exit(2);
}
count('warm up the tokenizer');
const loadMs = Number(process.hrtime.bigint() - loadStart) / 1e6;

for (const name of ['short', 'english', 'cjk', 'code']) {
  const raw = readFileSync(join(dir, `${name}.txt`));
  const text = raw.toString('utf8');
  const items = name === 'short' ? text.split('\n').filter((line) => line.length > 0) : [text];
  const bytes = name === 'short' ? items.reduce((sum, item) => sum + Buffer.byteLength(item, 'utf8'), 0) : raw.length;
  const pass = () => {
    let tokens = 0;
    for (const item of items) tokens += count(item);
    return tokens;
  };
  const tokens = pass(); // warm-up pass; its count is the one reported
  let best = 0;
  for (let rep = 0; rep < reps; rep++) {
    let passes = 0;
    const start = process.hrtime.bigint();
    let elapsed = 0;
    do {
      if (pass() !== tokens) throw new Error(`${peer}: the count of ${name} changed between passes`);
      passes++;
      elapsed = Number(process.hrtime.bigint() - start) / 1e9;
    } while (elapsed < seconds);
    best = Math.max(best, (bytes * passes) / elapsed / 1e6);
  }
  console.log(JSON.stringify({ text: name, bytes, tokens, mbps: best }));
}
console.log(JSON.stringify({ text: 'load', loadMs }));
