// Streaming peer: the official openai Node SDK consumes one streamed completion from the loopback server.
// Usage: node stream.mjs <server base url> <expected chunks>
// Prints one JSON line: chunks (content deltas seen), chars, seconds (first content delta to the end).
import OpenAI from 'openai';

const [baseUrl, expected] = process.argv.slice(2);
const client = new OpenAI({ baseURL: new URL('v1', baseUrl).href, apiKey: 'sk-bench-0123456789', maxRetries: 0 });

let chunks = 0;
let chars = 0;
let first = 0n;
const stream = await client.chat.completions.create({
  model: 'gpt-4o-mini',
  messages: [
    { role: 'system', content: 'You are a helpful assistant.' },
    { role: 'user', content: 'Stream as fast as you can.' },
  ],
  stream: true,
  stream_options: { include_usage: true },
});
for await (const chunk of stream) {
  const text = chunk.choices[0]?.delta?.content;
  if (text) {
    if (chunks === 0) first = process.hrtime.bigint();
    chunks++;
    chars += text.length;
  }
}
const seconds = first === 0n ? 0 : Number(process.hrtime.bigint() - first) / 1e9;
if (chunks < Number(expected)) {
  console.error(`expected ${expected} chunks, saw ${chunks}`);
  process.exit(1);
}
console.log(JSON.stringify({ chunks, chars, seconds, allocated: null }));
